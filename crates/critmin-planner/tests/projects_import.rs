//! Project import validation: bad files are rejected with file, line, column, value and what
//! was expected, and nothing is returned.

use critmin_planner::projects::{PROJECT_COLUMNS, ProjectStatus, StatusDefaults, example_projects, parse_projects};

fn header() -> String {
    PROJECT_COLUMNS.join(",")
}

fn load(rows: &[&str]) -> Result<Vec<critmin_planner::projects::Project>, Vec<String>> {
    let dataset = critmin_data::load_embedded().unwrap();
    let text = std::iter::once(header())
        .chain(rows.iter().map(|r| (*r).to_owned()))
        .collect::<Vec<_>>()
        .join("\n");
    parse_projects("mine.csv", &text, &dataset, &StatusDefaults::embedded())
        .map_err(|e| e.problems().iter().map(ToString::to_string).collect())
}

const GOOD: &str = "P1,Good mine,lithium,mine,AUS,Op,AUS:0.6;IND:0.4,IND,feasibility,12000,,2,5e8,9000,2000,USA:0.25:2030-2040,,,2025,test";

#[test]
fn a_valid_row_takes_the_status_defaults() {
    let projects = load(&[GOOD]).unwrap();
    let p = &projects[0];
    assert_eq!(p.status, ProjectStatus::Feasibility);
    // Status default: probability 0.5, lead time 6 years from 2025.
    assert!((p.probability - 0.5).abs() < 1e-12 && p.probability_is_default);
    assert_eq!(p.start_year, 2031);
    assert_eq!(p.owners.len(), 2);
    assert_eq!(p.offtakes[0].to_year, 2040);
}

#[test]
fn every_bad_cell_is_reported_with_its_line() {
    let problems = load(&[
        GOOD,
        "P2,Bad,unobtainium,mine,AUS,Op,AUS,,feasibility,100,2030,0,,,,,,,,x",
        "P3,Bad,lithium,mine,XXX,Op,AUS,,maybe,-5,2030,0,,,,,,,,x",
        "P1,Dup,lithium,mine,AUS,Op,AUS:0.7;IND:0.7,,operating,100,2030,0,,,,USA:0.5,1.5,,,x",
        "P5,No start,lithium,mine,AUS,Op,AUS,,operating,100,,0,,,,,,,,x",
    ])
    .unwrap_err();
    let expected = [
        "mine.csv:3: column `mineral`: value `unobtainium`: a mineral id or alias from minerals.csv",
        "mine.csv:4: column `country`: value `XXX`: an ISO 3166-1 alpha-3 code listed in countries.csv (not WLD or ROW)",
        "mine.csv:4: column `status`: value `maybe`: one of exploration_block, auctioned, feasibility, under_construction, operating",
        "mine.csv:4: column `capacity_t`: value `-5`: a non-negative decimal number such as 1234 or 12.5 (no separators, units or words)",
        "mine.csv:5: column `id`: value `P1`: a unique id (already used on line 2)",
        "mine.csv:5: column `owner_countries`: value `AUS:0.7;IND:0.7`: owners as ISO3[:share] separated by `;` (e.g. IND:0.51;AUS:0.49), shares summing to at most 1",
        "mine.csv:5: column `offtakes`: value `USA:0.5`: offtakes as ISO3:share:FROM-TO separated by `;` (e.g. USA:0.3:2027-2035)",
        "mine.csv:5: column `probability`: value `1.5`: a share between 0 and 1 (e.g. 0.35), or empty",
        "mine.csv:6: column `start_year`: value ``: a start year, or an `as_of_year` from which to count the lead time",
    ];
    assert_eq!(problems, expected);
}

#[test]
fn missing_columns_and_ragged_rows_are_reported() {
    let dataset = critmin_data::load_embedded().unwrap();
    let err = parse_projects("p.csv", "id,name\nP1,x\n", &dataset, &StatusDefaults::embedded()).unwrap_err();
    assert!(
        err.problems()[0]
            .to_string()
            .starts_with("p.csv:1: column `mineral`: a column named `mineral`")
    );
    let text = format!("{}\n{GOOD},extra\n", header());
    let err = parse_projects("p.csv", &text, &dataset, &StatusDefaults::embedded()).unwrap_err();
    assert_eq!(
        err.problems()[0].to_string(),
        "p.csv:2: 20 fields as in the header, found 21"
    );
}

#[test]
fn the_illustrative_examples_load_and_say_they_are_illustrative() {
    let dataset = critmin_data::load_embedded().unwrap();
    let projects = example_projects(&dataset).unwrap();
    assert_eq!(projects.len(), 8);
    assert!(projects.iter().all(|p| p.source.starts_with("ILLUSTRATIVE")));
    assert!(projects.iter().any(|p| p.capacity_t.is_none()));
}
