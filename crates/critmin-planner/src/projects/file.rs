//! The project file: CSV import ([`parse_projects`], with the cell formats of owners, partners
//! and offtakes), export ([`projects_to_csv`]) and the shipped illustrative projects.

use std::collections::BTreeMap;

use critmin_data::{CsvTable, LoadError, cells};
use critmin_model::{CountryCode, Dataset, StageId};

use super::{Offtake, Project, ProjectStatus, StatusDefaults};

/// The columns of a project CSV file, in order.
pub const PROJECT_COLUMNS: [&str; 20] = [
    "id",
    "name",
    "mineral",
    "stage",
    "country",
    "operator",
    "owner_countries",
    "partner_countries",
    "status",
    "capacity_t",
    "start_year",
    "ramp_up_years",
    "capex_usd",
    "unit_cost_usd_per_t",
    "offtake_premium_usd_per_t",
    "offtakes",
    "probability",
    "lead_time_years",
    "as_of_year",
    "source",
];

/// Reads a project CSV file (columns [`PROJECT_COLUMNS`]), checking minerals and countries
/// against `dataset` and filling probabilities and start years from `defaults`.
///
/// Cell formats: `owner_countries` is `ISO3[:share]` separated by `;` (shares in [0, 1]
/// summing to at most 1; without shares the owners split equally); `partner_countries` is
/// `ISO3;ISO3`; `offtakes` is `ISO3:share:FROM-TO` separated by `;`; empty `probability` and
/// `lead_time_years` take the status default; an empty `start_year` is `as_of_year` + lead
/// time; an empty `capacity_t` means "not published" (never zero).
pub fn parse_projects(
    file: &str,
    text: &str,
    dataset: &Dataset,
    defaults: &StatusDefaults,
) -> Result<Vec<Project>, LoadError> {
    let mut problems = Vec::new();
    let table = CsvTable::parse(file, text, &mut problems);
    let mut projects: Vec<Project> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(columns) = table.columns(&PROJECT_COLUMNS, &mut problems) {
        table.each_row(&columns, &mut problems, |row| {
            let before = row.problem_count();
            let id = row.cell(0).to_owned();
            if id.is_empty() {
                row.problem(0, "a non-empty project id");
            } else if let Some(first) = seen.insert(id.clone(), row.line) {
                row.problem(0, format!("a unique id (already used on line {first})"));
            }
            let mineral = row.parse(2, |c| {
                dataset
                    .mineral(c)
                    .map(|m| m.id.clone())
                    .ok_or_else(|| "a mineral id or alias from minerals.csv".to_owned())
            });
            let stage = row.parse(3, |c| {
                if !c.is_empty()
                    && c.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                {
                    Ok(StageId(c.to_owned()))
                } else {
                    Err("a lower-case stage id such as mine, refined or recycling".to_owned())
                }
            });
            let country = row.parse(4, |c| known_country(dataset, c));
            let owners = row.parse(6, |c| owner_list(dataset, c));
            let partners = row.parse(7, |c| {
                split_list(c)
                    .map(|code| known_country(dataset, code))
                    .collect::<Result<Vec<_>, _>>()
            });
            let status = row.parse(8, |c| c.parse::<ProjectStatus>());
            let capacity_t = row.parse(9, cells::optional_non_negative);
            let start_year = row.parse(10, cells::optional_year);
            let ramp_up_years = row.parse(11, |c| {
                if c.is_empty() {
                    Ok(0)
                } else {
                    c.parse::<u16>()
                        .ok()
                        .filter(|&y| y <= 50)
                        .ok_or_else(|| "a whole number of years from 0 to 50, or empty for 0".to_owned())
                }
            });
            let capex_usd = row.parse(12, cells::optional_non_negative);
            let unit_cost = row.parse(13, cells::optional_non_negative);
            let premium = row.parse(14, cells::optional_non_negative);
            let offtakes = row.parse(15, |c| offtake_list(dataset, c));
            let probability = row.parse(16, cells::optional_share);
            let lead_time = row.parse(17, |c| {
                if c.is_empty() {
                    Ok(None)
                } else {
                    c.parse::<u16>().ok().filter(|&y| y <= 50).map(Some).ok_or_else(|| {
                        "a whole number of years from 0 to 50, or empty for the status default".to_owned()
                    })
                }
            });
            let as_of = row.parse(18, cells::optional_year);
            if row.problem_count() > before {
                return;
            }
            let (
                Some(mineral),
                Some(stage),
                Some(country),
                Some(owners),
                Some(partners),
                Some(status),
                Some(capacity_t),
                Some(start_year),
                Some(ramp_up_years),
                Some(capex_usd),
                Some(unit_cost),
                Some(premium),
                Some(offtakes),
                Some(probability),
                Some(lead_time),
                Some(as_of),
            ) = (
                mineral,
                stage,
                country,
                owners,
                partners,
                status,
                capacity_t,
                start_year,
                ramp_up_years,
                capex_usd,
                unit_cost,
                premium,
                offtakes,
                probability,
                lead_time,
                as_of,
            )
            else {
                return;
            };
            let Some(default) = defaults.get(status) else {
                row.problem(8, "a status present in the defaults table");
                return;
            };
            let start_year = match (start_year, as_of) {
                (Some(y), _) => y,
                (None, Some(now)) => now.saturating_add(lead_time.unwrap_or(default.lead_time_years)),
                (None, None) => {
                    row.problem(10, "a start year, or an `as_of_year` from which to count the lead time");
                    return;
                }
            };
            let committed: f64 = offtakes.iter().map(|o: &Offtake| o.share).sum();
            if committed > 1.0 + 1e-9 {
                row.problem(
                    15,
                    format!("offtake shares summing to at most 1 (they sum to {committed})"),
                );
                return;
            }
            projects.push(Project {
                id,
                name: row.cell(1).to_owned(),
                mineral,
                stage,
                country,
                operator: row.cell(5).to_owned(),
                owners,
                partners,
                status,
                capacity_t,
                start_year,
                ramp_up_years,
                capex_usd,
                unit_cost_usd_per_t: unit_cost,
                offtake_premium_usd_per_t: premium,
                offtakes,
                probability: probability.unwrap_or(default.probability),
                probability_is_default: probability.is_none(),
                source: row.cell(19).to_owned(),
            });
        });
    }
    if problems.is_empty() {
        Ok(projects)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn known_country(dataset: &Dataset, code: &str) -> Result<CountryCode, String> {
    let parsed: CountryCode = code
        .parse()
        .map_err(|_| "an ISO 3166-1 alpha-3 country code such as IND or USA".to_owned())?;
    if parsed.is_pseudo() || dataset.country(parsed).is_none() {
        return Err("an ISO 3166-1 alpha-3 code listed in countries.csv (not WLD or ROW)".to_owned());
    }
    Ok(parsed)
}

fn owner_list(dataset: &Dataset, cell: &str) -> Result<Vec<(CountryCode, f64)>, String> {
    let expected = "owners as ISO3[:share] separated by `;` (e.g. IND:0.51;AUS:0.49), shares summing to at most 1";
    let mut owners = Vec::new();
    let mut unshared = Vec::new();
    for item in split_list(cell) {
        let (code, share) = match item.split_once(':') {
            Some((code, share)) => {
                let share: f64 = share.trim().parse().map_err(|_| expected.to_owned())?;
                if !(0.0..=1.0).contains(&share) {
                    return Err(expected.to_owned());
                }
                (code.trim(), Some(share))
            }
            None => (item, None),
        };
        let code = known_country(dataset, code)?;
        match share {
            Some(s) => owners.push((code, s)),
            None => unshared.push(code),
        }
    }
    if !owners.is_empty() && !unshared.is_empty() {
        return Err(format!("{expected}; give every owner a share or none"));
    }
    if !unshared.is_empty() {
        let share = 1.0 / unshared.len() as f64;
        owners = unshared.into_iter().map(|c| (c, share)).collect();
    }
    if owners.iter().map(|(_, s)| s).sum::<f64>() > 1.0 + 1e-9 {
        return Err(expected.to_owned());
    }
    Ok(owners)
}

fn offtake_list(dataset: &Dataset, cell: &str) -> Result<Vec<Offtake>, String> {
    let expected = "offtakes as ISO3:share:FROM-TO separated by `;` (e.g. USA:0.3:2027-2035)";
    split_list(cell)
        .map(|item| {
            let parts: Vec<&str> = item.split(':').map(str::trim).collect();
            let [code, share, years] = parts.as_slice() else {
                return Err(expected.to_owned());
            };
            let buyer = known_country(dataset, code)?;
            let share: f64 = share.parse().map_err(|_| expected.to_owned())?;
            let (from, to) = years.split_once('-').ok_or_else(|| expected.to_owned())?;
            let from_year: u16 = from.trim().parse().map_err(|_| expected.to_owned())?;
            let to_year: u16 = to.trim().parse().map_err(|_| expected.to_owned())?;
            if !(0.0..=1.0).contains(&share) || from_year > to_year {
                return Err(expected.to_owned());
            }
            Ok(Offtake {
                buyer,
                share,
                from_year,
                to_year,
            })
        })
        .collect()
}

/// Renders projects back to the CSV shape of [`parse_projects`] (for `projects import` to
/// store a validated copy).
pub fn projects_to_csv(projects: &[Project], as_of_year: u16) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fmt_opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    // Writing to a Vec cannot fail; errors are ignored deliberately.
    let _ = writer.write_record(PROJECT_COLUMNS);
    for p in projects {
        let owners = p
            .owners
            .iter()
            .map(|(c, s)| format!("{c}:{s}"))
            .collect::<Vec<_>>()
            .join(";");
        let partners = p.partners.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(";");
        let offtakes = p
            .offtakes
            .iter()
            .map(|o| format!("{}:{}:{}-{}", o.buyer, o.share, o.from_year, o.to_year))
            .collect::<Vec<_>>()
            .join(";");
        let probability = if p.probability_is_default {
            String::new()
        } else {
            p.probability.to_string()
        };
        let _ = writer.write_record([
            p.id.as_str(),
            p.name.as_str(),
            p.mineral.as_str(),
            p.stage.as_str(),
            p.country.as_str(),
            p.operator.as_str(),
            owners.as_str(),
            partners.as_str(),
            p.status.id(),
            fmt_opt(p.capacity_t).as_str(),
            p.start_year.to_string().as_str(),
            p.ramp_up_years.to_string().as_str(),
            fmt_opt(p.capex_usd).as_str(),
            fmt_opt(p.unit_cost_usd_per_t).as_str(),
            fmt_opt(p.offtake_premium_usd_per_t).as_str(),
            offtakes.as_str(),
            probability.as_str(),
            "",
            as_of_year.to_string().as_str(),
            p.source.as_str(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Name of the embedded illustrative project file.
pub const EXAMPLE_PROJECTS_FILE: &str = "planner_example_projects.csv";
/// Illustrative projects (invented figures, labelled as such in every row) that demonstrate
/// the outlook and the optimizer; they are never mixed into results unless asked for.
pub const EXAMPLE_PROJECTS_TEXT: &str = critmin_data::tables::PLANNER_EXAMPLE_PROJECTS.text;

/// The illustrative projects, validated like a user file.
pub fn example_projects(dataset: &Dataset) -> Result<Vec<Project>, LoadError> {
    parse_projects(
        EXAMPLE_PROJECTS_FILE,
        EXAMPLE_PROJECTS_TEXT,
        dataset,
        &StatusDefaults::embedded(),
    )
}
