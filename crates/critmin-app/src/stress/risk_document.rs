//! The Monte Carlo result as both shells print it (`critmin risk --format json`, the result
//! of a `risk` job): per consumer the mean shortfall, VaR95, CVaR95 and exceedance
//! probability, the supplying countries' probabilities and the parameters used.

use critmin_model::CountryCode;
use critmin_network::montecarlo::BINS;
use critmin_network::{ConsumerRisk, Network, RiskParams, RiskResult};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// Supply at risk of one consumer, as both shells print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskRecord {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Consumer.
    pub country: String,
    /// Consumption, tonnes per year.
    pub consumption_t: f64,
    /// Basis of the consumption figure.
    pub consumption_basis: String,
    /// Mean shortfall, tonnes.
    pub mean_shortfall_t: f64,
    /// Mean shortfall, percent of consumption.
    pub mean_shortfall_pct: f64,
    /// VaR95, tonnes.
    pub var95_t: f64,
    /// VaR95, percent.
    pub var95_pct: f64,
    /// CVaR95, tonnes.
    pub cvar95_t: f64,
    /// CVaR95, percent.
    pub cvar95_pct: f64,
    /// Probability that the shortfall exceeds the threshold.
    pub p_exceed: f64,
    /// The threshold (fraction of consumption).
    pub threshold: f64,
    /// The three largest sources of the mean shortfall.
    pub top_sources: String,
    /// Scenarios run.
    pub scenarios: u64,
    /// Seed.
    pub seed: u64,
}

/// One source country's contribution to a consumer's mean shortfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    /// Source country.
    pub country: String,
    /// Tonnes of the mean shortfall.
    pub tonnes: f64,
    /// Share of the mean shortfall.
    pub share_of_mean_shortfall: f64,
}

/// A supplying country's disruption probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRecord {
    /// Country.
    pub country: String,
    /// WGI governance risk used (absent: the default).
    pub governance_risk: Option<f64>,
    /// Whether it restricted exports in a named scenario.
    pub restriction_history: bool,
    /// Yearly cut probability.
    pub p_cut: f64,
    /// Yearly restriction probability.
    pub p_ban: f64,
}

/// The Monte Carlo result: `critmin risk --format json` and the result of a `risk` job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskDocument {
    /// The network's basis (`trade BACI V202601 2024`, `pooled-market estimate`), when the
    /// request chose one ([`RiskDocument::with_basis`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Scenarios run.
    pub scenarios: u64,
    /// Seed.
    pub seed: u64,
    /// Worker threads used (the result does not depend on it).
    pub threads: usize,
    /// Histogram bins behind VaR and CVaR.
    pub histogram_bins: usize,
    /// Their resolution, percent of consumption.
    pub histogram_resolution_pct: f64,
    /// Mean re-sourcing iterations.
    pub mean_iterations: f64,
    /// Largest mass-balance error of any scenario.
    pub max_mass_balance_error: f64,
    /// Scenarios at the iteration cap.
    pub non_converged: u64,
    /// The parameters used.
    pub parameters: RiskParameters,
    /// Supplying countries.
    pub sources: Vec<SourceRecord>,
    /// One row per consumer.
    pub consumers: Vec<RiskRecord>,
    /// The focus country and its contributions.
    pub focus: Option<(String, Vec<Contribution>)>,
    /// Notes on the network's data.
    pub notes: Vec<String>,
}

/// The parameters of a run as the document prints them: the disruption model, then the
/// threshold and the buyers' buffers. A view of [`RiskParams`], the one definition of the
/// parameters; the run's size and seed stand at the top of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskParameters(pub RiskParams);

/// Reads one parameter.
type Parameter = fn(&RiskParams) -> f64;

/// What [`RiskParameters`] prints, in order: name, meaning (for the OpenAPI schema) and value.
/// Serializing and the schema both read this table, so they cannot name different fields.
const PRINTED: [(&str, &str, Parameter); 11] = [
    (
        "p_cut_base",
        "Yearly probability of a capacity cut for every supplier.",
        |p| p.p_cut_base,
    ),
    (
        "p_cut_governance",
        "Added cut probability at the weakest governance (WGI risk 10).",
        |p| p.p_cut_governance,
    ),
    (
        "p_ban_base",
        "Yearly probability of an export restriction for every supplier.",
        |p| p.p_ban_base,
    ),
    (
        "p_ban_governance",
        "Added restriction probability at the weakest governance.",
        |p| p.p_ban_governance,
    ),
    (
        "p_ban_history",
        "Added restriction probability for a country with restriction history.",
        |p| p.p_ban_history,
    ),
    (
        "default_governance_risk",
        "Governance risk (0–10) assumed for a country without WGI data.",
        |p| p.default_governance_risk,
    ),
    ("severity_min", "Smallest random severity.", |p| p.severity_min),
    ("severity_max", "Largest random severity.", |p| p.severity_max),
    (
        "threshold",
        "Shortfall fraction of consumption whose exceedance probability is reported.",
        |p| p.threshold,
    ),
    (
        "stockpile_days",
        "Days of baseline input every buyer holds in stock.",
        |p| p.stockpile_days,
    ),
    (
        "spare_capacity",
        "Headroom of every mine as a fraction of its output.",
        |p| p.spare_capacity,
    ),
];

impl Serialize for RiskParameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("RiskParameters", PRINTED.len())?;
        for (name, _, value) in PRINTED {
            out.serialize_field(name, &value(&self.0))?;
        }
        out.end()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RiskParameters {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let mut object = ObjectBuilder::new().description(Some(
            "The parameters used: the disruption model, the threshold and the buyers' buffers.",
        ));
        for (name, meaning, _) in PRINTED {
            let number = ObjectBuilder::new()
                .schema_type(Type::Number)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
                .description(Some(meaning));
            object = object.property(name, number).required(name);
        }
        object.into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RiskParameters {}

/// The `k` largest sources of a consumer's mean shortfall, `ISO3 NN%`.
pub fn top_sources(c: &ConsumerRisk, k: usize) -> String {
    if c.mean_shortfall <= 0.0 {
        return String::new();
    }
    c.contributions
        .iter()
        .take(k)
        .map(|(s, v)| format!("{s} {:.0}%", 100.0 * v / c.mean_shortfall))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RiskDocument {
    /// The document of a run on `network` with `threads` worker threads.
    pub fn new(result: &RiskResult, network: &Network, focus: Option<CountryCode>, threads: usize) -> RiskDocument {
        let params = &result.params;
        let consumers = result
            .consumers
            .iter()
            .map(|c| RiskRecord {
                mineral: result.mineral.clone(),
                year: result.year,
                country: c.country.to_string(),
                consumption_t: c.consumption,
                consumption_basis: c.basis.as_ref().map_or_else(String::new, ToString::to_string),
                mean_shortfall_t: c.mean_shortfall,
                mean_shortfall_pct: c.mean_shortfall_pct,
                var95_t: c.var95,
                var95_pct: c.var95_pct,
                cvar95_t: c.cvar95,
                cvar95_pct: c.cvar95_pct,
                p_exceed: c.p_exceed,
                threshold: params.threshold,
                top_sources: top_sources(c, 3),
                scenarios: result.scenarios,
                seed: params.seed,
            })
            .collect();
        let focus = focus
            .and_then(|f| result.consumers.iter().find(|c| c.country == f))
            .map(|c| {
                (
                    c.country.to_string(),
                    c.contributions
                        .iter()
                        .map(|(s, v)| Contribution {
                            country: s.to_string(),
                            tonnes: *v,
                            share_of_mean_shortfall: if c.mean_shortfall > 0.0 {
                                v / c.mean_shortfall
                            } else {
                                0.0
                            },
                        })
                        .collect(),
                )
            });
        RiskDocument {
            basis: None,
            mineral: result.mineral.clone(),
            year: result.year,
            scenarios: result.scenarios,
            seed: params.seed,
            threads,
            histogram_bins: BINS,
            histogram_resolution_pct: 100.0 / BINS as f64,
            mean_iterations: result.mean_iterations,
            max_mass_balance_error: result.max_mass_balance_error,
            non_converged: result.non_converged,
            parameters: RiskParameters(params.clone()),
            sources: result
                .sources
                .iter()
                .map(|s| SourceRecord {
                    country: s.country.to_string(),
                    governance_risk: s.governance_risk,
                    restriction_history: s.history,
                    p_cut: s.p_cut,
                    p_ban: s.p_ban,
                })
                .collect(),
            consumers,
            focus,
            notes: network.notes.clone(),
        }
    }

    /// The document naming the basis of its network.
    pub fn with_basis(self, basis: Option<String>) -> RiskDocument {
        RiskDocument { basis, ..self }
    }
}
