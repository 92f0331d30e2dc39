//! The dataset: every validated table, the series built from them, and lookups.

use std::collections::HashMap;

use crate::{
    ChainStage, Country, CountryCode, Group, Mineral, MineralId, Observation, Provenance, Qualifier, SourceCode, Stage,
    StageId,
};

/// A published critical-mineral list.
#[derive(Debug, Clone, PartialEq)]
pub struct CriticalList {
    /// List id (`IN-2023`, `US-2022`, `EU-2023`).
    pub id: String,
    /// Names of the minerals on it, as the list writes them.
    pub names: Vec<String>,
    /// Citation of the list.
    pub source: String,
}

/// One economy-year of the World Governance Indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceRecord {
    /// Country.
    pub country: CountryCode,
    /// Year of the estimates.
    pub year: u16,
    /// The six estimates (voice and accountability, political stability, government
    /// effectiveness, regulatory quality, rule of law, control of corruption), about −2.5..2.5.
    pub estimates: [Option<f64>; 6],
    /// Mean of the available estimates (only when at least four are available).
    pub mean: Option<f64>,
    /// Number of estimates available.
    pub n_dims: u8,
    /// clamp((2.5 − mean) × 2, 0, 10): 10 = weakest governance = highest risk.
    pub risk_0_10: Option<f64>,
    /// Source cell.
    pub source: String,
    /// Note.
    pub note: String,
}

/// One import-reliance figure (US net import reliance, India import dependence, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRelianceRecord {
    /// Importing country.
    pub country: CountryCode,
    /// Commodity id as the source names it (may be an alias of a [`Mineral`]).
    pub commodity: String,
    /// Reference year.
    pub year: u16,
    /// What the figure measures (`net_import_reliance_pct`, `import_dependence_pct`,
    /// `self_sufficiency_pct`, `import_dependence_qualitative`, ...).
    pub metric: String,
    /// Percent, when the source gives a number.
    pub value: Option<f64>,
    /// Bound or flag (`>`, `<`, `E` = net exporter, or a word).
    pub qualifier: Option<Qualifier>,
    /// Major import sources in descending order of share, as named by the source.
    pub major_import_sources: Vec<String>,
    /// Source cell.
    pub source: String,
    /// Note.
    pub note: String,
    /// File and line.
    pub provenance: Provenance,
}

/// All observations of one data file.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationTable {
    /// File name (`production.csv`) or the user's path.
    pub name: String,
    /// Its rows, in file order.
    pub observations: Vec<Observation>,
}

/// What identifies a series: one mineral, stage, year and source edition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    /// Mineral.
    pub mineral: MineralId,
    /// Stage.
    pub stage: StageId,
    /// Year.
    pub year: u16,
    /// Source edition.
    pub source: SourceCode,
}

/// One row of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRow {
    /// Country (or `WLD`/`ROW`).
    pub country: CountryCode,
    /// Figure, `None` when missing.
    pub value: Option<f64>,
    /// Rounding half-unit of the published figure.
    pub rounding: f64,
    /// Bound attached to the figure.
    pub qualifier: Option<Qualifier>,
    /// Source note.
    pub note: String,
    /// File and line.
    pub provenance: Provenance,
}

/// The rows of one (mineral, stage, year, source), split into named countries, the
/// published world total and the source's residual.
///
/// Invariants: one unit for every row; `countries` holds no pseudo-code; a country appears
/// at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Identity.
    pub key: SeriesKey,
    /// Unit shared by every row.
    pub unit: String,
    /// Full source cell of the first row (edition, table, column).
    pub source_detail: String,
    /// Files the series was read from (two when identical copies exist, e.g. the IEA refined
    /// rows in both `refining.csv` and `iea_supply_2024.csv`; they are never added).
    pub tables: Vec<String>,
    /// Named countries, in file order.
    pub countries: Vec<SeriesRow>,
    /// The source's world total (`WLD`), if published.
    pub world: Option<SeriesRow>,
    /// The source's residual (`ROW`), if published.
    pub residual: Option<SeriesRow>,
}

/// The whole validated dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Country table, sorted by code.
    pub countries: Vec<Country>,
    /// Minerals, sorted by id.
    pub minerals: Vec<Mineral>,
    /// Stages.
    pub stages: Vec<Stage>,
    /// Published critical-mineral lists.
    pub critical_lists: Vec<CriticalList>,
    /// Observation tables (production, reserves, refining, IEA supply, user tables).
    pub tables: Vec<ObservationTable>,
    /// Series built from the tables, sorted by key.
    pub series: Vec<Series>,
    /// Governance indicators.
    pub governance: Vec<GovernanceRecord>,
    /// Import reliance figures.
    pub import_reliance: Vec<ImportRelianceRecord>,
    country_index: HashMap<CountryCode, usize>,
    governance_index: HashMap<CountryCode, Vec<usize>>,
}

impl Dataset {
    /// Assembles a dataset from validated parts and builds its indexes.
    ///
    /// The caller (the loaders in `critmin-data`) is responsible for validation; this only
    /// sorts and indexes.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        mut countries: Vec<Country>,
        mut minerals: Vec<Mineral>,
        stages: Vec<Stage>,
        critical_lists: Vec<CriticalList>,
        tables: Vec<ObservationTable>,
        mut series: Vec<Series>,
        governance: Vec<GovernanceRecord>,
        import_reliance: Vec<ImportRelianceRecord>,
    ) -> Dataset {
        countries.sort_by_key(|c| c.code);
        minerals.sort_by(|a, b| a.id.cmp(&b.id));
        series.sort_by(|a, b| a.key.cmp(&b.key));
        let country_index = countries.iter().enumerate().map(|(i, c)| (c.code, i)).collect();
        let mut governance_index: HashMap<CountryCode, Vec<usize>> = HashMap::new();
        for (i, g) in governance.iter().enumerate() {
            governance_index.entry(g.country).or_default().push(i);
        }
        Dataset {
            countries,
            minerals,
            stages,
            critical_lists,
            tables,
            series,
            governance,
            import_reliance,
            country_index,
            governance_index,
        }
    }

    /// The country with this code.
    pub fn country(&self, code: CountryCode) -> Option<&Country> {
        self.country_index.get(&code).map(|&i| &self.countries[i])
    }

    /// Whether `code` belongs to `group`.
    pub fn in_group(&self, code: CountryCode, group: Group) -> bool {
        self.country(code).is_some_and(|c| c.groups.contains(group))
    }

    /// The mineral with this id or alias (case-insensitive); ids win over aliases.
    pub fn mineral(&self, name: &str) -> Option<&Mineral> {
        self.minerals
            .iter()
            .find(|m| m.id.0.eq_ignore_ascii_case(name))
            .or_else(|| self.minerals.iter().find(|m| m.answers_to(name)))
    }

    /// The mineral a user named (id or alias, surrounding spaces ignored), or an error that
    /// lists the ids it could have been. Every shell resolves mineral names through this.
    pub fn resolve_mineral(&self, name: &str) -> Result<&Mineral, Unresolved> {
        self.mineral(name.trim()).ok_or_else(|| Unresolved::Mineral {
            name: name.to_owned(),
            known: self.minerals.iter().map(|m| m.id.to_string()).collect(),
        })
    }

    /// The country a user named by ISO3 code (case-insensitive, surrounding spaces ignored):
    /// one of the dataset's countries, never a pseudo-code such as `ROW`.
    pub fn resolve_country(&self, code: &str) -> Result<CountryCode, Unresolved> {
        let parsed: Option<CountryCode> = code.trim().to_ascii_uppercase().parse().ok();
        parsed
            .filter(|c| self.country(*c).is_some() && !c.is_pseudo())
            .ok_or_else(|| Unresolved::Country { code: code.to_owned() })
    }

    /// The stage with this id.
    pub fn stage(&self, id: &StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| &s.id == id)
    }

    /// The chain stage of a stage id (`None` for an unknown id).
    pub fn chain_stage(&self, id: &StageId) -> Option<ChainStage> {
        self.stage(id).map(|s| s.chain_stage)
    }

    /// The governance risk score (0–10, 10 = weakest) for `country` in `year`, or the latest
    /// earlier year that has one, or else the earliest later year. Returns the year used.
    pub fn governance_risk(&self, country: CountryCode, year: u16) -> Option<(u16, f64)> {
        let rows = self.governance_index.get(&country)?;
        let scored = rows
            .iter()
            .map(|&i| &self.governance[i])
            .filter_map(|g| g.risk_0_10.map(|r| (g.year, r)));
        let mut best: Option<(u16, f64)> = None;
        for (y, r) in scored {
            let better = match best {
                None => true,
                Some((by, _)) => {
                    // Prefer the closest year not after `year`; otherwise the closest later one.
                    match (y <= year, by <= year) {
                        (true, true) => y > by,
                        (true, false) => true,
                        (false, true) => false,
                        (false, false) => y < by,
                    }
                }
            };
            if better {
                best = Some((y, r));
            }
        }
        best
    }

    /// Series matching the filters (each `None` matches everything).
    pub fn find_series<'a, 'f>(
        &'a self,
        mineral: Option<&'f MineralId>,
        stage: Option<&'f StageId>,
        year: Option<u16>,
        source: Option<&'f str>,
    ) -> impl Iterator<Item = &'a Series> + 'f
    where
        'a: 'f,
    {
        self.series.iter().filter(move |s| {
            mineral.is_none_or(|m| &s.key.mineral == m)
                && stage.is_none_or(|st| &s.key.stage == st)
                && year.is_none_or(|y| s.key.year == y)
                && source.is_none_or(|src| s.key.source.0.eq_ignore_ascii_case(src))
        })
    }

    /// The series to show when the user names less than a full key: among the series of
    /// `mineral` matching the filters (capacity stages only when `stage` names one), the
    /// latest year, then the source naming the most countries (the most granular), then the
    /// source code in alphabetical order.
    pub fn preferred_series<'a>(
        &'a self,
        mineral: &'a MineralId,
        stage: Option<&'a StageId>,
        chain: Option<ChainStage>,
        year: Option<u16>,
        source: Option<&'a str>,
    ) -> Option<&'a Series> {
        self.find_series(Some(mineral), stage, year, source)
            .filter(|s| {
                let info = self.stage(&s.key.stage);
                let capacity_ok = stage.is_some() || info.is_none_or(|i| !i.capacity);
                let chain_ok = chain.is_none_or(|c| info.is_some_and(|i| i.chain_stage == c));
                capacity_ok && chain_ok
            })
            .max_by(|a, b| {
                a.key
                    .year
                    .cmp(&b.key.year)
                    .then(
                        a.countries
                            .iter()
                            .filter(|r| r.value.is_some())
                            .count()
                            .cmp(&b.countries.iter().filter(|r| r.value.is_some()).count()),
                    )
                    .then(b.key.source.cmp(&a.key.source))
                    .then(b.key.stage.cmp(&a.key.stage))
            })
    }

    /// Import-reliance records of `country` for a mineral (matched by id or alias).
    pub fn import_reliance_for<'a>(
        &'a self,
        country: CountryCode,
        mineral: &'a Mineral,
    ) -> impl Iterator<Item = &'a ImportRelianceRecord> + 'a {
        self.import_reliance
            .iter()
            .filter(move |r| r.country == country && mineral.answers_to(&r.commodity))
    }

    /// Distinct source codes of the series, sorted.
    pub fn source_codes(&self) -> Vec<&SourceCode> {
        let mut codes: Vec<&SourceCode> = self.series.iter().map(|s| &s.key.source).collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gov(country: &str, year: u16, risk: Option<f64>) -> GovernanceRecord {
        GovernanceRecord {
            country: country.parse().unwrap(),
            year,
            estimates: [None; 6],
            mean: None,
            n_dims: 0,
            risk_0_10: risk,
            source: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn governance_lookup_prefers_same_then_earlier_then_later_year() {
        let ds = Dataset::from_parts(
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![
                gov("AAA", 2019, Some(1.0)),
                gov("AAA", 2021, Some(2.0)),
                gov("AAA", 2023, None),
            ],
            vec![],
        );
        let aaa: CountryCode = "AAA".parse().unwrap();
        assert_eq!(ds.governance_risk(aaa, 2021), Some((2021, 2.0)));
        assert_eq!(ds.governance_risk(aaa, 2024), Some((2021, 2.0)));
        assert_eq!(ds.governance_risk(aaa, 2020), Some((2019, 1.0)));
        assert_eq!(ds.governance_risk(aaa, 2010), Some((2019, 1.0)));
        assert_eq!(ds.governance_risk("BBB".parse().unwrap(), 2021), None);
    }
}

/// A mineral or country name a user gave that the dataset does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    /// No mineral has this id or alias.
    #[error("unknown mineral `{name}`; expected one of: {}", known.join(", "))]
    Mineral {
        /// The name as given.
        name: String,
        /// The dataset's mineral ids.
        known: Vec<String>,
    },
    /// No country of the dataset has this ISO3 code.
    #[error("unknown country `{code}`; expected an ISO 3166-1 alpha-3 code such as IND or USA")]
    Country {
        /// The code as given.
        code: String,
    },
}
