//! `critmin concentration`: one record per (mineral, stage, year, source).

use anyhow::Result;
use critmin_app::concentration::{ConcentrationQuery, concentration};
use critmin_model::Dataset;

use crate::output::{Format, Table, emit, pct};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only this source edition (USGS-MCS2025, IEA-CMD-2025, ...).
    #[arg(long, value_name = "CODE")]
    source: Option<String>,
    /// Only this year.
    #[arg(long)]
    year: Option<u16>,
    /// Only this mineral (id or alias).
    #[arg(long)]
    mineral: Option<String>,
    /// Only this stage id (mine, refined, refinery, reserves, ...).
    #[arg(long)]
    stage: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let query = ConcentrationQuery {
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        year: args.year,
        source: args.source.clone(),
    };
    let doc = concentration(ds, &query).map_err(|e| anyhow::anyhow!(e.message))?;
    let (records, failed) = (&doc.series, &doc.left_out);
    if records.is_empty() && failed.is_empty() {
        let sources: Vec<String> = ds.source_codes().iter().map(ToString::to_string).collect();
        anyhow::bail!("no series match those filters (sources: {})", sources.join(", "));
    }
    if format_is_machine(args.format) {
        for left_out in failed {
            eprintln!("note: left out {left_out}");
        }
    }
    emit(args.format, records, || {
        let mut t = Table::new(&[
            "mineral",
            "stage",
            "year",
            "source",
            "HHI>",
            "HHI upper>",
            "top-3>",
            "top",
            "top share>",
            "FEOC>",
            "n>",
        ]);
        for r in records {
            t.row(vec![
                r.mineral.clone(),
                if r.capacity {
                    format!("{} (capacity)", r.stage)
                } else {
                    r.stage.clone()
                },
                r.year.to_string(),
                r.source.clone(),
                format!("{:.0}", r.hhi),
                format!("{:.0}", r.hhi_upper),
                pct(r.top3_share),
                r.top_country.clone().unwrap_or_default(),
                pct(r.top_share),
                pct(r.feoc_share),
                r.n_suppliers.to_string(),
            ]);
        }
        t.footer.push("HHI on 0–10,000: lower bound leaves the residual out, upper counts it as one supplier. DOJ/FTC bands: <1,500 unconcentrated, 1,500–2,500 moderate, >2,500 high.".into());
        t.footer
            .push("FEOC = share from FEOC-covered nations (CHN, RUS, PRK, IRN).".into());
        for left_out in failed {
            t.footer.push(format!("Left out: {left_out}"));
        }
        t
    })
}

fn format_is_machine(f: Format) -> bool {
    matches!(f, Format::Json | Format::Csv)
}
