//! Concentration of every series at once: what `critmin concentration`, the report's heat
//! table and the exposure view are built on.

use critmin_model::{ChainStage, Dataset, MineralId, Series, SeriesKey, StageId};

use crate::concentration::Concentration;
use crate::partner::feoc_share;
use crate::shares::{SharesError, SupplyShares};

/// Shares and concentration of one series, with its place in the value chain.
#[derive(Debug, Clone)]
pub struct SeriesConcentration<'a> {
    /// The series.
    pub series: &'a Series,
    /// Its shares (basis, remainder, notes).
    pub shares: SupplyShares,
    /// HHI bounds, top-k, effective number of suppliers.
    pub concentration: Concentration,
    /// Share of FEOC-covered nations among named suppliers (see [`feoc_share`]).
    pub feoc_share: f64,
    /// Where the stage sits in the chain (`None` for a stage missing from `stages.csv`,
    /// which the loaders do not allow).
    pub chain_stage: Option<ChainStage>,
    /// `true` when the series measures capacity, not output.
    pub capacity: bool,
}

/// Shares, concentration and FEOC share of one series.
///
/// Formulas: [`SupplyShares::from_series`], [`Concentration::new`], [`feoc_share`].
pub fn series_concentration<'a>(dataset: &Dataset, series: &'a Series) -> Result<SeriesConcentration<'a>, SharesError> {
    let shares = SupplyShares::from_series(series)?;
    let concentration = shares.concentration();
    let stage = dataset.stage(&series.key.stage);
    Ok(SeriesConcentration {
        series,
        feoc_share: feoc_share(&shares, dataset),
        concentration,
        shares,
        chain_stage: stage.map(|s| s.chain_stage),
        capacity: stage.is_some_and(|s| s.capacity),
    })
}

/// Filters for [`concentration_overview`]; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct SeriesFilter {
    /// Mineral id.
    pub mineral: Option<MineralId>,
    /// Stage id.
    pub stage: Option<StageId>,
    /// Year.
    pub year: Option<u16>,
    /// Source code (case-insensitive).
    pub source: Option<String>,
}

/// Why a series has no concentration figures.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotComputable {
    /// Its shares cannot be computed (e.g. USGS germanium: every value withheld).
    #[error(transparent)]
    Shares(#[from] SharesError),
    /// The source gives only a world total (and perhaps a residual), no country figure, so
    /// there is no supplier to measure (e.g. USGS titanium ilmenite plus rutile).
    #[error("the source gives no country figure, only totals")]
    NoCountryFigures,
}

/// Concentration of every series matching `filter`, in series-key order. Series that have no
/// concentration (see [`NotComputable`]) come back in the second list with the reason, never
/// as zeros.
pub fn concentration_overview<'a>(
    dataset: &'a Dataset,
    filter: &SeriesFilter,
) -> (Vec<SeriesConcentration<'a>>, Vec<(SeriesKey, NotComputable)>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for series in dataset.find_series(
        filter.mineral.as_ref(),
        filter.stage.as_ref(),
        filter.year,
        filter.source.as_deref(),
    ) {
        match series_concentration(dataset, series) {
            Ok(c) if c.shares.named.is_empty() => failed.push((series.key.clone(), NotComputable::NoCountryFigures)),
            Ok(c) => ok.push(c),
            Err(e) => failed.push((series.key.clone(), e.into())),
        }
    }
    (ok, failed)
}
