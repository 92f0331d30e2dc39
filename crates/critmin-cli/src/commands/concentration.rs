//! `critmin concentration`: one record per (mineral, stage, year, source).

use anyhow::Result;
use critmin_metrics::{METHODS_VERSION, SeriesFilter, concentration_overview, governance_hhi};
use critmin_model::{Dataset, StageId};
use serde::Serialize;

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

/// One series' concentration. `hhi` is the lower bound (the source's residual and any
/// uncovered part left out), `hhi_upper` counts it as one supplier.
#[derive(Serialize)]
pub(crate) struct ConcentrationRecord {
    mineral: String,
    stage: String,
    chain_stage: String,
    capacity: bool,
    year: u16,
    source: String,
    unit: String,
    hhi: f64,
    hhi_upper: f64,
    band: String,
    top3_share: f64,
    top_country: Option<String>,
    top_share: f64,
    feoc_share: f64,
    n_suppliers: usize,
    effective_suppliers_lower: Option<f64>,
    effective_suppliers_upper: Option<f64>,
    /// Governance-weighted HHI (0–10; WGI risk 0–10, 10 = weakest), lower and upper bound.
    hhi_wgi: f64,
    hhi_wgi_upper: f64,
    uncovered_share: f64,
    total: f64,
    total_basis: String,
    method_version: &'static str,
    notes: String,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let mineral = args.mineral.as_deref().map(|m| super::mineral(ds, m)).transpose()?;
    let filter = SeriesFilter {
        mineral: mineral.map(|m| m.id.clone()),
        stage: args.stage.clone().map(StageId),
        year: args.year,
        source: args.source.clone(),
    };
    let (rows, failed) = concentration_overview(ds, &filter);
    let records: Vec<ConcentrationRecord> = rows
        .iter()
        .map(|c| {
            let k = &c.series.key;
            let wgi = governance_hhi(&c.shares, ds);
            ConcentrationRecord {
                mineral: k.mineral.to_string(),
                stage: k.stage.to_string(),
                chain_stage: c.chain_stage.map_or("", |s| s.id()).to_owned(),
                capacity: c.capacity,
                year: k.year,
                source: k.source.to_string(),
                unit: c.series.unit.clone(),
                hhi: c.concentration.hhi,
                hhi_upper: c.concentration.hhi_upper,
                band: c.concentration.band_lower().map_or("", |b| b.id()).to_owned(),
                top3_share: c.concentration.top3_share,
                top_country: c.shares.named.first().map(|s| s.country.to_string()),
                top_share: c.concentration.top_share,
                feoc_share: c.feoc_share,
                n_suppliers: c.concentration.n_suppliers,
                effective_suppliers_lower: c.concentration.effective_suppliers_lower,
                effective_suppliers_upper: c.concentration.effective_suppliers_upper,
                hhi_wgi: wgi.lower,
                hhi_wgi_upper: wgi.upper,
                uncovered_share: c.shares.remainder,
                total: c.shares.total,
                total_basis: c.shares.basis.id().to_owned(),
                method_version: METHODS_VERSION,
                notes: c
                    .shares
                    .notes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect();
    if records.is_empty() && failed.is_empty() {
        let sources: Vec<String> = ds.source_codes().iter().map(ToString::to_string).collect();
        anyhow::bail!("no series match those filters (sources: {})", sources.join(", "));
    }
    if format_is_machine(args.format) {
        for (key, why) in &failed {
            eprintln!(
                "note: {} {} {} {} left out: {why}",
                key.mineral, key.stage, key.year, key.source
            );
        }
    }
    emit(args.format, &records, || {
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
        for r in &records {
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
        for (key, why) in &failed {
            t.footer.push(format!(
                "Left out: {} {} {} {}: {why}",
                key.mineral, key.stage, key.year, key.source
            ));
        }
        t
    })
}

fn format_is_machine(f: Format) -> bool {
    matches!(f, Format::Json | Format::Csv)
}
