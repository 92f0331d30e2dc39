//! The explicit maps from USGS labels to critmin's ids, read from the project's data tables:
//! `usgs_commodity_map.csv` (release, commodity, statistic, detail, country, USGS unit →
//! mineral, stage, unit, or a reason not to import) and `usgs_country_names.csv` (USGS country
//! labels that are not a `countries.csv` name → ISO3, or none for a group of countries). The
//! importer never guesses: a label in neither table is a problem.

use std::collections::HashMap;

use crate::problem::Problem;
use crate::table::CsvTable;
use crate::tables;

use super::values::trim;

/// The columns of `usgs_commodity_map.csv`.
pub const COMMODITY_MAP_COLUMNS: [&str; 10] = [
    "release",
    "commodity",
    "statistic",
    "detail",
    "country",
    "usgs_unit",
    "mineral",
    "stage",
    "unit",
    "note",
];
/// The columns of `usgs_reliance_map.csv`.
pub const RELIANCE_MAP_COLUMNS: [&str; 5] = ["release", "commodity", "detail", "mineral", "note"];
/// The columns of `usgs_country_names.csv`.
pub const COUNTRY_NAME_COLUMNS: [&str; 3] = ["usgs_name", "iso3", "note"];

/// Where one kind of USGS row goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A critmin series.
    Series {
        /// Mineral id.
        mineral: String,
        /// Stage id.
        stage: String,
        /// Unit as critmin writes it (with its basis).
        unit: String,
        /// Why the unit or mineral is what it is, when the map says.
        note: String,
    },
    /// Not imported, and why.
    Skip(String),
}

/// The key of a map row: release, commodity, statistic, detail, USGS unit (all trimmed).
type Key = (String, String, String, String, String);

/// The label maps, read and checked.
#[derive(Debug, Default)]
pub struct Maps {
    commodities: HashMap<Key, Target>,
    // The same key restricted to one country label, which wins over the general entry.
    by_country: HashMap<(Key, String), Target>,
    countries: HashMap<String, Option<String>>,
    // (release, commodity, detail) of a net-import-reliance row → mineral id, or why not.
    reliance: HashMap<(String, String, String), Result<String, String>>,
}

/// The label tables the maps are read from: (file name, text) each.
#[derive(Debug, Clone, Copy)]
pub struct MapTables<'a> {
    /// `usgs_commodity_map.csv`.
    pub commodities: (&'a str, &'a str),
    /// `usgs_reliance_map.csv`.
    pub reliance: (&'a str, &'a str),
    /// `usgs_country_names.csv`.
    pub country_names: (&'a str, &'a str),
    /// `countries.csv` (its names are the default country labels).
    pub countries: (&'a str, &'a str),
}

fn normalize(label: &str) -> String {
    trim(label).split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Maps {
    /// The maps shipped with critmin: the label tables embedded in this crate
    /// ([`crate::tables`]) and the embedded `countries.csv`.
    pub fn embedded(problems: &mut Vec<Problem>) -> Option<Maps> {
        let file = |f: &'static crate::EmbeddedFile| (f.name, f.text);
        let countries = crate::embedded_file("countries.csv").map_or(("countries.csv", ""), file);
        Maps::read(
            MapTables {
                commodities: file(&tables::USGS_COMMODITY_MAP),
                reliance: file(&tables::USGS_RELIANCE_MAP),
                country_names: file(&tables::USGS_COUNTRY_NAMES),
                countries,
            },
            problems,
        )
    }

    /// Reads the label tables. Every problem is reported; `None` if any.
    pub fn read(tables: MapTables<'_>, problems: &mut Vec<Problem>) -> Option<Maps> {
        let MapTables {
            commodities: commodity_map,
            reliance,
            country_names,
            countries,
        } = tables;
        let before = problems.len();
        let mut maps = Maps::default();
        let table = CsvTable::parse(countries.0, countries.1, problems);
        if let Some(cols) = table.columns(&["iso3", "name"], problems) {
            table.each_row(&cols, problems, |row| {
                maps.countries
                    .insert(normalize(row.cell(1)).to_lowercase(), Some(row.cell(0).to_owned()));
            });
        }
        let table = CsvTable::parse(country_names.0, country_names.1, problems);
        if let Some(cols) = table.fixed_columns(&COUNTRY_NAME_COLUMNS, problems) {
            table.each_row(&cols, problems, |row| {
                let iso3 = row.cell(1);
                let is_code = iso3.len() == 3 && iso3.bytes().all(|b| b.is_ascii_uppercase());
                if !iso3.is_empty() && !is_code {
                    row.problem(
                        1,
                        "an ISO 3166-1 alpha-3 code, or empty for a label that is not one country",
                    );
                }
                if iso3.is_empty() && row.cell(2).is_empty() {
                    row.problem(2, "a note saying why the label has no country code");
                }
                let name = normalize(row.cell(0)).to_lowercase();
                let code = (!iso3.is_empty()).then(|| iso3.to_owned());
                // An explicit entry wins over a countries.csv name of the same spelling.
                maps.countries.insert(name, code);
            });
        }
        let table = CsvTable::parse(commodity_map.0, commodity_map.1, problems);
        if let Some(cols) = table.fixed_columns(&COMMODITY_MAP_COLUMNS, problems) {
            let mut seen: HashMap<(Key, String), u64> = HashMap::new();
            table.each_row(&cols, problems, |row| {
                let key: Key = (
                    row.cell(0).to_owned(),
                    normalize(row.cell(1)),
                    normalize(row.cell(2)),
                    normalize(row.cell(3)),
                    normalize(row.cell(5)),
                );
                let country = normalize(row.cell(4));
                if let Some(first) = seen.insert((key.clone(), country.clone()), row.line) {
                    row.line_problem(format!("each label once per release (already on line {first})"));
                    return;
                }
                let target = match (row.cell(6), row.cell(7), row.cell(8)) {
                    ("", "", "") if row.cell(9).is_empty() => {
                        row.problem(9, "a note saying why rows with this label are not imported");
                        return;
                    }
                    ("", "", "") => Target::Skip(row.cell(9).to_owned()),
                    (mineral, stage, unit) if !mineral.is_empty() && !stage.is_empty() && !unit.is_empty() => {
                        Target::Series {
                            mineral: mineral.to_owned(),
                            stage: stage.to_owned(),
                            unit: unit.to_owned(),
                            note: row.cell(9).to_owned(),
                        }
                    }
                    _ => {
                        row.line_problem("mineral, stage and unit all given, or all empty with a note");
                        return;
                    }
                };
                if country.is_empty() {
                    maps.commodities.insert(key, target);
                } else {
                    maps.by_country.insert((key, country), target);
                }
            });
        }
        let table = CsvTable::parse(reliance.0, reliance.1, problems);
        if let Some(cols) = table.fixed_columns(&RELIANCE_MAP_COLUMNS, problems) {
            let mut seen: HashMap<(String, String, String), u64> = HashMap::new();
            table.each_row(&cols, problems, |row| {
                let key = (row.cell(0).to_owned(), normalize(row.cell(1)), normalize(row.cell(2)));
                if let Some(first) = seen.insert(key.clone(), row.line) {
                    row.line_problem(format!("each label once per release (already on line {first})"));
                    return;
                }
                let target = match (row.cell(3), row.cell(4)) {
                    ("", "") => {
                        row.problem(4, "a note saying why rows with this label are not imported");
                        return;
                    }
                    ("", why) => Err(why.to_owned()),
                    (mineral, _) => Ok(mineral.to_owned()),
                };
                maps.reliance.insert(key, target);
            });
        }
        (problems.len() == before).then_some(maps)
    }

    /// The mineral id of a net-import-reliance label (`Err`: why it is not imported); `None`
    /// when the map has no entry.
    pub fn reliance(&self, release: &str, commodity: &str, detail: &str) -> Option<Result<&str, &str>> {
        self.reliance
            .get(&(release.to_owned(), normalize(commodity), normalize(detail)))
            .map(|t| t.as_deref().map_err(String::as_str))
    }

    /// Where rows of this label go; `None` when the map has no entry (a problem for the caller).
    pub fn target(
        &self,
        release: &str,
        commodity: &str,
        statistic: &str,
        detail: &str,
        unit: &str,
        country: &str,
    ) -> Option<&Target> {
        let key: Key = (
            release.to_owned(),
            normalize(commodity),
            normalize(statistic),
            normalize(detail),
            normalize(unit),
        );
        self.by_country
            .get(&(key.clone(), normalize(country)))
            .or_else(|| self.commodities.get(&key))
    }

    /// The ISO3 code of a USGS country label: `Some(Some(code))`, `Some(None)` for a label that
    /// is not one country (a group), `None` for an unknown label.
    pub fn country(&self, label: &str) -> Option<Option<&str>> {
        self.countries
            .get(&normalize(label).to_lowercase())
            .map(|code| code.as_deref())
    }
}
