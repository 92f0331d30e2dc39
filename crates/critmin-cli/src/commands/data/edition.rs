//! `critmin data import-edition`: a published edition, read as released, written into a data
//! directory beside the embedded edition once the whole directory loads.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use critmin_app::editions::{
    EditionDirectoryDocument, EditionFile, EditionSource, ImportEditionSpec, import_edition as import,
};
use critmin_data::{InputFile, embedded_inputs, load, overlay, read_dir_inputs};

use super::{report, write_files};
use crate::output::Format;

pub(super) fn import_edition(source: &str, files: &[PathBuf], into: &Path, format: Format) -> Result<ExitCode> {
    let source = match EditionSource::parse("source", source) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", e.message);
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut read = Vec::new();
    for path in files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        read.push(EditionFile {
            name: path.display().to_string(),
            bytes,
        });
    }
    let existing = if into.is_dir() {
        match read_dir_inputs(into) {
            Ok(files) => files,
            Err(e) => {
                report(e);
                return Ok(ExitCode::FAILURE);
            }
        }
    } else {
        Vec::new()
    };
    let base = overlay(embedded_inputs(), existing);
    let dataset = match load(&base) {
        Ok(ds) => ds,
        Err(e) => {
            report(e);
            return Ok(ExitCode::FAILURE);
        }
    };
    let spec = ImportEditionSpec { source, files: read };
    let imported = match import(&spec, &dataset) {
        Ok(imported) => imported,
        Err(refused) => {
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&refused)?);
            }
            for p in &refused.problems {
                eprintln!("error: {}", p.message);
            }
            eprintln!("{} problem(s); nothing was imported", refused.problems.len());
            return Ok(ExitCode::FAILURE);
        }
    };
    let tables = imported.directory_tables(&dataset);
    // The directory must load as a whole before anything is written.
    let new: Vec<InputFile> = tables
        .tables
        .iter()
        .map(|t| InputFile {
            name: into.join(&t.name).display().to_string(),
            text: t.text.clone(),
        })
        .collect();
    if let Err(e) = load(&overlay(base, new)) {
        report(e);
        eprintln!("nothing was imported");
        return Ok(ExitCode::FAILURE);
    }
    let named: Vec<(String, String)> = tables.tables.iter().map(|t| (t.name.clone(), t.text.clone())).collect();
    let written = write_files(into, &named)?;
    let document = EditionDirectoryDocument {
        import: imported.document,
        directory: into.display().to_string(),
        written: written.iter().map(|p| p.display().to_string()).collect(),
        left_out: tables.left_out,
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&document)?),
        Format::Table | Format::Csv => print_summary(&document),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(doc: &EditionDirectoryDocument) {
    let import = &doc.import;
    println!("{}: {} file(s) read", import.edition, import.files.len());
    for t in &import.tables {
        let years: Vec<String> = t.years.iter().map(ToString::to_string).collect();
        println!(
            "  {}: {} rows ({} with a number; the others carry a flag, never a zero), years {}",
            t.name,
            t.rows,
            t.rows_with_value,
            years.join(", ")
        );
    }
    let skipped: usize = import.not_imported.iter().map(|n| n.rows).sum();
    if skipped > 0 {
        println!(
            "  not imported: {skipped} row(s) for {} reasons (each with its first line in --format json), the largest:",
            import.not_imported.len()
        );
        let mut largest: Vec<_> = import.not_imported.iter().collect();
        largest.sort_by_key(|n| std::cmp::Reverse(n.rows));
        for n in largest.iter().take(5) {
            println!("    {} row(s): {} (first at {})", n.rows, n.reason, n.first);
        }
    }
    for path in &doc.written {
        println!("wrote {path}");
    }
    if !doc.left_out.is_empty() {
        let minerals: Vec<String> = doc
            .left_out
            .iter()
            .map(|l| format!("{} ({})", l.mineral, l.rows))
            .collect();
        println!(
            "left out, mineral id not in minerals.csv (add it, then import again): {}",
            minerals.join(", ")
        );
    }
    println!("use it with: critmin --data {} <command>", doc.directory);
}
