//! `critmin data`: check, import and export data files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use critmin_data::{EMBEDDED_FILES, LoadError, embedded_inputs, load, overlay, read_dir_inputs, read_inputs};

use crate::output::Format;

mod edition;

#[derive(Debug, Subcommand)]
pub(crate) enum DataCommand {
    /// Validate the embedded data, or the data directory given with --data, and report every
    /// problem (exit status 1 when there is one).
    Check,
    /// Validate CSV files against the embedded data (and what the directory already holds);
    /// copy them into the directory only when every row is valid.
    Import {
        /// CSV files in the shapes of the embedded files (see `critmin data export`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Data directory to import into (created if missing); use it later with --data.
        /// Default: the --data directory (or CRITMIN_DATA) when given, else ./critmin-data.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
    },
    /// Import a published edition of a source as released (today `usgs-mcs`: the USGS Mineral
    /// Commodity Summaries 2026 `MCS2026_Commodities_Data.csv`, or the 2025 `MCS2025_World_Data.csv`
    /// with its salient files) into a data directory, beside the embedded edition: all or
    /// nothing, every problem with file and line.
    ImportEdition {
        /// The source of the files: usgs-mcs.
        source: String,
        /// The release files, as published.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Data directory to write into (created if missing); use it later with --data.
        /// Default: the --data directory (or CRITMIN_DATA) when given, else ./critmin-data.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Output format of the import's document.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write the embedded data files (CSV and SOURCES.md) into a directory, to read or edit.
    Export {
        /// Target directory (created if missing); existing files are not overwritten.
        dir: PathBuf,
    },
}

pub(crate) fn run(cmd: &DataCommand, data_dir: Option<&Path>) -> Result<ExitCode> {
    match cmd {
        DataCommand::Check => {
            let user = match data_dir {
                Some(dir) => read_dir_inputs(dir).map_err(report),
                None => Ok(Vec::new()),
            };
            let Ok(user) = user else { return Ok(ExitCode::FAILURE) };
            let names: Vec<String> = user.iter().map(|f| f.name.clone()).collect();
            match load(&overlay(embedded_inputs(), user)) {
                Ok(ds) => {
                    let rows: usize = ds.tables.iter().map(|t| t.observations.len()).sum();
                    println!(
                        "ok: {} series from {} observation rows, {} countries, {} minerals, {} governance rows, {} import-reliance rows",
                        ds.series.len(),
                        rows,
                        ds.countries.len(),
                        ds.minerals.len(),
                        ds.governance.len(),
                        ds.import_reliance.len()
                    );
                    for n in names {
                        println!("  user file: {n}");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    report(e);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        DataCommand::Import { files, into } => {
            let into = into.as_deref().or(data_dir).unwrap_or(Path::new("critmin-data"));
            import(files, into)
        }
        DataCommand::ImportEdition {
            source,
            files,
            into,
            format,
        } => {
            let into = into.as_deref().or(data_dir).unwrap_or(Path::new("critmin-data"));
            edition::import_edition(source, files, into, *format)
        }
        DataCommand::Export { dir } => export(dir),
    }
}

pub(super) fn report(e: LoadError) {
    eprintln!("error: {e}");
}

fn import(files: &[PathBuf], into: &Path) -> Result<ExitCode> {
    // Only `.csv` files are read from a data directory; anything else would be copied and
    // then silently never used.
    if let Some(bad) = files
        .iter()
        .find(|p| !p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
    {
        eprintln!(
            "error: {}: expected a file ending in .csv (data directories are read for *.csv only)",
            bad.display()
        );
        eprintln!("nothing was imported");
        return Ok(ExitCode::FAILURE);
    }
    let existing = if into.is_dir() {
        read_dir_inputs(into)
    } else {
        Ok(Vec::new())
    };
    let new = read_inputs(files);
    let (existing, new) = match (existing, new) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            report(e);
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Err(e) = load(&overlay(overlay(embedded_inputs(), existing), new.clone())) {
        report(e);
        eprintln!("nothing was imported");
        return Ok(ExitCode::FAILURE);
    }
    let mut named = Vec::new();
    for (path, file) in files.iter().zip(new) {
        let name = path.file_name().context("an import path must name a file")?;
        named.push((name.to_string_lossy().into_owned(), file.text));
    }
    for (written, path) in write_files(into, &named)?.iter().zip(files) {
        println!("imported {} -> {}", path.display(), written.display());
    }
    println!("use it with: critmin --data {} <command>", into.display());
    Ok(ExitCode::SUCCESS)
}

/// Writes `(name, text)` files into `into` (created if missing), each beside its target and
/// renamed, so a crash never leaves a half-written file that the next load would read.
pub(super) fn write_files(into: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(into).with_context(|| format!("creating {}", into.display()))?;
    let mut written = Vec::new();
    for (name, text) in files {
        let target = into.join(name);
        let tmp = into.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &target).with_context(|| format!("writing {}", target.display()))?;
        written.push(target);
    }
    Ok(written)
}

fn export(dir: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for f in EMBEDDED_FILES {
        let target = dir.join(f.name);
        if target.exists() {
            eprintln!("skipped {} (exists)", target.display());
            continue;
        }
        std::fs::write(&target, f.text).with_context(|| format!("writing {}", target.display()))?;
        println!("wrote {}", target.display());
    }
    Ok(ExitCode::SUCCESS)
}
