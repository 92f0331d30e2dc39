//! `critmin supply <mineral>`: country shares of one series.

use anyhow::{Result, bail};
use critmin_metrics::SupplyShares;
use critmin_model::{Dataset, StageId};
use serde::Serialize;

use crate::output::{Format, Table, emit, pct, quantity};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mineral id or alias (see `critmin minerals`).
    mineral: String,
    /// Stage as the source names it (mine, refined, refinery, reserves, ...). Default: mine
    /// production when there is one, else the latest non-capacity stage.
    #[arg(long)]
    stage: Option<String>,
    /// Year. Default: the latest.
    #[arg(long)]
    year: Option<u16>,
    /// Source edition code (USGS-MCS2025, IEA-CMD-2025, ...). Default: the source naming the
    /// most countries.
    #[arg(long, value_name = "CODE")]
    source: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Serialize)]
struct ShareRecord {
    mineral: String,
    stage: String,
    year: u16,
    source: String,
    unit: String,
    rank: Option<usize>,
    country: String,
    country_name: String,
    value: Option<f64>,
    share: Option<f64>,
    note: String,
}

#[derive(Serialize)]
struct SupplyDocument<'a> {
    mineral: &'a str,
    stage: &'a str,
    year: u16,
    source: &'a str,
    source_detail: &'a str,
    files: &'a [String],
    unit: &'a str,
    total: f64,
    total_basis: &'static str,
    published_world_total: Option<f64>,
    sum_of_rows: f64,
    residual_share: Option<f64>,
    uncovered_share: f64,
    hhi: f64,
    hhi_upper: f64,
    top3_share: f64,
    shares: &'a [ShareRecord],
    notes: Vec<String>,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let mineral = super::mineral(ds, &args.mineral)?;
    let stage_id = args.stage.clone().map(StageId);
    let stage = match (&stage_id, ds.stage(&StageId("mine".into()))) {
        (Some(s), _) => Some(s.clone()),
        // Mine production is the usual question; fall back to whatever the mineral has.
        (None, Some(mine))
            if ds
                .find_series(Some(&mineral.id), Some(&mine.id), args.year, args.source.as_deref())
                .next()
                .is_some() =>
        {
            Some(mine.id.clone())
        }
        _ => None,
    };
    let Some(series) = ds.preferred_series(&mineral.id, stage.as_ref(), None, args.year, args.source.as_deref()) else {
        let available: Vec<String> = ds
            .find_series(Some(&mineral.id), None, None, None)
            .map(|s| {
                format!(
                    "--stage {} --year {} --source {}",
                    s.key.stage, s.key.year, s.key.source
                )
            })
            .collect();
        bail!(
            "no series for {} with those filters; available: {}",
            mineral.id,
            if available.is_empty() {
                "none".to_owned()
            } else {
                available.join("; ")
            }
        );
    };
    let shares = SupplyShares::from_series(series)?;
    let conc = shares.concentration();
    let name = |c: critmin_model::CountryCode| ds.country(c).map_or_else(String::new, |c| c.name.clone());
    let base = |rank, country: String, country_name, value, share, note: String| ShareRecord {
        mineral: series.key.mineral.to_string(),
        stage: series.key.stage.to_string(),
        year: series.key.year,
        source: series.key.source.to_string(),
        unit: series.unit.clone(),
        rank,
        country,
        country_name,
        value,
        share,
        note,
    };
    let row_note = |code| {
        series
            .countries
            .iter()
            .find(|r| r.country == code)
            .map_or_else(String::new, |r| r.note.clone())
    };
    let mut records: Vec<ShareRecord> = shares
        .named
        .iter()
        .enumerate()
        .map(|(i, s)| {
            base(
                Some(i + 1),
                s.country.to_string(),
                name(s.country),
                Some(s.value),
                Some(s.share),
                row_note(s.country),
            )
        })
        .collect();
    for code in &shares.missing {
        records.push(base(None, code.to_string(), name(*code), None, None, row_note(*code)));
    }
    if let Some(row) = &series.residual {
        records.push(base(
            None,
            "ROW".into(),
            "Rest of world (source residual)".into(),
            row.value,
            shares.residual_share,
            row.note.clone(),
        ));
    }
    let notes: Vec<String> = shares.notes.iter().map(ToString::to_string).collect();
    match args.format {
        Format::Json => {
            let doc = SupplyDocument {
                mineral: series.key.mineral.as_str(),
                stage: series.key.stage.as_str(),
                year: series.key.year,
                source: series.key.source.as_str(),
                source_detail: &series.source_detail,
                files: &series.tables,
                unit: &series.unit,
                total: shares.total,
                total_basis: shares.basis.id(),
                published_world_total: shares.published_world,
                sum_of_rows: shares.sum_of_rows,
                residual_share: shares.residual_share,
                uncovered_share: shares.remainder,
                hhi: conc.hhi,
                hhi_upper: conc.hhi_upper,
                top3_share: conc.top3_share,
                shares: &records,
                notes,
            };
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
        format => emit(format, &records, || {
            let mut t = Table::new(&["#>", "country", "name", "value>", "share>", "note"]);
            t.title = Some(format!(
                "{} — {} {} ({}), {}",
                mineral.name, series.key.stage, series.key.year, series.key.source, series.unit
            ));
            for r in &records {
                t.row(vec![
                    r.rank.map_or_else(String::new, |n| n.to_string()),
                    r.country.clone(),
                    r.country_name.clone(),
                    r.value.map_or_else(|| "missing".into(), quantity),
                    r.share.map_or_else(String::new, pct),
                    truncate(&r.note, 60),
                ]);
            }
            t.footer.push(format!(
                "Shares of the {} ({} {}). HHI {:.0}–{:.0} (residual left out / as one supplier), top-3 {}.",
                shares.basis,
                quantity(shares.total),
                series.unit,
                conc.hhi,
                conc.hhi_upper,
                pct(conc.top3_share)
            ));
            t.footer.push(format!(
                "Source: {} [{}]",
                series.source_detail,
                series.tables.join(", ")
            ));
            for n in &shares.notes {
                t.footer.push(format!("Note: {n}"));
            }
            t
        }),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
