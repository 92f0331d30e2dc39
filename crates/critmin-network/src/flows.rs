//! A plain CSV form of [`MineralFlow`]s (`year,exporter,importer,mineral,stage,contained_tonnes,value_kusd,lumped`),
//! for networks built from trade data prepared elsewhere (and for the benchmark's synthetic
//! networks). Validated like the core loaders: every problem with file, line, column and
//! value; nothing returned when there is any problem.

use critmin_data::{CsvTable, LoadError};
use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId, Problem};

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
    let table = CsvTable::parse(file, text, &mut problems);
    let Some(columns) = table.fixed_columns(&FLOW_COLUMNS, &mut problems) else {
        return Err(LoadError::Invalid(problems));
    };
    let mut flows = Vec::new();
    table.each_row(&columns, &mut problems, |row| {
        let year = row.cell(0).parse::<u16>().ok();
        if year.is_none() {
            row.problem(0, "a year");
        }
        let country = |s: &str| s.parse::<CountryCode>().ok().filter(|c| !c.is_pseudo());
        let exporter = country(row.cell(1));
        if exporter.is_none() {
            row.problem(1, "an ISO3 country code");
        }
        let importer = country(row.cell(2));
        if importer.is_none() {
            row.problem(2, "an ISO3 country code");
        }
        if row.cell(3).is_empty() {
            row.problem(3, "a mineral id");
        }
        let stage = ChainStage::from_id(row.cell(4)).filter(|s| *s != ChainStage::Reserves);
        if stage.is_none() {
            row.problem(4, "`mining`, `processing` or `manufacturing`");
        }
        let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        let tonnes = number(row.cell(5));
        if tonnes.is_none() {
            row.problem(5, "tonnes ≥ 0");
        }
        let value = number(row.cell(6));
        if value.is_none() {
            row.problem(6, "thousands of USD ≥ 0");
        }
        let lumped = match row.cell(7) {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                row.problem(7, "`true` or `false`");
                None
            }
        };
        if let (Some(year), Some(exporter), Some(importer), Some(stage), Some(t), Some(v), Some(lumped)) =
            (year, exporter, importer, stage, tonnes, value, lumped)
        {
            if exporter == importer {
                let problem = Problem::cell(
                    row.file,
                    row.line,
                    "importer",
                    &importer.to_string(),
                    "a country other than the exporter",
                );
                row.push(problem);
                return;
            }
            flows.push(MineralFlow {
                year,
                exporter,
                importer,
                mineral: MineralId(row.cell(3).to_owned()),
                stage,
                contained_tonnes: t,
                value_kusd: v,
                lumped,
            });
        }
    });
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
