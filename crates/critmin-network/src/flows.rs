//! A plain CSV form of [`MineralFlow`]s (`year,exporter,importer,mineral,stage,contained_tonnes,value_kusd,lumped`),
//! for networks built from trade data prepared elsewhere (and for the benchmark's synthetic
//! networks). Validated like the core loaders: every problem with file, line, column and
//! value; nothing returned when there is any problem.

use critmin_data::{LoadError, Problem};
use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};

/// The header of a flows file.
pub const FLOW_COLUMNS: [&str; 8] = [
    "year",
    "exporter",
    "importer",
    "mineral",
    "stage",
    "contained_tonnes",
    "value_kusd",
    "lumped",
];

/// Parses a flows CSV; `file` names it in messages.
pub fn parse_flows(file: &str, text: &str) -> Result<Vec<MineralFlow>, LoadError> {
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .is_ok_and(|h| h.iter().map(str::trim).eq(FLOW_COLUMNS.iter().copied()));
    if !header_ok {
        return Err(LoadError::Invalid(vec![Problem {
            file: file.to_owned(),
            line: 1,
            column: None,
            value: None,
            expected: format!("the header `{}`", FLOW_COLUMNS.join(",")),
        }]));
    }
    let mut flows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem {
                    file: file.to_owned(),
                    line: e.position().map_or(0, |p| p.line()),
                    column: None,
                    value: None,
                    expected: format!("a well-formed CSV record with {} fields ({e})", FLOW_COLUMNS.len()),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let mut bad = |col: usize, expected: &str| {
            problems.push(Problem {
                file: file.to_owned(),
                line,
                column: Some(FLOW_COLUMNS[col].to_owned()),
                value: Some(get(col).to_owned()),
                expected: expected.to_owned(),
            });
        };
        let year = get(0).parse::<u16>().ok();
        if year.is_none() {
            bad(0, "a year");
        }
        let country = |s: &str| s.parse::<CountryCode>().ok().filter(|c| !c.is_pseudo());
        let exporter = country(get(1));
        if exporter.is_none() {
            bad(1, "an ISO3 country code");
        }
        let importer = country(get(2));
        if importer.is_none() {
            bad(2, "an ISO3 country code");
        }
        if get(3).is_empty() {
            bad(3, "a mineral id");
        }
        let stage = ChainStage::from_id(get(4)).filter(|s| *s != ChainStage::Reserves);
        if stage.is_none() {
            bad(4, "`mining`, `processing` or `manufacturing`");
        }
        let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        let tonnes = number(get(5));
        if tonnes.is_none() {
            bad(5, "tonnes ≥ 0");
        }
        let value = number(get(6));
        if value.is_none() {
            bad(6, "thousands of USD ≥ 0");
        }
        let lumped = match get(7) {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                bad(7, "`true` or `false`");
                None
            }
        };
        if let (Some(year), Some(exporter), Some(importer), Some(stage), Some(t), Some(v), Some(lumped)) =
            (year, exporter, importer, stage, tonnes, value, lumped)
        {
            if exporter == importer {
                problems.push(Problem {
                    file: file.to_owned(),
                    line,
                    column: Some("importer".to_owned()),
                    value: Some(importer.to_string()),
                    expected: "a country other than the exporter".to_owned(),
                });
                continue;
            }
            flows.push(MineralFlow {
                year,
                exporter,
                importer,
                mineral: MineralId(get(3).to_owned()),
                stage,
                contained_tonnes: t,
                value_kusd: v,
                lumped,
            });
        }
    }
    if problems.is_empty() {
        Ok(flows)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_parse_and_bad_rows_name_their_line() {
        let good = "year,exporter,importer,mineral,stage,contained_tonnes,value_kusd,lumped\n\
                    2023,COD,CHN,cobalt,mining,100,5,false\n";
        assert_eq!(parse_flows("f.csv", good).unwrap().len(), 1);
        let bad = "year,exporter,importer,mineral,stage,contained_tonnes,value_kusd,lumped\n\
                   2023,COD,CHN,cobalt,mining,100,5,false\n\
                   2023,COD,COD,cobalt,ore,-1,5,maybe\n";
        let err = parse_flows("f.csv", bad).unwrap_err();
        let msgs: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "f.csv:3: column `stage`: value `ore`: `mining`, `processing` or `manufacturing`",
                "f.csv:3: column `contained_tonnes`: value `-1`: tonnes ≥ 0",
                "f.csv:3: column `lumped`: value `maybe`: `true` or `false`",
            ]
        );
    }
}
