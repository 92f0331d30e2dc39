//! From data to a [`PortfolioProblem`]: the buyer's market today (shares of the preferred
//! series), the candidate projects of the mineral and stage with their risked output in the
//! target year, and the notes of what was left out.

use critmin_model::CountryCode;

use super::{Candidate, Cap, Floor, MarketSource, PortfolioProblem, ScenarioShortfalls};

/// What a buyer asks the optimizer, in terms of the dataset and projects.
#[derive(Debug, Clone)]
pub struct BuyerRequest<'a> {
    /// Buyer label (`IND`, `USA+IND`).
    pub buyer: String,
    /// The buyer's member countries.
    pub members: Vec<CountryCode>,
    /// Mineral.
    pub mineral: critmin_model::MineralId,
    /// Stage whose supply is bought (`mine`, `refined`).
    pub stage: critmin_model::StageId,
    /// Target year.
    pub year: u16,
    /// Requirement in tonnes.
    pub requirement_t: f64,
    /// Budget (USD).
    pub budget_usd: f64,
    /// Caps.
    pub caps: Vec<Cap>,
    /// Floors.
    pub floors: Vec<Floor>,
    /// USD per tonne of shortfall.
    pub value_of_shortfall_usd_per_t: f64,
    /// Annual disruption probability of a supplier with the weakest governance (risk score 10);
    /// a country's risk is this × its governance risk score / 10.
    pub disruption_scale: f64,
    /// Candidate projects (other minerals and stages are ignored).
    pub projects: &'a [crate::projects::Project],
    /// Monte Carlo scenario shortfalls, when available.
    pub scenarios: Option<ScenarioShortfalls>,
}

/// Conventions used to turn data into a portfolio problem, for display with every result.
pub const PROBLEM_ASSUMPTIONS: [&str; 5] = [
    "market: the buyer sources like the world market today (pooled-market estimate): the requirement × each country's share of the latest supply series",
    "risk of a supplier country = disruption scale × WGI-derived governance risk (0-10) / 10; a country without a score gets the full scale; the residual (ROW) gets half",
    "candidates: projects of the mineral and stage with a published capacity; deliverable = capacity × probability × ramp-up × uncommitted share in the target year",
    "backing pays the project's full capex; an offtake pays its premium per tonne; output already committed to other buyers is not available (committed to the buyer's members, it is)",
    "caps and floors are shares of the requirement",
];

/// Why the data cannot make a problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// No supply series.
    #[error("no supply series for mineral `{mineral}` at stage `{stage}`")]
    NoSupply {
        /// Mineral.
        mineral: String,
        /// Stage.
        stage: String,
    },
    /// The series cannot give shares.
    #[error("supply shares: {0}")]
    Shares(String),
    /// The tonnage unit is unknown.
    #[error("the supply series is in `{0}`, not a tonnage; projects in tonnes cannot be compared")]
    Unit(String),
}

/// Builds the [`PortfolioProblem`] of a buyer from the dataset and projects, with the notes of
/// what was left out (projects without capacity or outside the year).
pub fn problem_from_data(
    dataset: &critmin_model::Dataset,
    request: &BuyerRequest<'_>,
) -> Result<(PortfolioProblem, Vec<String>), BuildError> {
    let series = dataset
        .preferred_series(&request.mineral, Some(&request.stage), None, None, None)
        .ok_or_else(|| BuildError::NoSupply {
            mineral: request.mineral.to_string(),
            stage: request.stage.to_string(),
        })?;
    if crate::outlook::tonnes_to_unit(&series.unit).is_none() {
        return Err(BuildError::Unit(series.unit.clone()));
    }
    let shares = critmin_metrics::SupplyShares::from_series(series).map_err(|e| BuildError::Shares(e.to_string()))?;
    let scale = request.disruption_scale;
    let risk_of = |country: CountryCode| {
        if country == CountryCode::REST_OF_WORLD {
            return scale * 0.5;
        }
        dataset
            .governance_risk(country, request.year)
            .map_or(scale, |(_, score)| scale * (score / 10.0).clamp(0.0, 1.0))
    };
    let d = request.requirement_t;
    let mut market: Vec<MarketSource> = shares
        .named
        .iter()
        .filter(|s| s.share > 0.0)
        .map(|s| MarketSource {
            country: s.country,
            available_t: d * s.share,
            risk: risk_of(s.country),
        })
        .collect();
    if shares.remainder > 0.0 {
        market.push(MarketSource {
            country: CountryCode::REST_OF_WORLD,
            available_t: d * shares.remainder,
            risk: risk_of(CountryCode::REST_OF_WORLD),
        });
    }
    let mut notes = vec![format!(
        "market shares from {} {} {} ({})",
        series.key.mineral, series.key.stage, series.key.year, series.key.source
    )];
    let mut candidates = Vec::new();
    for p in request
        .projects
        .iter()
        .filter(|p| p.mineral == request.mineral && p.stage == request.stage)
    {
        let Some(output) = p.risked_output(request.year) else {
            notes.push(format!("{}: capacity not published, not a candidate", p.id));
            continue;
        };
        // Output already committed to the buyer's own members stays available to it.
        let committed_to_others =
            p.committed_share(request.year) - p.committed_share_to(request.year, &request.members);
        let deliverable = output * (1.0 - committed_to_others.max(0.0));
        if deliverable <= 0.0 {
            notes.push(format!("{}: no uncommitted output in {}", p.id, request.year));
            continue;
        }
        if p.capex_usd.is_none() && p.offtake_premium_usd_per_t.is_none() {
            notes.push(format!(
                "{}: neither capex nor offtake premium published, not a candidate",
                p.id
            ));
            continue;
        }
        candidates.push(Candidate {
            id: p.id.clone(),
            country: p.country,
            deliverable_t: deliverable,
            capex_usd: p.capex_usd,
            offtake_premium_usd_per_t: p.offtake_premium_usd_per_t,
            risk: risk_of(p.country),
        });
    }
    Ok((
        PortfolioProblem {
            buyer: request.buyer.clone(),
            requirement_t: d,
            market,
            candidates,
            budget_usd: request.budget_usd,
            caps: request.caps.clone(),
            floors: request.floors.clone(),
            value_of_shortfall_usd_per_t: request.value_of_shortfall_usd_per_t,
            scenarios: request.scenarios.clone(),
        },
        notes,
    ))
}
