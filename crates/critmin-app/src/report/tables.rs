//! The report's tables: map series, the concentration heat table, the mine-to-refinery
//! shift, country exposure, findings and sources. Every figure comes from `critmin-metrics`.

use std::collections::BTreeMap;

use critmin_metrics::{ConcentrationBand, PartnerSet, SeriesConcentration, country_exposure};
use critmin_model::{ChainStage, CountryCode, Dataset};

/// One country's share in a map series.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MapShare {
    /// ISO3.
    pub code: String,
    /// Country name.
    pub name: String,
    /// Published value in the series unit.
    pub value: f64,
    /// Share of the total (fraction).
    pub share: f64,
}

/// A series drawable on the map.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MapSeries {
    /// Stable id (`mineral/stage/year/source`).
    pub id: String,
    /// Mineral name.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Source code.
    pub source: String,
    /// Source detail (edition, table, column).
    pub source_detail: String,
    /// Unit.
    pub unit: String,
    /// What the shares are of.
    pub basis: String,
    /// Named countries, largest first.
    pub shares: Vec<MapShare>,
    /// Countries listed without a value (withheld or not available).
    pub missing: Vec<String>,
    /// Uncovered remainder (fraction).
    pub remainder: f64,
    /// HHI lower and upper bound.
    pub hhi: (f64, f64),
    /// Data-quality notes.
    pub notes: Vec<String>,
}

/// A heat-table cell: one mineral at one chain stage.
#[derive(Debug, Clone)]
pub struct HeatCell {
    /// Map series id of the cell's series.
    pub series_id: String,
    /// Stage id, year and source of the series used.
    pub label: String,
    /// HHI lower bound.
    pub hhi: f64,
    /// HHI upper bound.
    pub hhi_upper: f64,
    /// Band of the lower bound.
    pub band: Option<ConcentrationBand>,
    /// Largest supplier and its share.
    pub top: Option<(String, f64)>,
    /// Top-3 share.
    pub top3: f64,
    /// FEOC-covered share.
    pub feoc: f64,
}

/// A heat-table row.
#[derive(Debug, Clone)]
pub struct HeatRow {
    /// Mineral id.
    pub mineral: String,
    /// Mineral name.
    pub name: String,
    /// Critical lists it is on.
    pub lists: Vec<String>,
    /// Reserves, mining, processing.
    pub cells: [Option<HeatCell>; 3],
}

/// IEA mine-to-refinery shift for one mineral.
#[derive(Debug, Clone)]
pub struct ShiftRow {
    /// Mineral name.
    pub name: String,
    /// Mining: top-3 share, top country and share.
    pub mine: Option<(f64, String, f64)>,
    /// Refining: top-3 share, top country and share.
    pub refined: Option<(f64, String, f64)>,
}

/// A stage summary in an exposure row.
#[derive(Debug, Clone)]
pub struct StageCell {
    /// Stage, year and source label.
    pub label: String,
    /// HHI lower bound.
    pub hhi: f64,
    /// Largest supplier and its share.
    pub top: Option<(String, f64)>,
    /// Domestic share.
    pub domestic: f64,
    /// Partner share.
    pub partner: f64,
    /// FEOC-covered share.
    pub feoc: f64,
}

/// One mineral in a country's exposure table.
#[derive(Debug, Clone)]
pub struct ExposureRow {
    /// Mineral name.
    pub name: String,
    /// Reliance as displayed (`76%`, `>50%`, `net exporter`, `100% (import dependence)` ...).
    pub reliance: String,
    /// Numeric reliance for colouring (percent), when there is one.
    pub reliance_pct: Option<f64>,
    /// Where the reliance figure comes from.
    pub reliance_source: String,
    /// Mining stage.
    pub mining: Option<StageCell>,
    /// Processing stage.
    pub processing: Option<StageCell>,
}

/// A source used by the report.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    /// Source code or file.
    pub code: String,
    /// Citation and licence.
    pub citation: String,
    /// Files it was read from.
    pub files: Vec<String>,
    /// Number of series (or rows) used.
    pub count: usize,
}

/// One country's exposure table.
#[derive(Debug, Clone)]
pub struct CountryExposure {
    /// ISO3 code.
    pub code: String,
    /// Country name.
    pub name: String,
    /// The partner definition, as the user gave it.
    pub partners: String,
    /// One row per mineral.
    pub rows: Vec<ExposureRow>,
}

/// `mineral/stage/year/source`.
fn series_id(c: &SeriesConcentration<'_>) -> String {
    let k = &c.series.key;
    format!("{}/{}/{}/{}", k.mineral, k.stage, k.year, k.source)
}

fn stage_label(c: &SeriesConcentration<'_>) -> String {
    let k = &c.series.key;
    format!("{} {} · {}", k.stage, k.year, k.source)
}

/// Every series drawable on the map, in mineral order, and the id of the one shown first
/// (lithium mining from USGS when there is one).
pub(super) fn maps(ds: &Dataset, all: &[SeriesConcentration<'_>]) -> (Vec<MapSeries>, String) {
    let name_of = |code: CountryCode| ds.country(code).map_or_else(|| code.to_string(), |c| c.name.clone());
    let mineral_name = |id: &str| ds.mineral(id).map_or_else(|| id.to_owned(), |m| m.name.clone());
    let maps: Vec<MapSeries> = all
        .iter()
        .filter(|c| !c.capacity)
        .map(|c| MapSeries {
            id: series_id(c),
            mineral: mineral_name(c.series.key.mineral.as_str()),
            stage: c.series.key.stage.to_string(),
            year: c.series.key.year,
            source: c.series.key.source.to_string(),
            source_detail: c.series.source_detail.clone(),
            unit: c.series.unit.clone(),
            basis: c.shares.basis.to_string(),
            shares: c
                .shares
                .named
                .iter()
                .map(|s| MapShare {
                    code: s.country.to_string(),
                    name: name_of(s.country),
                    value: s.value,
                    share: s.share,
                })
                .collect(),
            missing: c.shares.missing.iter().map(ToString::to_string).collect(),
            remainder: c.shares.remainder,
            hhi: (c.concentration.hhi, c.concentration.hhi_upper),
            notes: c.shares.notes.iter().map(ToString::to_string).collect(),
        })
        .collect();
    let mut maps = maps;
    maps.sort_by(|a, b| {
        (&a.mineral, &a.stage, std::cmp::Reverse(a.year), &a.source).cmp(&(
            &b.mineral,
            &b.stage,
            std::cmp::Reverse(b.year),
            &b.source,
        ))
    });

    let default_map = maps
        .iter()
        .find(|m| m.id.starts_with("lithium/mine/") && m.source == "USGS-MCS2025")
        .or(maps.first())
        .map(|m| m.id.clone())
        .unwrap_or_default();
    (maps, default_map)
}

/// The heat table: each mineral's preferred series at reserves, mining and processing.
pub(super) fn heat(ds: &Dataset, all: &[SeriesConcentration<'_>]) -> Vec<HeatRow> {
    let by_key: BTreeMap<String, &SeriesConcentration<'_>> = all.iter().map(|c| (series_id(c), c)).collect();
    let cell_of = |mineral: &critmin_model::MineralId, chain: ChainStage| -> Option<HeatCell> {
        let series = ds.preferred_series(mineral, None, Some(chain), None, None)?;
        let id = format!(
            "{}/{}/{}/{}",
            series.key.mineral, series.key.stage, series.key.year, series.key.source
        );
        let c = by_key.get(&id)?;
        Some(HeatCell {
            series_id: id,
            label: stage_label(c),
            hhi: c.concentration.hhi,
            hhi_upper: c.concentration.hhi_upper,
            band: c.concentration.band_lower(),
            top: c.shares.named.first().map(|s| (s.country.to_string(), s.share)),
            top3: c.concentration.top3_share,
            feoc: c.feoc_share,
        })
    };
    let mut heat: Vec<HeatRow> = ds
        .minerals
        .iter()
        .map(|m| HeatRow {
            mineral: m.id.to_string(),
            name: m.name.clone(),
            lists: m.critical_lists.clone(),
            cells: [
                cell_of(&m.id, ChainStage::Reserves),
                cell_of(&m.id, ChainStage::Mining),
                cell_of(&m.id, ChainStage::Processing),
            ],
        })
        .filter(|r| r.cells.iter().any(Option::is_some))
        .collect();
    heat.sort_by_key(|r| r.name.to_lowercase());

    heat
}

/// Top-3 shares of mining and refining from the IEA, one row per mineral it covers.
pub(super) fn shift(ds: &Dataset, all: &[SeriesConcentration<'_>]) -> Vec<ShiftRow> {
    let name_of = |code: CountryCode| ds.country(code).map_or_else(|| code.to_string(), |c| c.name.clone());
    let mineral_name = |id: &str| ds.mineral(id).map_or_else(|| id.to_owned(), |m| m.name.clone());
    let iea = |mineral: &str, stage: &str| -> Option<(f64, String, f64)> {
        let c = all.iter().find(|c| {
            c.series.key.mineral.as_str() == mineral
                && c.series.key.stage.as_str() == stage
                && c.series.key.source.as_str() == "IEA-CMD-2025"
        })?;
        let top = c.shares.named.first()?;
        Some((c.concentration.top3_share, name_of(top.country), top.share))
    };
    let mut iea_minerals: Vec<&str> = all
        .iter()
        .filter(|c| c.series.key.source.as_str() == "IEA-CMD-2025")
        .map(|c| c.series.key.mineral.as_str())
        .collect();
    iea_minerals.sort_unstable();
    iea_minerals.dedup();
    iea_minerals
        .iter()
        .map(|m| ShiftRow {
            name: mineral_name(m),
            mine: iea(m, "mine"),
            refined: iea(m, "refined"),
        })
        .collect()
}

/// The exposure table of each of `countries`, with `partners` (named `partners_label`).
pub(super) fn exposures(
    ds: &Dataset,
    countries: &[CountryCode],
    partners: &PartnerSet,
    partners_label: &str,
) -> Vec<CountryExposure> {
    let name_of = |code: CountryCode| ds.country(code).map_or_else(|| code.to_string(), |c| c.name.clone());
    countries
        .iter()
        .map(|&country| {
            let exposure = country_exposure(ds, country, partners);
            let rows = exposure
                .minerals
                .iter()
                .map(|m| {
                    let stage = |chain: ChainStage| {
                        m.stages.iter().find(|s| s.chain_stage == chain).map(|s| StageCell {
                            label: stage_label(&s.supply),
                            hhi: s.supply.concentration.hhi,
                            top: s.supply.shares.named.first().map(|t| (t.country.to_string(), t.share)),
                            domestic: s.lens.domestic_share,
                            partner: s.lens.partner_share,
                            feoc: s.lens.feoc_share,
                        })
                    };
                    let (reliance, reliance_pct, reliance_source) = match m.reliance {
                        None => ("no figure".to_owned(), None, String::new()),
                        Some(r) => {
                            let q = r.qualifier.as_ref().map(|q| q.as_str());
                            let text = match (r.value, q) {
                                (_, Some("E")) => "net exporter".to_owned(),
                                (Some(v), _) if r.metric == "self_sufficiency_pct" => {
                                    format!("{v:.0}% self-sufficient")
                                }
                                (Some(v), Some(b @ (">" | "<"))) => format!("{b}{v:.0}%"),
                                (Some(v), _) => format!("{v:.0}%"),
                                (None, Some(word)) => word.to_owned(),
                                (None, None) => "–".to_owned(),
                            };
                            let kind = match r.metric.as_str() {
                                "net_import_reliance_pct" => "net import reliance",
                                "import_reliance_pct" => "import reliance",
                                "import_dependence_pct" | "import_dependence_qualitative" => "import dependence",
                                "self_sufficiency_pct" => "self-sufficiency",
                                other => other,
                            };
                            let pct = match (r.metric.as_str(), q) {
                                (_, Some("E")) => Some(0.0),
                                ("self_sufficiency_pct", _) => r.value.map(|v| 100.0 - v),
                                _ => r.value,
                            };
                            (
                                text,
                                pct,
                                format!("{kind}, {} ({}); {}", r.year, r.commodity, short_source(&r.source)),
                            )
                        }
                    };
                    ExposureRow {
                        name: m.mineral.name.clone(),
                        reliance,
                        reliance_pct,
                        reliance_source,
                        mining: stage(ChainStage::Mining),
                        processing: stage(ChainStage::Processing),
                    }
                })
                .collect();
            CountryExposure {
                code: country.to_string(),
                name: name_of(country),
                partners: partners_label.to_owned(),
                rows,
            }
        })
        .collect()
}

/// The series that could not be computed, with the reason.
pub(super) fn left_out(failed: &[(critmin_model::SeriesKey, critmin_metrics::NotComputable)]) -> Vec<String> {
    failed
        .iter()
        .map(|(k, e)| format!("{} {} {} ({}): {e}", k.mineral, k.stage, k.year, k.source))
        .collect()
}

/// One line per series with data-quality notes.
pub(super) fn quality_notes(all: &[SeriesConcentration<'_>]) -> Vec<String> {
    let mut quality_notes: Vec<String> = all
        .iter()
        .filter(|c| !c.shares.notes.is_empty())
        .map(|c| {
            let k = &c.series.key;
            let notes: Vec<String> = c.shares.notes.iter().map(ToString::to_string).collect();
            format!(
                "{} {} {} ({}): {}",
                k.mineral,
                k.stage,
                k.year,
                k.source,
                notes.join("; ")
            )
        })
        .collect();
    quality_notes.dedup();

    quality_notes
}

fn short_source(s: &str) -> String {
    let s = s.split(" (").next().unwrap_or(s);
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Short findings, one sentence each.
pub(super) fn findings(ds: &Dataset, all: &[SeriesConcentration<'_>], countries: &[CountryCode]) -> Vec<String> {
    let mut out = Vec::new();
    // Latest year per (mineral, stage, source), output stages only.
    let mut latest: BTreeMap<(String, String, String), &SeriesConcentration<'_>> = BTreeMap::new();
    for c in all
        .iter()
        .filter(|c| !c.capacity && c.chain_stage != Some(ChainStage::Reserves))
    {
        let k = &c.series.key;
        let key = (k.mineral.to_string(), k.stage.to_string(), k.source.to_string());
        if latest.get(&key).is_none_or(|prev| prev.series.key.year < k.year) {
            latest.insert(key, c);
        }
    }
    let high = latest.values().filter(|c| c.concentration.hhi > 2500.0).count();
    out.push(format!(
        "{high} of {} mining and processing series (latest year of each source) are highly concentrated (HHI above 2,500 even with the residual left out).",
        latest.len()
    ));
    let mut china: Vec<(f64, String)> = latest
        .values()
        .filter_map(|c| {
            let s = c.shares.share_of(CountryCode::CHINA)?;
            (s >= 0.5).then(|| {
                let k = &c.series.key;
                let name = ds
                    .mineral(k.mineral.as_str())
                    .map_or_else(|| k.mineral.to_string(), |m| m.name.clone());
                (
                    s,
                    format!("{name} {} ({:.0}%, {} {})", k.stage, s * 100.0, k.source, k.year),
                )
            })
        })
        .collect();
    china.sort_by(|a, b| b.0.total_cmp(&a.0));
    if !china.is_empty() {
        const SHOWN: usize = 8;
        let more = china.len().saturating_sub(SHOWN);
        out.push(format!(
            "China supplies half or more of {} of them; the largest shares: {}{}.",
            china.len(),
            china
                .iter()
                .take(SHOWN)
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ));
    }
    for &country in countries {
        let name = ds
            .country(country)
            .map_or_else(|| country.to_string(), |c| c.name.clone());
        let mut full: Vec<String> = ds
            .import_reliance
            .iter()
            .filter(|r| {
                r.country == country && r.value.is_some_and(|v| v >= 100.0) && r.metric != "self_sufficiency_pct"
            })
            .map(|r| r.commodity.replace('_', " "))
            .collect();
        full.sort();
        full.dedup();
        if !full.is_empty() {
            out.push(format!("{name} relies on imports for 100% of: {}.", full.join(", ")));
        }
    }
    out
}

/// The sources behind the series, with their citations.
pub(super) fn sources(ds: &Dataset, all: &[SeriesConcentration<'_>]) -> Vec<SourceEntry> {
    let mut by_code: BTreeMap<String, (Vec<String>, usize)> = BTreeMap::new();
    for c in all {
        let e = by_code.entry(c.series.key.source.to_string()).or_default();
        for t in &c.series.tables {
            if !e.0.contains(t) {
                e.0.push(t.clone());
            }
        }
        e.1 += 1;
    }
    let mut out: Vec<SourceEntry> = by_code
        .into_iter()
        .map(|(code, (files, count))| SourceEntry {
            citation: citation(&code).to_owned(),
            code,
            files,
            count,
        })
        .collect();
    let gov_sources: std::collections::BTreeSet<&str> = ds.governance.iter().map(|g| g.source.as_str()).collect();
    for s in gov_sources {
        let code = s.split_whitespace().next().unwrap_or(s).to_owned();
        out.push(SourceEntry {
            citation: citation(&code).to_owned(),
            code,
            files: vec!["governance.csv".into()],
            count: ds.governance.iter().filter(|g| g.source == s).count(),
        });
    }
    out.push(SourceEntry {
        code: "import_reliance.csv".into(),
        citation: "US: USGS MCS 2025 Fig. 2 and salient statistics (net import reliance, % of apparent consumption). India: secondary summaries (PRS Legislative Research; VisionIAS; Economic Times) of the Standing Committee on Coal, Mines and Steel report 'Self-Reliance in Minerals and Metals' (2025) — lower confidence, labelled per row.".into(),
        files: vec!["import_reliance.csv".into()],
        count: ds.import_reliance.len(),
    });
    let lists: Vec<String> = ds
        .critical_lists
        .iter()
        .map(|l| format!("{}: {}", l.id, l.source))
        .collect();
    out.push(SourceEntry {
        code: "critical_lists.csv".into(),
        citation: lists.join(" · "),
        files: vec!["critical_lists.csv".into(), "minerals.csv".into()],
        count: ds.critical_lists.iter().map(|l| l.names.len()).sum(),
    });
    out.push(SourceEntry {
        code: "countries.csv".into(),
        citation: "ISO 3166 names and codes (pycountry 26.2.16 data); UN M49 regions, EU27 and OECD membership (country_converter 1.3.2 data); MSP, Quad, G7, IPEF, US FTA and CMA partners and FEOC-covered nations as documented in SOURCES.md §3.7.".into(),
        files: vec!["countries.csv".into()],
        count: ds.countries.len(),
    });
    out
}

/// Citation and licence of a known source edition.
fn citation(code: &str) -> &'static str {
    match code {
        "USGS-MCS2025" => {
            "U.S. Geological Survey, 2025, Mineral commodity summaries 2025, doi:10.3133/mcs2025; data release doi:10.5066/P13XCP3R (World Production, Capacity, and Reserves). Public domain."
        }
        "IEA-CMD-2025" => {
            "IEA (2025), Critical Minerals Dataset (Critical Minerals Data Explorer), May 2025 edition, base year 2024, IEA, Paris. Licence: CC BY 4.0."
        }
        "WB-WGI-2024" => {
            "Kaufmann & Kraay, Worldwide Governance Indicators, 2024 update (estimates to 2023), World Bank. CC BY 4.0. Risk score 0–10 derived as clamp((2.5 − mean of six) × 2, 0, 10)."
        }
        _ => "User-supplied data (see the file named).",
    }
}
