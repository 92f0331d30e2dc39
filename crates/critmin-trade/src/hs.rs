//! HS6 product codes mapped to (mineral, chain stage, contained-element factor).
//!
//! The shipped table is `data/hs_minerals.csv` (embedded here rather than in `critmin-data`:
//! it is read only by the trade import, its validation rules are the trade crate's, and it
//! does not describe a `Dataset` table). One HS6 code may map to several minerals (a lithium-ion
//! cell carries lithium, nickel, cobalt, manganese and graphite; 811292 holds gallium, germanium
//! and indium); a `lumped` row says the code covers other materials as well, so the tonnage it
//! gives a mineral is an upper bound and every result built on it says so.

use critmin_data::CsvTable;
use critmin_model::{ChainStage, Dataset, MineralId, Problem};

/// The shipped table.
pub const EMBEDDED_HS_MAP: &str = critmin_data::tables::HS_MINERALS.text;
/// Its file name, for messages.
pub const EMBEDDED_HS_MAP_NAME: &str = "hs_minerals.csv";

/// HS revision of an analysis (BACI publishes one file set per revision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HsRevision {
    /// HS 1992 (BACI HS92: the only revision with years before 2017).
    Hs1992,
    /// HS 2017 (BACI HS17).
    Hs2017,
    /// HS 2022 (BACI HS22).
    Hs2022,
}

impl HsRevision {
    /// `HS1992`, `HS2017` or `HS2022`, as in the table's `nomenclature` column.
    pub fn id(self) -> &'static str {
        match self {
            HsRevision::Hs1992 => "HS1992",
            HsRevision::Hs2017 => "HS2017",
            HsRevision::Hs2022 => "HS2022",
        }
    }
}

/// One row of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct HsMapping {
    /// HS6 code as a number (`hs6_text` gives the six digits).
    pub hs6: u32,
    /// Revisions the row applies to.
    pub revisions: Vec<HsRevision>,
    /// Mineral id (from `data/minerals.csv`).
    pub mineral: MineralId,
    /// Chain stage of the traded form.
    pub stage: ChainStage,
    /// Tonnes of contained element (or the mineral's stated basis, e.g. REO) per tonne of
    /// product.
    pub factor: f64,
    /// How the factor was obtained.
    pub factor_basis: String,
    /// `true` when the code covers other materials too (the tonnage is an upper bound).
    pub lumped: bool,
    /// The HS text, abridged.
    pub description: String,
}

/// The map: every row, looked up by HS6 code and revision.
#[derive(Debug, Clone, PartialEq)]
pub struct HsMap {
    rows: Vec<HsMapping>,
}

const HEADER: [&str; 10] = [
    "hs6",
    "nomenclature",
    "mineral",
    "stage",
    "factor",
    "factor_basis",
    "lumped",
    "description",
    "note",
    "source",
];

impl HsMap {
    /// The shipped map.
    pub fn embedded() -> HsMap {
        // Checked by a unit test; a failure is a build defect.
        HsMap::parse(EMBEDDED_HS_MAP_NAME, EMBEDDED_HS_MAP)
            .unwrap_or_else(|p| panic!("shipped {EMBEDDED_HS_MAP_NAME} is invalid: {p:?}"))
    }

    /// Parses a map in the shipped shape; every problem is reported with file, line and column.
    pub fn parse(file: &str, text: &str) -> Result<HsMap, Vec<Problem>> {
        let mut problems = Vec::new();
        let table = CsvTable::parse(file, text, &mut problems);
        let Some(columns) = table.fixed_columns(&HEADER, &mut problems) else {
            return Err(problems);
        };
        let mut rows = Vec::new();
        table.each_row(&columns, &mut problems, |row| {
            let before = row.problem_count();
            let hs6_text = row.cell(0);
            let hs6 = hs6_text
                .parse::<u32>()
                .ok()
                .filter(|_| hs6_text.len() == 6 && hs6_text.bytes().all(|b| b.is_ascii_digit()));
            if hs6.is_none() {
                row.problem(0, "six digits (leading zeros kept)");
            }
            let mut revisions = Vec::new();
            for part in row.cell(1).split(';').map(str::trim) {
                match part {
                    "HS1992" => revisions.push(HsRevision::Hs1992),
                    "HS2017" => revisions.push(HsRevision::Hs2017),
                    "HS2022" => revisions.push(HsRevision::Hs2022),
                    _ => row.problem(1, "HS1992, HS2017 or HS2022, or a `;` list of them"),
                }
            }
            let stage = match row.cell(3) {
                "mining" => Some(ChainStage::Mining),
                "processing" => Some(ChainStage::Processing),
                "manufacturing" => Some(ChainStage::Manufacturing),
                _ => {
                    row.problem(3, "mining, processing or manufacturing");
                    None
                }
            };
            let factor = row
                .cell(4)
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f > 0.0 && *f <= 2.0);
            if factor.is_none() {
                row.problem(
                    4,
                    "a number in (0, 2]: tonnes of contained element per tonne of product",
                );
            }
            let lumped = match row.cell(6) {
                "true" => true,
                "false" => false,
                _ => {
                    row.problem(6, "true or false");
                    false
                }
            };
            if row.cell(2).is_empty() {
                row.problem(2, "a mineral id from minerals.csv");
            }
            if row.cell(5).is_empty() {
                row.problem(5, "how the factor was obtained");
            }
            if row.cell(9).is_empty() {
                row.problem(9, "a source");
            }
            if row.problem_count() == before
                && let (Some(hs6), Some(stage), Some(factor)) = (hs6, stage, factor)
            {
                rows.push(HsMapping {
                    hs6,
                    revisions,
                    mineral: MineralId(row.cell(2).to_owned()),
                    stage,
                    factor,
                    factor_basis: row.cell(5).to_owned(),
                    lumped,
                    description: row.cell(7).to_owned(),
                });
            }
        });
        if problems.is_empty() {
            Ok(HsMap { rows })
        } else {
            Err(problems)
        }
    }

    /// Problems with mineral ids unknown to the dataset (file and line of the map).
    pub fn unknown_minerals(&self, file: &str, dataset: &Dataset) -> Vec<Problem> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| dataset.mineral(r.mineral.as_str()).is_none_or(|m| m.id != r.mineral))
            .map(|(n, r)| Problem {
                file: file.to_owned(),
                line: 0,
                column: Some("mineral".into()),
                value: Some(r.mineral.to_string()),
                expected: format!("a mineral id from minerals.csv (row {} of the map)", n + 1),
            })
            .collect()
    }

    /// Every row.
    pub fn rows(&self) -> &[HsMapping] {
        &self.rows
    }

    /// The rows for one code under one revision.
    pub fn lookup(&self, hs6: u32, revision: HsRevision) -> impl Iterator<Item = &HsMapping> {
        self.rows
            .iter()
            .filter(move |r| r.hs6 == hs6 && r.revisions.contains(&revision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_map_reads_hs1992_rows() {
        let map = HsMap::embedded();
        for code in [250410, 284690, 283691, 282200, 810510, 260400] {
            assert!(
                map.lookup(code, HsRevision::Hs1992).next().is_some(),
                "{code} missing under HS1992"
            );
        }
        // 810510 (cobalt mattes, unwrought, powders, waste) is an HS 1992 heading only.
        assert!(map.lookup(810510, HsRevision::Hs2022).next().is_none());
        assert!(map.lookup(810510, HsRevision::Hs1992).all(|r| r.lumped));
    }

    #[test]
    fn shipped_map_covers_the_issue_codes() {
        let map = HsMap::embedded();
        let codes = [
            253090, 283691, 282520, 260500, 282200, 810520, 283329, 260400, 750110, 750120, 750210, 750220, 283324,
            250410, 250490, 380110, 284610, 284690, 280530, 850511, 811292, 282560, 850760,
        ];
        for rev in [HsRevision::Hs2017, HsRevision::Hs2022] {
            for code in codes {
                assert!(
                    map.lookup(code, rev).next().is_some(),
                    "{code} missing under {}",
                    rev.id()
                );
            }
        }
        let li2co3 = map.lookup(283691, HsRevision::Hs2022).next().unwrap();
        approx::assert_relative_eq!(li2co3.factor, 2.0 * 6.941 / 73.891, max_relative = 1e-3);
        assert!(!li2co3.lumped);
        for lumped in [253090, 283329, 282560, 811292, 850511, 284690] {
            assert!(
                map.lookup(lumped, HsRevision::Hs2022).all(|r| r.lumped),
                "{lumped} must be lumped"
            );
        }
        let cells: Vec<&str> = map
            .lookup(850760, HsRevision::Hs2022)
            .map(|r| r.mineral.as_str())
            .collect();
        assert_eq!(cells, ["lithium", "nickel", "cobalt", "manganese", "graphite"]);
    }

    #[test]
    fn shipped_map_minerals_exist_in_the_dataset() {
        let ds = critmin_data::load_embedded().unwrap();
        assert_eq!(HsMap::embedded().unknown_minerals(EMBEDDED_HS_MAP_NAME, &ds), vec![]);
    }

    #[test]
    fn bad_rows_are_named() {
        let text = format!("{}\n28369,HS2022,lithium,refining,-1,x,maybe,d,n,s\n", HEADER.join(","));
        let shown: Vec<String> = HsMap::parse("m.csv", &text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "m.csv:2: column `hs6`: value `28369`: six digits (leading zeros kept)",
                "m.csv:2: column `stage`: value `refining`: mining, processing or manufacturing",
                "m.csv:2: column `factor`: value `-1`: a number in (0, 2]: tonnes of contained element per tonne of product",
                "m.csv:2: column `lumped`: value `maybe`: true or false",
            ]
        );
    }
}
