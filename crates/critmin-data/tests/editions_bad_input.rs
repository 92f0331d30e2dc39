//! Bad input to the edition importers: each case is a real excerpt of a USGS release with one
//! fault, and each gives one clear problem with its line, and no tables.

mod editions_support;

use critmin_data::Problem;
use editions_support::{import, messages, raw};
use proptest::prelude::*;

const COMMODITIES: &str = "MCS2026_Commodities_Data.csv";
const WORLD_2025: &str = "MCS2025_World_Data.csv";

/// The published lines `from..=to` (1-based) of a raw file, after its header, with their CRLF.
fn excerpt(path: &str, from: usize, to: usize) -> Vec<u8> {
    let bytes = raw(path);
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let mut out = lines[0].to_vec();
    for line in &lines[from - 1..to] {
        out.extend_from_slice(line);
    }
    out
}

/// Header and the cobalt world table of MCS 2026 (lines 1850–1891), renumbered from line 2.
fn cobalt_2026() -> Vec<u8> {
    excerpt("usgs_mcs2026/MCS2026_Commodities_Data.csv", 1850, 1891)
}

fn only_problem(result: Result<critmin_data::editions::ImportedEdition, Vec<Problem>>) -> String {
    let problems = result.expect_err("the input must be refused");
    assert_eq!(problems.len(), 1, "{:#?}", messages(&problems));
    problems[0].to_string()
}

/// Replaces the first occurrence of an ASCII string in the (cp1252) bytes.
fn replace_once(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from}"));
    [&bytes[..at], to.as_bytes(), &bytes[at + from.len()..]].concat()
}

#[test]
fn the_excerpt_itself_imports() {
    let edition = import(&[(COMMODITIES, &cobalt_2026())]).unwrap_or_else(|p| panic!("{:#?}", messages(&p)));
    assert_eq!(edition.production.len(), 28);
    assert_eq!(edition.reserves.len(), 14);
    // Line 6 of the excerpt is line 1854 of the release: DRC 2024.
    assert!(
        edition
            .production
            .iter()
            .any(|r| r.line == 6 && r.value == Some(226_000.0))
    );
}

#[test]
fn a_truncated_file_names_its_last_line() {
    let mut bytes = cobalt_2026();
    let cut = bytes.len() - 200;
    bytes.truncate(cut);
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message.starts_with("MCS2026_Commodities_Data.csv:43: a last line ending with a line break"),
        "{message}"
    );
    // Cut inside the first fields of a line: the record is short too, but the one problem is
    // the cut (the file's other problems would only follow from it).
    let mut bytes = cobalt_2026();
    let last_line = bytes[..bytes.len() - 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .expect("lines");
    bytes.truncate(last_line + 20);
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message.starts_with("MCS2026_Commodities_Data.csv:43: a last line"),
        "{message}"
    );
}

#[test]
fn a_renamed_column_is_the_header_against_the_published_one() {
    let bytes = replace_once(&cobalt_2026(), "Statistics_detail", "Statistic detail");
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message.starts_with(
            "MCS2026_Commodities_Data.csv:1: value `MCS chapter,Section,Commodity,Country,Statistics,Statistic detail,"
        ),
        "{message}"
    );
    assert!(
        message.contains("the header `MCS chapter,Section,Commodity,Country,Statistics,Statistics_detail,"),
        "{message}"
    );
}

#[test]
fn a_value_with_misplaced_separators_is_refused() {
    let bytes = replace_once(&cobalt_2026(), "\"226,000\"", "\"1,2,3\"");
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message
            .starts_with("MCS2026_Commodities_Data.csv:6: column `Value`: value `1,2,3`: a number as USGS prints it"),
        "{message}"
    );
}

#[test]
fn a_utf8_file_where_cp1252_is_published_is_refused() {
    // The release is cp1252; a UTF-8 copy (re-saved after download) has the same text in
    // other bytes: the curly quotes of line 2's `Other notes`.
    let utf8 = cp1252_to_utf8(&cobalt_2026());
    assert_ne!(utf8, cobalt_2026());
    let message = only_problem(import(&[(COMMODITIES, &utf8)]));
    assert!(
        message.starts_with("MCS2026_Commodities_Data.csv:2: cp1252 (Windows-1252) text, as USGS publishes this file"),
        "{message}"
    );
}

/// Re-encodes cp1252 bytes to UTF-8 (as an editor would on saving) with the public decoder.
fn cp1252_to_utf8(bytes: &[u8]) -> Vec<u8> {
    critmin_data::editions::text::decode("x", bytes, critmin_data::editions::text::Encoding::Cp1252)
        .expect("cp1252 excerpt")
        .into_bytes()
}

#[test]
fn a_cp1252_byte_in_a_utf8_file_is_refused_with_its_line() {
    // MCS 2025 World Data is UTF-8; an en dash saved as cp1252 (0x96) on line 4.
    let mut bytes = excerpt("usgs_mcs2025/MCS2025_World_Data.csv", 2, 40);
    let line4 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .map(|(i, _)| i + 1)
        .expect("four lines");
    bytes.insert(line4 + 10, 0x96);
    let message = only_problem(import(&[(WORLD_2025, &bytes)]));
    assert!(
        message.starts_with("MCS2025_World_Data.csv:4: value `byte 0x96`: UTF-8 text, as USGS publishes this file"),
        "{message}"
    );
}

#[test]
fn an_unknown_commodity_label_is_a_problem_not_a_dropped_row() {
    let bytes = replace_once(
        &cobalt_2026(),
        "Cobalt,Congo (Kinshasa),Production",
        "Kobalt,Congo (Kinshasa),Production",
    );
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(message.starts_with("MCS2026_Commodities_Data.csv:6: column `Commodity`: value `Kobalt`: a label listed for MCS2026 in usgs_commodity_map.csv"), "{message}");
}

#[test]
fn an_unknown_country_label_and_a_conflicting_duplicate_are_problems() {
    let bytes = replace_once(&cobalt_2026(), ",Cuba,Production", ",Atlantis,Production");
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message.starts_with("MCS2026_Commodities_Data.csv:7: column `Country`: value `Atlantis`"),
        "{message}"
    );
    let bytes = replace_once(&cobalt_2026(), ",Cuba,Production", ",Canada,Production");
    let message = only_problem(import(&[(COMMODITIES, &bytes)]));
    assert!(
        message
            .contains(":7: one value per mineral, stage, country and year (cobalt mine CAN 2024 is already on line 4"),
        "{message}"
    );
}

#[test]
fn files_of_another_name_or_two_releases_at_once_are_refused() {
    let message = only_problem(import(&[("cobalt.csv", &cobalt_2026())]));
    assert!(
        message.starts_with("cobalt.csv: a USGS MCS release file named as published"),
        "{message}"
    );
    let world = excerpt("usgs_mcs2025/MCS2025_World_Data.csv", 2, 5);
    let message = only_problem(import(&[(COMMODITIES, &cobalt_2026()), (WORLD_2025, &world)]));
    assert!(message.contains("the files of one release per import"), "{message}");
}

#[test]
fn an_unknown_reliance_column_in_a_salient_file_is_a_problem() {
    let bytes = replace_once(&raw("usgs_mcs2025/mcs2025-cobal_salient.csv"), "NIR_pct", "NIR_new_pct");
    let message = only_problem(import(&[("mcs2025-cobal_salient.csv", &bytes)]));
    assert!(message.starts_with("mcs2025-cobal_salient.csv:1: column `NIR_new_pct`: value `NIR_new_pct`: a net-import-reliance column listed for mcs2025-cobal_salient.csv"), "{message}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = import(&[(COMMODITIES, &bytes)]);
        let _ = import(&[(WORLD_2025, &bytes)]);
        let _ = import(&[("mcs2025-cobal_salient.csv", &bytes), ("MCS2025_Fig2_Net_Import_Reliance.csv", &bytes)]);
    }

    #[test]
    fn no_edit_of_a_real_excerpt_panics(at in 0usize..4000, byte in any::<u8>(), cut in 0usize..4000) {
        let mut bytes = cobalt_2026();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(bytes.len() - cut.min(bytes.len()));
        // Either the tables or problems, each with a file name.
        match import(&[(COMMODITIES, &bytes)]) {
            Ok(edition) => prop_assert!(edition.production.iter().all(|r| r.line >= 2)),
            Err(problems) => prop_assert!(problems.iter().all(|p| p.file == COMMODITIES)),
        }
    }
}
