//! A country's exposure, mineral by mineral: its published import reliance, and for each
//! supply stage it depends on (mining, processing) the concentration of world supply and the
//! shares from itself, its partners and FEOC-covered nations.

use critmin_model::{ChainStage, CountryCode, Dataset, ImportRelianceRecord, Mineral};

use crate::overview::{SeriesConcentration, series_concentration};
use crate::partner::{PartnerLens, PartnerSet, partner_lens};

/// Metrics of `import_reliance.csv`, most comparable first: a headline figure is taken from
/// the first metric a country has for a mineral.
pub const RELIANCE_METRICS: [&str; 5] = [
    "net_import_reliance_pct",
    "import_reliance_pct",
    "import_dependence_pct",
    "import_dependence_qualitative",
    "self_sufficiency_pct",
];

/// One supply stage of a mineral seen from the buyer.
#[derive(Debug, Clone)]
pub struct StageExposure<'a> {
    /// Mining or processing.
    pub chain_stage: ChainStage,
    /// World supply of the stage: the preferred series (latest year, most granular source).
    pub supply: SeriesConcentration<'a>,
    /// Domestic, partner and FEOC shares of that supply.
    pub lens: PartnerLens,
}

/// A mineral seen from the buyer.
#[derive(Debug, Clone)]
pub struct MineralExposure<'a> {
    /// The mineral.
    pub mineral: &'a Mineral,
    /// The headline published reliance figure (see [`RELIANCE_METRICS`]), if any.
    pub reliance: Option<&'a ImportRelianceRecord>,
    /// Every published reliance record of the country for the mineral: exact-id matches
    /// before aliases, then by [`RELIANCE_METRICS`] order, newest first.
    pub reliance_records: Vec<&'a ImportRelianceRecord>,
    /// Mining and processing stages with data.
    pub stages: Vec<StageExposure<'a>>,
}

/// A country's exposure across minerals.
#[derive(Debug, Clone)]
pub struct CountryExposure<'a> {
    /// The buyer.
    pub country: CountryCode,
    /// Its partner definition.
    pub partners: PartnerSet,
    /// Minerals with supply data or a published reliance figure, by mineral id.
    pub minerals: Vec<MineralExposure<'a>>,
}

/// The exposure of `country` with partners `partners`.
///
/// For each mineral: the headline reliance is the record of the first metric in
/// [`RELIANCE_METRICS`] that the country has, matching the mineral id before its aliases,
/// newest year first. For mining and processing, the supply series is
/// [`Dataset::preferred_series`] (capacity series are skipped, and so are series with no
/// country figure), with
/// [`partner_lens`] applied to its shares.
pub fn country_exposure<'a>(dataset: &'a Dataset, country: CountryCode, partners: &PartnerSet) -> CountryExposure<'a> {
    let minerals = dataset
        .minerals
        .iter()
        .filter_map(|mineral| {
            let mut records: Vec<&ImportRelianceRecord> = dataset.import_reliance_for(country, mineral).collect();
            records.sort_by_key(|r| {
                (
                    r.commodity != mineral.id.as_str(),
                    RELIANCE_METRICS
                        .iter()
                        .position(|m| *m == r.metric)
                        .unwrap_or(RELIANCE_METRICS.len()),
                    std::cmp::Reverse(r.year),
                )
            });
            let stages: Vec<StageExposure<'a>> = [ChainStage::Mining, ChainStage::Processing]
                .into_iter()
                .filter_map(|chain| {
                    let series = dataset.preferred_series(&mineral.id, None, Some(chain), None, None)?;
                    let supply = series_concentration(dataset, series)
                        .ok()
                        .filter(|c| !c.shares.named.is_empty())?;
                    let lens = partner_lens(&supply.shares, country, partners, dataset);
                    Some(StageExposure {
                        chain_stage: chain,
                        supply,
                        lens,
                    })
                })
                .collect();
            if stages.is_empty() && records.is_empty() {
                return None;
            }
            Some(MineralExposure {
                mineral,
                reliance: records.first().copied(),
                reliance_records: records,
                stages,
            })
        })
        .collect();
    CountryExposure {
        country,
        partners: partners.clone(),
        minerals,
    }
}
