//! `critmin projects list|import`: India's published pipeline and the user's projects.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use critmin_app::projects::ProjectRecord;
use critmin_data::{LoadError, read_text};
use critmin_model::Dataset;
use critmin_planner::pipeline::india_pipeline;
use critmin_planner::projects::{Project, StatusDefaults, example_projects, parse_projects, projects_to_csv};

use crate::output::{Format, Table, emit, quantity};

#[derive(Debug, Subcommand)]
pub(crate) enum ProjectsCommand {
    /// List India's published pipeline (auctions, overseas ventures, mission targets) and the
    /// projects of the given files.
    List(ListArgs),
    /// Validate project CSV files and copy them into the data directory's `projects/` folder
    /// only when every row is valid (exit status 1 and every problem listed otherwise).
    Import {
        /// Project CSV files (columns: see `critmin_planner::projects::PROJECT_COLUMNS`, or
        /// the README).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Data directory to import into (its `projects/` folder is created if missing).
        /// Default: the --data directory (or CRITMIN_DATA) when given, else ./critmin-data.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
    },
}

/// Where projects come from, shared by `projects list` and `plan`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ProjectSources {
    /// Project CSV file(s) to use (repeatable); the `projects/` folder of --data is always read.
    #[arg(long = "projects", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Add the shipped illustrative projects (invented figures that demonstrate the planner).
    #[arg(long)]
    examples: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    sources: ProjectSources,
    /// Only this mineral (id or alias; pipeline rows match on their free-text minerals).
    #[arg(long)]
    mineral: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Reads the projects of `sources` plus `<data>/projects/*.csv`.
pub(crate) fn load_projects(ds: &Dataset, sources: &ProjectSources, data_dir: Option<&Path>) -> Result<Vec<Project>> {
    let defaults = StatusDefaults::embedded();
    let mut files = sources.files.clone();
    if let Some(dir) = data_dir.map(|d| d.join("projects")).filter(|d| d.is_dir()) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
            .collect();
        found.sort();
        files.extend(found);
    }
    let mut projects = Vec::new();
    if sources.examples {
        projects.extend(example_projects(ds)?);
    }
    for file in files {
        let text = read_text(&file)?;
        projects.extend(parse_projects(&file.display().to_string(), &text, ds, &defaults)?);
    }
    Ok(projects)
}

pub(crate) fn run(ds: &Dataset, cmd: &ProjectsCommand, data_dir: Option<&Path>) -> Result<ExitCode> {
    match cmd {
        ProjectsCommand::List(args) => {
            list(ds, args, data_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        ProjectsCommand::Import { files, into } => import(ds, files, into.as_deref().or(data_dir)),
    }
}

fn list(ds: &Dataset, args: &ListArgs, data_dir: Option<&Path>) -> Result<()> {
    let mineral = args.mineral.as_deref().map(|m| super::mineral(ds, m)).transpose()?;
    let mut records = Vec::new();
    for e in india_pipeline()? {
        if let Some(m) = mineral {
            let text = e.minerals.to_lowercase();
            let names = std::iter::once(m.id.as_str()).chain(m.aliases.iter().map(String::as_str));
            if !names.into_iter().any(|n| text.contains(&n.to_lowercase())) {
                continue;
            }
        }
        records.push(ProjectRecord::pipeline(e).listed("india_pipeline.csv"));
    }
    for p in load_projects(ds, &args.sources, data_dir)? {
        if mineral.is_some_and(|m| m.id != p.mineral) {
            continue;
        }
        let origin = if p.source.starts_with("ILLUSTRATIVE") {
            "example"
        } else {
            "projects file"
        };
        records.push(ProjectRecord::project(&p).listed(origin));
    }
    emit(args.format, &records, || {
        let mut table = Table::new(&[
            "origin",
            "id",
            "name",
            "location",
            "status",
            "capacity (t/yr)>",
            "start>",
        ]);
        for r in &records {
            let mut name = r.name.clone();
            if name.chars().count() > 48 {
                name = name.chars().take(47).collect::<String>() + "…";
            }
            let mut location = r.location.clone();
            if location.chars().count() > 28 {
                location = location.chars().take(27).collect::<String>() + "…";
            }
            table.row(vec![
                r.origin.clone(),
                r.id.clone(),
                name,
                location,
                r.status.clone(),
                r.capacity_t.map_or_else(|| r.capacity_note.clone(), quantity),
                r.start_year.map_or_else(String::new, |y| y.to_string()),
            ]);
        }
        table.footer.push(
            "India's pipeline publishes blocks, premiums and budgets, never a production capacity: none is assumed."
                .into(),
        );
        table
    })
}

fn import(ds: &Dataset, files: &[PathBuf], into: Option<&Path>) -> Result<ExitCode> {
    let defaults = StatusDefaults::embedded();
    let mut problems = Vec::new();
    let mut valid = Vec::new();
    for file in files {
        let parsed = read_text(file).and_then(|text| parse_projects(&file.display().to_string(), &text, ds, &defaults));
        match parsed {
            Ok(projects) => valid.push((file, projects)),
            Err(LoadError::Invalid(p)) => problems.extend(p),
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        eprintln!("{} problem(s); nothing was imported:", problems.len());
        for p in &problems {
            eprintln!("  - {p}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let dir = into
        .map_or_else(|| PathBuf::from("critmin-data"), Path::to_path_buf)
        .join("projects");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (file, projects) in valid {
        let name = file.file_name().map_or_else(|| "projects.csv".into(), |n| n.to_owned());
        let target = dir.join(name);
        let tmp = target.with_extension("csv.tmp");
        std::fs::write(&tmp, projects_to_csv(&projects, 2025)).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &target).with_context(|| format!("writing {}", target.display()))?;
        println!("imported {} project(s) into {}", projects.len(), target.display());
    }
    Ok(ExitCode::SUCCESS)
}
