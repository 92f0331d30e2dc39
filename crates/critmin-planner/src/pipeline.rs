//! India's critical-mineral pipeline as published (`data/india_pipeline.csv`): auction tranches
//! and results, exploration licences, overseas ventures (KABIL), and the National Critical
//! Mineral Mission's budget and targets.
//!
//! The file records what was announced, mostly counts of blocks, auction premiums, hectares and
//! money. It gives no production capacity for any block or venture, so [`PipelineEntry::capacity`]
//! is always [`Capacity::NotPublished`]: critmin never invents a tonnage for them, and the
//! outlook lists them as pipeline without adding supply.

use critmin_data::{CsvTable, LoadError, PIPELINE_COLUMNS, cells};

use crate::projects::ProjectStatus;

/// Name of the embedded pipeline file.
pub const PIPELINE_FILE: &str = "india_pipeline.csv";
const PIPELINE_TEXT: &str = critmin_data::tables::INDIA_PIPELINE.text;

/// What kind of pipeline record a row is (the file's `category` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineCategory {
    /// Blocks offered in an auction tranche.
    AuctionTranche,
    /// Blocks awarded (or a named block's result).
    AuctionResult,
    /// Cumulative auction status.
    AuctionStatus,
    /// An exploration-licence tranche.
    ExplorationLicence,
    /// A known domestic resource.
    DomesticResource,
    /// Domestic exploration activity.
    DomesticActivity,
    /// An overseas venture (KABIL).
    OverseasVenture,
    /// Membership of a partnership.
    Partnership,
    /// A funded mission component.
    Mission,
    /// A mission target.
    MissionTarget,
}

impl PipelineCategory {
    fn parse(cell: &str) -> Result<PipelineCategory, String> {
        Ok(match cell {
            "auction_tranche" => PipelineCategory::AuctionTranche,
            "auction_result" => PipelineCategory::AuctionResult,
            "auction_status" => PipelineCategory::AuctionStatus,
            "exploration_licence" => PipelineCategory::ExplorationLicence,
            "domestic_resource" => PipelineCategory::DomesticResource,
            "domestic_activity" => PipelineCategory::DomesticActivity,
            "overseas_venture" => PipelineCategory::OverseasVenture,
            "partnership" => PipelineCategory::Partnership,
            "mission" => PipelineCategory::Mission,
            "mission_target" => PipelineCategory::MissionTarget,
            _ => {
                return Err(
                    "one of auction_tranche, auction_result, auction_status, exploration_licence, \
                            domestic_resource, domestic_activity, overseas_venture, partnership, mission, \
                            mission_target"
                        .to_owned(),
                );
            }
        })
    }

    /// The file's identifier.
    pub fn id(self) -> &'static str {
        match self {
            PipelineCategory::AuctionTranche => "auction_tranche",
            PipelineCategory::AuctionResult => "auction_result",
            PipelineCategory::AuctionStatus => "auction_status",
            PipelineCategory::ExplorationLicence => "exploration_licence",
            PipelineCategory::DomesticResource => "domestic_resource",
            PipelineCategory::DomesticActivity => "domestic_activity",
            PipelineCategory::OverseasVenture => "overseas_venture",
            PipelineCategory::Partnership => "partnership",
            PipelineCategory::Mission => "mission",
            PipelineCategory::MissionTarget => "mission_target",
        }
    }
}

/// Production capacity of a pipeline entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Capacity {
    /// The source gives no capacity; none is assumed.
    NotPublished,
}

impl Capacity {
    /// Text for tables.
    pub fn label(self) -> &'static str {
        match self {
            Capacity::NotPublished => "capacity not published",
        }
    }
}

/// One row of the pipeline file.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineEntry {
    /// Row id (`IN-001`, …).
    pub id: String,
    /// Category.
    pub category: PipelineCategory,
    /// What it is.
    pub item: String,
    /// Minerals as the source names them (free text; may be empty).
    pub minerals: String,
    /// Location as published.
    pub location: String,
    /// Counterparty (ministry, bidder, partner).
    pub counterparty: String,
    /// Date as published (`2024-06-24`, `2024-11`, `2024-25`).
    pub date: String,
    /// Status as published.
    pub status: String,
    /// The published quantity, with its unit (blocks, percent premium, crore INR, …).
    pub quantity: Option<f64>,
    /// Unit of `quantity`.
    pub unit: String,
    /// Sources.
    pub source: String,
    /// Note.
    pub note: String,
    /// Production capacity: never published in this file.
    pub capacity: Capacity,
    /// The project status a block or venture corresponds to, when it is one.
    pub project_status: Option<ProjectStatus>,
    /// File line.
    pub line: u64,
}

/// India's pipeline as shipped.
pub fn india_pipeline() -> Result<Vec<PipelineEntry>, LoadError> {
    parse_pipeline(PIPELINE_FILE, PIPELINE_TEXT)
}

/// Reads a file shaped like `india_pipeline.csv`.
pub fn parse_pipeline(file: &str, text: &str) -> Result<Vec<PipelineEntry>, LoadError> {
    let mut problems = Vec::new();
    let table = CsvTable::parse(file, text, &mut problems);
    let mut entries = Vec::new();
    if let Some(columns) = table.columns(&PIPELINE_COLUMNS, &mut problems) {
        table.each_row(&columns, &mut problems, |row| {
            let category = row.parse(1, PipelineCategory::parse);
            let quantity = row.parse(8, cells::optional_non_negative);
            if row.cell(0).is_empty() {
                row.problem(0, "a non-empty id");
            }
            let (Some(category), Some(quantity)) = (category, quantity) else {
                return;
            };
            let status = row.cell(7).to_owned();
            let project_status = match category {
                PipelineCategory::AuctionResult if !status.contains("annulled") => Some(ProjectStatus::Auctioned),
                PipelineCategory::ExplorationLicence | PipelineCategory::DomesticResource => {
                    Some(ProjectStatus::ExplorationBlock)
                }
                PipelineCategory::OverseasVenture => Some(ProjectStatus::ExplorationBlock),
                _ => None,
            };
            entries.push(PipelineEntry {
                id: row.cell(0).to_owned(),
                category,
                item: row.cell(2).to_owned(),
                minerals: row.cell(3).to_owned(),
                location: row.cell(4).to_owned(),
                counterparty: row.cell(5).to_owned(),
                date: row.cell(6).to_owned(),
                status,
                quantity,
                unit: row.cell(9).to_owned(),
                source: row.cell(10).to_owned(),
                note: row.cell(11).to_owned(),
                capacity: Capacity::NotPublished,
                project_status,
                line: row.line,
            });
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_pipeline_reads_and_invents_no_capacity() {
        let entries = india_pipeline().unwrap();
        assert_eq!(entries.len(), 43);
        assert!(entries.iter().all(|e| e.capacity == Capacity::NotPublished));
        let katghora = entries.iter().find(|e| e.id == "IN-003").unwrap();
        assert_eq!(katghora.project_status, Some(ProjectStatus::Auctioned));
        assert_eq!(katghora.quantity, Some(76.05));
        assert_eq!(katghora.unit, "percent auction premium");
        let annulled = entries.iter().find(|e| e.id == "IN-017").unwrap();
        assert_eq!(annulled.project_status, None);
    }
}
