//! What a lot is made of and what it may claim: `provenance` (origin shares), `claim` (a rule
//! pack's verdict) and `rules` (the packs and their sources). The shares are the use-case
//! layer's (`critmin_app::ledger`), the same rows `/api/v1/ledger/provenance` answers.

use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::ValueEnum;
use critmin_app::ledger::{lot_provenance, share_rows};
use critmin_ledger::provenance::{ElementProvenance, to_f64};
use critmin_ledger::rules::{Date, Verdict, embedded_rule_packs, evaluate};
use critmin_ledger::{Ledger, LotId, Viewer};
use critmin_model::{CountryCode, Group, GroupSet};
use serde::Serialize;

use super::place::{AnyLog, Place, now, open};
use crate::output::{Format, Table, emit, pct};

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(super) enum View {
    /// Shares of contained element, proportional through the transformation graph.
    #[default]
    Physical,
    /// Credits allocated to the lot under the mass-balance model (the rest unallocated).
    MassBalance,
}

impl View {
    /// The use-case layer's view.
    fn request(self) -> critmin_app::ledger::View {
        match self {
            View::Physical => critmin_app::ledger::View::Physical,
            View::MassBalance => critmin_app::ledger::View::MassBalance,
        }
    }
}

/// Refuses a lot the viewer may not read, with the same message as for an unknown lot, so a
/// refusal does not reveal that the lot exists.
pub(super) fn readable(ledger: &Ledger<AnyLog>, viewer: &Viewer, lot: &str) -> Result<LotId> {
    let id = LotId(lot.to_owned());
    if ledger.state().may_read_lot(viewer, &id) {
        Ok(id)
    } else {
        bail!("unknown lot `{lot}`")
    }
}

/// The groups of each country, from the embedded dataset.
pub(super) fn groups_fn() -> Result<impl Fn(CountryCode) -> GroupSet> {
    let ds = critmin_data::load_embedded()?;
    Ok(move |c| ds.country(c).map_or(GroupSet::EMPTY, |k| k.groups))
}

/// A readable lot's provenance in the chosen view.
fn lot_view(ledger: &Ledger<AnyLog>, viewer: &Viewer, lot: &str, view: View) -> Result<Vec<ElementProvenance>> {
    lot_provenance(ledger.state(), viewer, &LotId(lot.to_owned()), view.request())
        .ok_or_else(|| anyhow!("unknown lot `{lot}`"))
}

/// `provenance`: the share rows of a lot.
pub(super) fn provenance_cmd(
    place: &Place,
    viewer: &Viewer,
    lot: &str,
    partners: &str,
    view: View,
    format: Format,
) -> Result<ExitCode> {
    let partner: Group = partners.parse()?;
    let ledger = open(place)?;
    let elements = lot_view(&ledger, viewer, lot, view)?;
    let groups = groups_fn()?;
    let records = share_rows(&elements, partner, view.request(), &groups);
    emit(format, &records, || {
        let mut t = Table::new(&["element", "contained kg>", "measure", "share>", "exact"]);
        t.title = Some(format!(
            "provenance of {lot} ({} view, shares of contained element)",
            view_name(view)
        ));
        for r in &records {
            t.row(vec![
                r.element.clone(),
                format!("{:.3}", r.contained_kg),
                r.measure.clone(),
                pct(r.share),
                r.exact.clone(),
            ]);
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The view as the table title names it.
fn view_name(view: View) -> &'static str {
    match view {
        View::Physical => "physical",
        View::MassBalance => "mass-balance",
    }
}

#[derive(Serialize)]
struct ClaimRecord {
    lot: String,
    rule: String,
    date: String,
    verdict: Verdict,
    element: String,
    measure: String,
    share: f64,
    required: String,
    pass: bool,
}

/// `claim`: a lot against a rule pack on a date; exit 0 only on a pass.
#[allow(clippy::too_many_arguments)]
pub(super) fn claim(
    place: &Place,
    viewer: &Viewer,
    lot: &str,
    rule: &str,
    date: Option<&str>,
    view: View,
    format: Format,
) -> Result<ExitCode> {
    let packs = embedded_rule_packs();
    let pack = packs.iter().find(|p| p.id == rule).ok_or_else(|| {
        anyhow!(
            "unknown rule `{rule}`; expected one of: {}",
            packs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
        )
    })?;
    let date: Date = match date {
        Some(d) => d.parse().map_err(|e: String| anyhow!(e))?,
        None => Date::from_unix(now()),
    };
    let ledger = open(place)?;
    let elements = lot_view(&ledger, viewer, lot, view)?;
    let outcome = evaluate(pack, &elements, date, &groups_fn()?);
    let records: Vec<ClaimRecord> = outcome
        .checks
        .iter()
        .map(|c| ClaimRecord {
            lot: lot.to_owned(),
            rule: outcome.rule.clone(),
            date: date.to_string(),
            verdict: outcome.verdict,
            element: c.element.clone(),
            measure: c.measure.clone(),
            share: to_f64(&c.share),
            required: format!("{} {}", if c.is_minimum { ">=" } else { "=" }, pct(to_f64(&c.required))),
            pass: c.pass,
        })
        .collect();
    let verdict = match outcome.verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::NotApplicable => "NOT APPLICABLE",
    };
    emit(format, &records, || {
        let mut t = Table::new(&["element", "measure", "share>", "required>", "pass"]);
        t.title = Some(format!(
            "{verdict}: {lot} against {} on {date} ({} view)",
            pack.title,
            view_name(view)
        ));
        for r in &records {
            t.row(vec![
                r.element.clone(),
                r.measure.clone(),
                pct(r.share),
                r.required.clone(),
                if r.pass { "yes" } else { "no" }.into(),
            ]);
        }
        t.footer.extend(outcome.notes.iter().map(|n| format!("note: {n}")));
        t.footer.push(format!("basis: {}", pack.basis));
        t
    })?;
    if !matches!(format, Format::Table) {
        eprintln!("{verdict}");
    }
    Ok(if outcome.verdict == Verdict::Pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Serialize)]
struct SourceRecord {
    rule: String,
    figures: String,
    url: String,
    verified: String,
}

/// `rules`: every rule pack with the sources of its figures.
pub(super) fn rules(format: Format) -> Result<ExitCode> {
    let packs = embedded_rule_packs();
    let records: Vec<SourceRecord> = packs
        .iter()
        .flat_map(|p| {
            p.sources.iter().map(|s| SourceRecord {
                rule: p.id.clone(),
                figures: s.figures.clone(),
                url: s.url.clone(),
                verified: s.verified.clone(),
            })
        })
        .collect();
    emit(format, &records, || {
        let mut t = Table::new(&["rule", "figures", "source", "verified"]);
        for r in &records {
            t.row(vec![
                r.rule.clone(),
                r.figures.clone(),
                r.url.clone(),
                r.verified.clone(),
            ]);
        }
        t
    })?;
    Ok(ExitCode::SUCCESS)
}
