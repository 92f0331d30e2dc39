//! Requests to the chain-of-custody ledger as plain data, shared by `critmin ledger` and
//! `/api/v1/ledger`: signed entries sent as hex of their canonical bytes, the provenance view of
//! a lot, and the share rows both show. Every error names the field at fault. The rules
//! themselves (access, replay, custody, mass balance) are `critmin-ledger`'s.

use critmin_ledger::entry::{LotId, SignedEntry, from_hex};
use critmin_ledger::provenance::{ElementProvenance, mass_balance_view, provenance, to_f64};
use critmin_ledger::{State, Viewer};
use critmin_model::{CountryCode, Group, GroupSet};
use serde::Serialize;

use crate::FieldError;

/// Most entries in one request.
pub const MAX_ENTRIES_PER_REQUEST: usize = 1024;

/// Decodes signed entries given as hex of their canonical bytes; `field` names the list.
pub fn decode_entries(field: &str, entries: &[String]) -> Result<Vec<SignedEntry>, FieldError> {
    if entries.is_empty() || entries.len() > MAX_ENTRIES_PER_REQUEST {
        return Err(FieldError::new(
            field,
            format!(
                "expected 1 to {MAX_ENTRIES_PER_REQUEST} entries, found {}",
                entries.len()
            ),
        ));
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let err = |message: String| FieldError::new(format!("{field}[{i}]"), message);
            let bytes = from_hex(text.trim()).ok_or_else(|| err("expected hex digits (two per byte)".into()))?;
            SignedEntry::decode(&bytes).map_err(|e| err(format!("not a canonical signed entry: {e}")))
        })
        .collect()
}

/// Which provenance of a lot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    /// Shares of contained element, proportional through the transformation graph.
    #[default]
    Physical,
    /// Credits allocated to the lot under the mass-balance model (the rest unallocated).
    MassBalance,
}

impl View {
    /// The name used in requests and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Physical => "physical",
            View::MassBalance => "mass_balance",
        }
    }
}

impl std::str::FromStr for View {
    type Err = String;
    fn from_str(s: &str) -> Result<View, String> {
        match s {
            "physical" => Ok(View::Physical),
            "mass_balance" | "mass-balance" => Ok(View::MassBalance),
            other => Err(format!("unknown view `{other}`: expected physical or mass_balance")),
        }
    }
}

/// The provenance of a lot the viewer may read; `None` for a lot that is unknown or hidden
/// from the viewer (the two are not told apart, so a refusal does not reveal a lot).
pub fn lot_provenance(state: &State, viewer: &Viewer, lot: &LotId, view: View) -> Option<Vec<ElementProvenance>> {
    if !state.may_read_lot(viewer, lot) {
        return None;
    }
    match view {
        View::Physical => provenance(state.graph(), lot),
        View::MassBalance => mass_balance_view(state.graph(), lot),
    }
}

/// One measured share of one element of a lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRow {
    /// Element.
    pub element: String,
    /// Contained mass of the element in the lot, kg.
    pub contained_kg: f64,
    /// What is measured (`origin COD`, `recycled`, …).
    pub measure: String,
    /// The share, 0 to 1.
    pub share: f64,
    /// The exact share as a fraction.
    pub exact: String,
}

/// The shares shown for a lot: by origin country, extracted or processed in the partner group,
/// FEOC-covered nations, recycled, and (mass-balance view) unallocated.
pub fn share_rows(
    elements: &[ElementProvenance],
    partner: Group,
    view: View,
    groups: &dyn Fn(CountryCode) -> GroupSet,
) -> Vec<ShareRow> {
    let mut rows = Vec::new();
    for e in elements {
        let mut measures: Vec<_> = e
            .by_country()
            .into_iter()
            .map(|(c, s)| (format!("origin {c}"), s))
            .collect();
        measures.push((
            format!("extracted or processed in {}", partner.id()),
            e.share(|p| {
                p.origin
                    .is_some_and(|o| !o.recycled && groups(o.country).contains(partner))
                    || p.processed_in.iter().any(|c| groups(*c).contains(partner))
            }),
        ));
        measures.push((
            "FEOC-covered nations (extracted, processed or recycled)".into(),
            e.share(|p| {
                p.origin.is_some_and(|o| groups(o.country).contains(Group::Feoc))
                    || p.processed_in.iter().any(|c| groups(*c).contains(Group::Feoc))
            }),
        ));
        measures.push(("recycled".into(), e.recycled_share()));
        if view == View::MassBalance {
            measures.push(("unallocated (no credit)".into(), e.share(|p| p.origin.is_none())));
        }
        let contained_kg = e.contained_ug as f64 / 1e9;
        rows.extend(measures.into_iter().map(|(measure, share)| ShareRow {
            element: e.element.clone(),
            contained_kg,
            measure,
            share: to_f64(&share),
            exact: share.to_string(),
        }));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_entries_name_their_position() {
        assert_eq!(decode_entries("entries", &[]).unwrap_err().field, "entries");
        let e = decode_entries("entries", &["zz".into()]).unwrap_err();
        assert_eq!(e.field, "entries[0]");
        let e = decode_entries("entries", &["00".into()]).unwrap_err();
        assert!(e.message.contains("canonical"), "{e}");
    }

    #[test]
    fn views_parse() {
        assert_eq!("mass-balance".parse::<View>().unwrap(), View::MassBalance);
        assert!("other".parse::<View>().is_err());
    }
}
