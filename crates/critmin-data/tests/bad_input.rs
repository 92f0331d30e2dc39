//! Every kind of bad input gets a message naming file, line, column, value and what was
//! expected, and nothing is loaded. Each case writes files into a temporary data directory
//! and loads it as an overlay over the embedded data, exactly as `--data DIR` does.

use std::path::Path;

use critmin_data::{LoadError, load_with_overlay};

const HEADER: &str = "mineral,stage,country_iso3,year,value,unit,source,note\n";

/// Loads `files` as an overlay and returns the problem messages with the temporary directory
/// stripped from file names.
fn problems(files: &[(&str, &[u8])]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    match load_with_overlay(dir.path()) {
        Ok(_) => panic!("bad input was accepted: {files:?}"),
        Err(e) => {
            let prefix = format!("{}/", dir.path().display());
            let msgs = match &e {
                LoadError::Invalid(p) => p.iter().map(|p| p.to_string().replace(&prefix, "")).collect(),
                LoadError::Io { .. } => vec![e.to_string().replace(&prefix, "")],
            };
            // The whole error renders every problem too.
            let full = e.to_string();
            assert!(full.contains("nothing was loaded"), "{full}");
            msgs
        }
    }
}

fn obs(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

#[test]
fn unknown_country_code() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,XXA,2024,10,t Li content,ACME-2025 survey,\n"),
    )]);
    assert_eq!(
        p,
        [
            "mine.csv:2: column `country_iso3`: value `XXA`: an ISO 3166-1 alpha-3 code listed in countries.csv (or WLD for the world total, ROW for the residual)"
        ]
    );
}

#[test]
fn lower_case_country_code_is_rejected() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,ind,2024,10,t Li content,ACME-2025 survey,\n"),
    )]);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("mine.csv:2: column `country_iso3`: value `ind`"),
        "{p:?}"
    );
}

#[test]
fn unparsable_number() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,AUS,2024,\"1,200\",t Li content,ACME-2025 survey,\n"),
    )]);
    assert_eq!(
        p,
        [
            "mine.csv:2: column `value`: value `1,200`: a decimal number such as 1234 or 12.5 (no thousands separators, units or words)"
        ]
    );
}

#[test]
fn withheld_flag_in_the_value_column_is_not_a_number() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,AUS,2024,W,t Li content,ACME-2025 survey,\n"),
    )]);
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("column `value`: value `W`"), "{p:?}");
}

#[test]
fn unit_that_differs_within_a_series() {
    let p = problems(&[(
        "mine.csv",
        &obs(
            "lithium,mine,AUS,2024,10,t Li content,ACME-2025 survey,\nlithium,mine,CHL,2024,20,kt Li content,ACME-2025 survey,\n",
        ),
    )]);
    assert_eq!(
        p,
        [
            "mine.csv:3: column `unit`: value `kt Li content`: the unit of this series, `t Li content` (line 2); units are never mixed within a series"
        ]
    );
}

#[test]
fn duplicate_key() {
    let p = problems(&[(
        "mine.csv",
        &obs(
            "lithium,mine,AUS,2024,10,t Li content,ACME-2025 survey,\nlithium,mine,AUS,2024,11,t Li content,ACME-2025 survey,\n",
        ),
    )]);
    assert_eq!(
        p,
        [
            "mine.csv:3: one row per mineral, stage, country, year and source (lithium mine AUS 2024 ACME-2025 already on line 2)"
        ]
    );
}

#[test]
fn negative_quantity() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,AUS,2024,-5,t Li content,ACME-2025 survey,\n"),
    )]);
    assert_eq!(
        p,
        ["mine.csv:2: column `value`: value `-5`: a non-negative quantity (quantities cannot be negative)"]
    );
}

#[test]
fn line_numbers_are_exact_with_windows_line_endings() {
    // The USGS files come with CRLF endings; a user's export from Excel will too.
    let text = obs(
        "lithium,mine,AUS,2024,10,t Li content,ACME-2025 survey,\nlithium,mine,CHL,2024,11,t Li content,ACME-2025 survey,\nlithium,mine,ARG,2024,-5,t Li content,ACME-2025 survey,\n",
    );
    let crlf = String::from_utf8(text).unwrap().replace('\n', "\r\n").into_bytes();
    let p = problems(&[("mine.csv", &crlf)]);
    assert_eq!(
        p,
        ["mine.csv:4: column `value`: value `-5`: a non-negative quantity (quantities cannot be negative)"]
    );
}

#[test]
fn unknown_mineral_and_stage_and_alias_hint() {
    let p = problems(&[(
        "mine.csv",
        &obs(
            "unobtainium,mine,AUS,2024,1,t,ACME-2025 s,\nchromite,mine,AUS,2024,1,t,ACME-2025 s,\nlithium,quarry,AUS,2024,1,t,ACME-2025 s,\n",
        ),
    )]);
    assert_eq!(p.len(), 3, "{p:?}");
    assert_eq!(
        p[0],
        "mine.csv:2: column `mineral`: value `unobtainium`: a mineral id listed in minerals.csv"
    );
    assert_eq!(
        p[1],
        "mine.csv:3: column `mineral`: value `chromite`: a mineral id listed in minerals.csv (`chromite` is an alias of `chromium`; use the id)"
    );
    assert!(
        p[2].starts_with("mine.csv:4: column `stage`: value `quarry`: a stage listed in stages.csv: mine, "),
        "{}",
        p[2]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,XXA,2024,-1,,ACME-2025 s,\nlithium,mine,AUS,20x4,1,t,,\n"),
    )]);
    let cols: Vec<&str> = p.iter().map(|m| m.split('`').nth(1).unwrap_or("")).collect();
    assert_eq!(cols, ["country_iso3", "value", "unit", "year", "source"], "{p:?}");
}

#[test]
fn ragged_row_and_missing_column() {
    let p = problems(&[("mine.csv", &obs("lithium,mine,AUS,2024,1,t Li content\n"))]);
    assert_eq!(p, ["mine.csv:2: 8 fields as in the header, found 6"]);
    let p = problems(&[(
        "production.csv",
        b"mineral,stage,country_iso3,year,value,source,note\nlithium,mine,AUS,2024,1,X-1 s,\n",
    )]);
    assert_eq!(
        p,
        [
            "production.csv:1: column `unit`: a column named `unit` in the header (found: mineral,stage,country_iso3,year,value,source,note)"
        ]
    );
}

#[test]
fn unknown_file_shape() {
    let p = problems(&[("notes.csv", b"a,b\n1,2\n")]);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("notes.csv:1: a header of a known shape"), "{p:?}");
}

#[test]
fn invalid_utf8() {
    let p = problems(&[(
        "mine.csv",
        b"mineral,stage,country_iso3,year,value,unit,source,note\nlithium,mine,AUS,2024,1,t \xff,ACME-2025 s,\n",
    )]);
    assert_eq!(p, ["mine.csv:2: UTF-8 text (save the file as UTF-8)"]);
}

#[test]
fn series_conflicting_with_an_embedded_file_is_not_added() {
    let p = problems(&[(
        "mine.csv",
        &obs("lithium,mine,AUS,2024,1,t Li content,USGS-MCS2025 mine,\n"),
    )]);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with(
            "mine.csv:2: series lithium mine 2024 USGS-MCS2025 is also in production.csv with different figures"
        ),
        "{p:?}"
    );
}

#[test]
fn reference_tables_are_validated_too() {
    let countries =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/countries.csv")).unwrap();
    let broken = countries.replacen(
        "IND,IN,India,Southern Asia,Asia,true",
        "IND,IN,India,Southern Asia,Asia,yes",
        1,
    );
    assert_ne!(broken, countries);
    let p = problems(&[("countries.csv", broken.as_bytes())]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("countries.csv:") && p[0].contains("column `msp_member`: value `yes`: `true` or `false`"),
        "{p:?}"
    );

    let gov = "country_iso3,year,wgi_voice_accountability,wgi_political_stability,wgi_government_effectiveness,wgi_regulatory_quality,wgi_rule_of_law,wgi_control_of_corruption,wgi_mean_6,n_dims,wgi_risk_0_10,source,note\nIND,2023,0.1,0.1,0.1,0.1,0.1,0.1,0.1,6,9.9,me,\n";
    let p = problems(&[("governance.csv", gov.as_bytes())]);
    assert_eq!(
        p,
        ["governance.csv:2: column `wgi_risk_0_10`: value `9.9`: clamp((2.5 - wgi_mean_6) x 2, 0, 10) = 4.8000"]
    );
}

#[test]
fn missing_directory_is_an_io_error() {
    let err = load_with_overlay(Path::new("/nonexistent/critmin-data")).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/critmin-data"));
}

#[test]
fn a_valid_user_file_adds_its_series() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("survey.csv"),
        obs("lithium,mine,AUS,2024,60,t Li content,ACME-2025 survey,\nlithium,mine,CHL,2024,40,t Li content,ACME-2025 survey,\n"),
    )
    .unwrap();
    let (ds, used) = load_with_overlay(dir.path()).unwrap();
    assert_eq!(used.len(), 1);
    let s = ds
        .find_series(None, None, Some(2024), Some("ACME-2025"))
        .collect::<Vec<_>>();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].countries.len(), 2);
    // The embedded series are all still there.
    assert!(ds.find_series(None, None, None, Some("USGS-MCS2025")).count() > 50);
}
