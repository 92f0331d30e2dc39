//! What an outlook is asked for: mineral, stage, demand scenario, years and partners, turned
//! into the planner's [`Outlook`] with every error naming its field.

use critmin_model::Dataset;
use critmin_planner::demand::{DemandScenario, iea_demand};
use critmin_planner::outlook::{Outlook, OutlookError, OutlookRequest, outlook};
use critmin_planner::projects::Project;
use serde::{Deserialize, Serialize};

use super::error::ComposeError;
use super::{default_stage, resolve_stage};
use crate::field::{parse_partners, resolve_mineral};

/// Most years an outlook may span.
pub const MAX_OUTLOOK_YEARS: u16 = 100;

fn default_from() -> u16 {
    2025
}
fn default_to() -> u16 {
    2040
}
fn default_partners() -> String {
    "msp".into()
}

/// What an outlook is asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlookSpec {
    /// Mineral (id or alias).
    pub mineral: String,
    /// Stage whose supply is projected.
    #[serde(default = "default_stage")]
    pub stage: String,
    /// Only this demand scenario (STEPS, APS, NZE or a user scenario name); all when absent.
    #[serde(default)]
    pub scenario: Option<String>,
    /// First year.
    #[serde(default = "default_from")]
    pub from: u16,
    /// Last year (inclusive; at most 100 years after `from`).
    #[serde(default = "default_to")]
    pub to: u16,
    /// Partner group(s) for the partner share.
    #[serde(default = "default_partners")]
    pub partners: String,
}

impl OutlookSpec {
    /// A spec with the CLI's defaults.
    pub fn new(mineral: impl Into<String>) -> OutlookSpec {
        OutlookSpec {
            mineral: mineral.into(),
            stage: default_stage(),
            scenario: None,
            from: default_from(),
            to: default_to(),
            partners: default_partners(),
        }
    }

    /// The outlook on `projects`, against the IEA scenarios plus `user_demand`.
    pub fn run(
        &self,
        ds: &Dataset,
        projects: &[Project],
        user_demand: Vec<DemandScenario>,
    ) -> Result<Outlook, ComposeError> {
        let mineral = resolve_mineral(ds, "mineral", &self.mineral)?;
        let stage = resolve_stage("stage", &self.stage)?;
        if self.from > self.to {
            return Err(ComposeError::invalid(
                "to",
                format!("{}: expected a year at or after `from` ({})", self.to, self.from),
            ));
        }
        if self.to - self.from >= MAX_OUTLOOK_YEARS {
            return Err(ComposeError::invalid(
                "to",
                format!("{}–{}: at most {MAX_OUTLOOK_YEARS} years", self.from, self.to),
            ));
        }
        let partners = parse_partners(ds, "partners", &self.partners)?;
        let mut demand = iea_demand().map_err(|e| ComposeError::Data(e.to_string()))?;
        demand.extend(user_demand);
        if let Some(name) = &self.scenario {
            demand.retain(|d| d.scenario.eq_ignore_ascii_case(name.trim()));
            if !demand.iter().any(|d| d.mineral == mineral) {
                return Err(ComposeError::invalid(
                    "scenario",
                    format!("no demand scenario `{name}` for {mineral}; the IEA scenarios are STEPS, APS and NZE"),
                ));
            }
        }
        let request = OutlookRequest {
            mineral,
            stage,
            from_year: self.from,
            to_year: self.to,
            projects,
            secondary: None,
            demand: &demand,
            partners,
        };
        outlook(ds, &request).map_err(|e| match e {
            OutlookError::NoSupply { .. } => ComposeError::invalid("stage", e.to_string()),
            OutlookError::Years { .. } => ComposeError::invalid("to", e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlook_spec_checks_years_and_scenario() {
        let ds = critmin_data::load_embedded().unwrap();
        let mut s = OutlookSpec::new("lithium");
        let o = s.run(&ds, &[], Vec::new()).unwrap();
        assert_eq!(o.years.len(), 16);
        s.scenario = Some("XYZ".into());
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("scenario"));
        s.scenario = None;
        s.to = 2200;
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("to"));
        s.to = 2030;
        s.mineral = "unobtainium".into();
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("mineral"));
    }
}
