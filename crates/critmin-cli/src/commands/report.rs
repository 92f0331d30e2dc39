//! `critmin report`: the main job.

use std::path::PathBuf;

use anyhow::{Context, Result};
use critmin_app::report::{ReportOptions, build_report};
use critmin_model::Dataset;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Countries whose exposure is shown (ISO3; repeat or separate with commas).
    #[arg(long = "country", value_delimiter = ',', default_values_t = ["IND".to_owned(), "USA".to_owned()])]
    countries: Vec<String>,
    /// Partner group(s) for the exposure tables, joined with `+` (see `critmin exposure --help`).
    #[arg(long, default_value = "msp", value_name = "GROUP")]
    partners: String,
    /// Where to write the HTML report.
    #[arg(long, default_value = "critmin-report.html", value_name = "FILE")]
    out: PathBuf,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let countries = args
        .countries
        .iter()
        .map(|c| super::country(ds, c))
        .collect::<Result<Vec<_>>>()?;
    let options = ReportOptions {
        countries,
        partners: super::partners(ds, &args.partners)?,
        partners_label: args.partners.to_uppercase(),
    };
    let report = build_report(ds, &options);
    let html = critmin_report::to_html(&report);
    // Write beside the target and rename, so an interrupted run never leaves half a report.
    let tmp = args.out.with_extension("html.tmp");
    std::fs::write(&tmp, &html).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{}", critmin_report::summary(&report));
    println!(
        "Report written to {} ({} KB). Open it in a browser; it needs no network.",
        args.out.display(),
        html.len() / 1024
    );
    Ok(())
}
