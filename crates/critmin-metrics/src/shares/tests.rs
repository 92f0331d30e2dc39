use super::*;
use crate::test_support::{arb_series, code, row, series};
use approx::assert_relative_eq;
use critmin_model::Qualifier;
use proptest::prelude::*;

#[test]
fn published_world_is_the_denominator() {
    let s = series(
        &[("CHN", Some(50.0)), ("AUS", Some(30.0)), ("USA", None)],
        Some(row("ROW", Some(20.0))),
        Some(row("WLD", Some(100.0))),
    );
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::PublishedWorld);
    assert_relative_eq!(sh.total, 100.0);
    assert_eq!(sh.named.len(), 2);
    assert_eq!(sh.named[0].country, code("CHN"));
    assert_relative_eq!(sh.named[0].share, 0.5);
    assert_relative_eq!(sh.named[1].share, 0.3);
    assert_relative_eq!(sh.remainder, 0.2, epsilon = 1e-12);
    assert_relative_eq!(sh.residual_share.unwrap(), 0.2);
    assert_eq!(sh.missing, vec![code("USA")]);
    assert!(sh.has_note(QualityNoteKind::MissingValues));
    assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows));
    let note = sh
        .notes
        .iter()
        .find(|n| n.kind == QualityNoteKind::MissingValues)
        .unwrap();
    assert!(note.to_string().contains("USA"), "{note}");

    let c = sh.concentration();
    assert_relative_eq!(c.hhi, 3_400.0, epsilon = 1e-9);
    assert_relative_eq!(c.hhi_upper, 3_800.0, epsilon = 1e-9);
    assert_relative_eq!(c.top3_share, 0.8, epsilon = 1e-12);
    assert_relative_eq!(sh.share_of(code("AUS")).unwrap(), 0.3);
    assert_eq!(sh.share_of(code("USA")), None);
}

#[test]
fn world_differs_from_rows_note_gives_both_numbers() {
    // The brief's example: WLD 3861 vs rows 3961.
    let mut s = series(
        &[("CHN", Some(3000.0)), ("AUS", Some(661.0))],
        Some(row("ROW", Some(300.0))),
        Some(row("WLD", Some(3861.0))),
    );
    for r in &mut s.countries {
        r.rounding = 0.5;
    }
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::PublishedWorld);
    let note = sh
        .notes
        .iter()
        .find(|n| n.kind == QualityNoteKind::WorldDiffersFromRows)
        .expect("note");
    assert_eq!(
        note.message,
        "published world total 3861 differs from the sum of rows 3961 (+2.6%) by more than rounding"
    );
    // Σ named = 3661 ≤ 3861: shares of WLD; remainder 200/3861.
    assert_relative_eq!(sh.remainder, 200.0 / 3861.0, epsilon = 1e-12);
    assert_relative_eq!(sh.residual_share.unwrap(), 300.0 / 3861.0, epsilon = 1e-12);
}

#[test]
fn disagreement_within_rounding_gives_no_note() {
    let mut s = series(
        &[("CHN", Some(60.0)), ("AUS", Some(30.0))],
        Some(row("ROW", Some(9.0))),
        Some(row("WLD", Some(100.0))),
    );
    // WLD rounded to the nearest 10 (half-unit 5): 99 vs 100 is rounding.
    if let Some(w) = s.world.as_mut() {
        w.rounding = 5.0;
    }
    let sh = SupplyShares::from_series(&s).unwrap();
    assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows), "{:?}", sh.notes);
    assert_relative_eq!(sh.remainder, 0.1, epsilon = 1e-12);
}

#[test]
fn world_below_named_rows_falls_back_to_sum_of_rows() {
    let s = series(
        &[("CHN", Some(70.0)), ("AUS", Some(40.0))],
        Some(row("ROW", Some(10.0))),
        Some(row("WLD", Some(100.0))),
    );
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::SumOfRows);
    assert_relative_eq!(sh.total, 120.0);
    assert!(sh.has_note(QualityNoteKind::WorldBelowNamedRows));
    assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows));
    let note = sh
        .notes
        .iter()
        .find(|n| n.kind == QualityNoteKind::WorldBelowNamedRows)
        .unwrap();
    assert!(note.message.contains("100") && note.message.contains("110"), "{note}");
    assert_relative_eq!(sh.named[0].share, 70.0 / 120.0);
    let sum: f64 = sh.named.iter().map(|c| c.share).sum();
    assert_relative_eq!(sum + sh.remainder, 1.0, epsilon = 1e-12);
    assert_relative_eq!(sh.remainder, 10.0 / 120.0, epsilon = 1e-12);
}

#[test]
fn world_below_named_rows_within_rounding_also_falls_back() {
    let mut s = series(
        &[("CHN", Some(60.2)), ("AUS", Some(40.1))],
        None,
        Some(row("WLD", Some(100.0))),
    );
    if let Some(w) = s.world.as_mut() {
        w.rounding = 0.5;
    }
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::SumOfRows);
    assert!(sh.has_note(QualityNoteKind::WorldBelowNamedRowsWithinRounding));
    assert!(!sh.has_note(QualityNoteKind::WorldBelowNamedRows));
    assert_relative_eq!(sh.remainder, 0.0, epsilon = 1e-12);
}

#[test]
fn no_world_no_residual_shares_of_listed_countries() {
    let s = series(&[("CHN", Some(3.0)), ("AUS", Some(1.0))], None, None);
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::SumOfRows);
    assert_relative_eq!(sh.named[0].share, 0.75);
    assert_relative_eq!(sh.remainder, 0.0);
    assert_eq!(sh.residual_share, None);
    assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
    let c = sh.concentration();
    assert_relative_eq!(c.hhi, c.hhi_upper);
    assert_relative_eq!(c.hhi, 6_250.0, epsilon = 1e-9);
}

#[test]
fn world_without_residual_leaves_an_uncovered_remainder() {
    let s = series(&[("CHN", Some(60.0))], None, Some(row("WLD", Some(100.0))));
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::PublishedWorld);
    assert_relative_eq!(sh.remainder, 0.4, epsilon = 1e-12);
    let note = sh
        .notes
        .iter()
        .find(|n| n.kind == QualityNoteKind::RemainderNotCovered)
        .unwrap();
    assert!(
        note.message.contains("40.0%") && note.message.contains("not covered"),
        "{note}"
    );
    let c = sh.concentration();
    assert_relative_eq!(c.hhi, 3_600.0, epsilon = 1e-9);
    assert_relative_eq!(c.hhi_upper, 5_200.0, epsilon = 1e-9);
}

#[test]
fn world_without_value_is_noted_and_sum_used() {
    let s = series(
        &[("CHN", Some(1.0)), ("AUS", Some(1.0))],
        Some(row("ROW", Some(2.0))),
        Some(row("WLD", None)),
    );
    let sh = SupplyShares::from_series(&s).unwrap();
    assert_eq!(sh.basis, TotalBasis::SumOfRows);
    assert!(sh.has_note(QualityNoteKind::WorldUnusable));
    assert!(!sh.has_note(QualityNoteKind::ListedCountriesOnly));
    assert_relative_eq!(sh.total, 4.0);
    assert_relative_eq!(sh.remainder, 0.5);
    let zero_world = series(&[("CHN", Some(1.0))], None, Some(row("WLD", Some(0.0))));
    let sh = SupplyShares::from_series(&zero_world).unwrap();
    assert!(sh.has_note(QualityNoteKind::WorldUnusable));
    assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
}

#[test]
fn zeros_are_kept_and_ties_sorted_by_code() {
    let s = series(
        &[
            ("ZAF", Some(25.0)),
            ("AUS", Some(25.0)),
            ("CAN", Some(0.0)),
            ("BRA", Some(50.0)),
        ],
        None,
        None,
    );
    let sh = SupplyShares::from_series(&s).unwrap();
    let order: Vec<String> = sh.named.iter().map(|c| c.country.to_string()).collect();
    assert_eq!(order, ["BRA", "AUS", "ZAF", "CAN"]);
    assert_relative_eq!(sh.named[3].share, 0.0);
    assert_eq!(sh.concentration().n_suppliers, 3);
}

#[test]
fn qualifiers_are_noted() {
    let mut s = series(
        &[("CHN", Some(10.0)), ("USA", Some(5.0))],
        None,
        Some(row("WLD", Some(20.0))),
    );
    s.countries[1].qualifier = Some(Qualifier::LessThan);
    if let Some(w) = s.world.as_mut() {
        w.qualifier = Some(Qualifier::GreaterThan);
    }
    let sh = SupplyShares::from_series(&s).unwrap();
    let note = sh.notes.iter().find(|n| n.kind == QualityNoteKind::Qualified).unwrap();
    assert!(
        note.message.contains("WLD >20") && note.message.contains("USA <5"),
        "{note}"
    );
}

#[test]
fn residual_without_value_is_named_as_missing() {
    let s = series(&[("CHN", Some(10.0))], Some(row("ROW", None)), None);
    let sh = SupplyShares::from_series(&s).unwrap();
    assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
    let note = sh
        .notes
        .iter()
        .find(|n| n.kind == QualityNoteKind::MissingValues)
        .unwrap();
    assert!(note.message.contains("ROW"), "{note}");
    assert!(sh.missing.is_empty());
}

#[test]
fn errors_on_bad_input() {
    let neg = series(&[("CHN", Some(-1.0))], None, None);
    assert!(matches!(
        SupplyShares::from_series(&neg),
        Err(SharesError::InvalidValue { value, .. }) if value < 0.0
    ));
    let nan = series(&[("CHN", Some(1.0))], Some(row("ROW", Some(f64::NAN))), None);
    assert!(matches!(
        SupplyShares::from_series(&nan),
        Err(SharesError::InvalidValue { .. })
    ));
    let inf_world = series(&[("CHN", Some(1.0))], None, Some(row("WLD", Some(f64::INFINITY))));
    assert!(matches!(
        SupplyShares::from_series(&inf_world),
        Err(SharesError::InvalidValue { .. })
    ));
    let empty = series(&[], None, None);
    let err = SupplyShares::from_series(&empty).unwrap_err();
    assert!(matches!(err, SharesError::NoPositiveTotal { .. }));
    assert!(err.to_string().contains("lithium"), "{err}");
    let all_missing = series(&[("CHN", None)], None, Some(row("WLD", None)));
    assert!(matches!(
        SupplyShares::from_series(&all_missing),
        Err(SharesError::NoPositiveTotal { .. })
    ));
    let all_zero = series(&[("CHN", Some(0.0))], Some(row("ROW", Some(0.0))), None);
    assert!(matches!(
        SupplyShares::from_series(&all_zero),
        Err(SharesError::NoPositiveTotal { .. })
    ));
    let mut pseudo = series(&[("CHN", Some(1.0))], None, None);
    pseudo.countries.push(row("WLD", Some(1.0)));
    assert!(matches!(
        SupplyShares::from_series(&pseudo),
        Err(SharesError::PseudoCodeAmongCountries(c)) if c == CountryCode::WORLD
    ));
}

#[test]
fn fmt_num_has_no_float_noise() {
    assert_eq!(fmt_num(3861.0), "3861");
    assert_eq!(fmt_num(0.1 + 0.2), "0.3");
    assert_eq!(fmt_num(1.25), "1.25");
    assert_eq!(fmt_num(130_000_000.0), "130000000");
}

proptest! {
    #[test]
    fn share_invariants(s in arb_series()) {
        match SupplyShares::from_series(&s) {
            Err(SharesError::NoPositiveTotal { .. }) => {
                let any_positive = s.countries.iter().chain(s.residual.iter())
                    .any(|r| r.value.is_some_and(|v| v > 0.0));
                prop_assert!(!any_positive);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
            Ok(sh) => {
                let mut sum = 0.0;
                for c in &sh.named {
                    prop_assert!((0.0..=1.0).contains(&c.share));
                    sum += c.share;
                }
                prop_assert!(sum <= 1.0 + 1e-9, "named shares add up to {sum}");
                prop_assert!((sum + sh.remainder - 1.0).abs() <= 1e-9);
                prop_assert!((0.0..=1.0).contains(&sh.remainder));
                if let Some(r) = sh.residual_share {
                    prop_assert!((0.0..=1.0).contains(&r));
                }
                if sh.basis == TotalBasis::SumOfRows && sh.residual_share.is_none() {
                    prop_assert!(sh.remainder <= 1e-9);
                }
                for w in sh.named.windows(2) {
                    let order = w[1].share.total_cmp(&w[0].share).then(w[0].country.cmp(&w[1].country));
                    prop_assert_eq!(order, std::cmp::Ordering::Less);
                }
                let c = sh.concentration();
                prop_assert!(c.hhi <= c.hhi_upper);
                prop_assert!(c.hhi_upper <= 10_000.0 * (1.0 + 1e-9));
                if sh.remainder <= 1e-12 && c.n_suppliers > 0 {
                    prop_assert!(c.hhi >= 10_000.0 / c.n_suppliers as f64 - 1e-6);
                }
                if let (Some(lo), Some(hi)) = (c.effective_suppliers_lower, c.effective_suppliers_upper) {
                    prop_assert!(lo <= hi * (1.0 + 1e-12));
                }
            }
        }
    }
}
