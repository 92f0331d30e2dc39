//! `critmin supply <mineral>`: country shares of one series.

use anyhow::{Result, anyhow};
use critmin_app::supply::{SupplyError, SupplyQuery, supply};
use critmin_metrics::TotalBasis;
use critmin_model::Dataset;

use crate::output::{Format, Table, emit, pct, quantity};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mineral id or alias (see `critmin minerals`).
    mineral: String,
    /// Stage as the source names it (mine, refined, refinery, reserves, ...). Default: mine
    /// production when there is one, else the latest non-capacity stage.
    #[arg(long)]
    stage: Option<String>,
    /// Year. Default: the latest.
    #[arg(long)]
    year: Option<u16>,
    /// Source edition code (USGS-MCS2025, IEA-CMD-2025, ...). Default: the source naming the
    /// most countries.
    #[arg(long, value_name = "CODE")]
    source: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let query = SupplyQuery {
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        year: args.year,
        source: args.source.clone(),
    };
    let doc = supply(ds, &query).map_err(cli_error)?.with_standalone_rows();
    let records = &doc.shares;
    match args.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
        format => emit(format, records, || {
            let mut t = Table::new(&["#>", "country", "name", "value>", "share>", "note"]);
            t.title = Some(format!(
                "{} — {} {} ({}), {}",
                ds.mineral(&doc.mineral)
                    .map_or(doc.mineral.as_str(), |m| m.name.as_str()),
                doc.stage,
                doc.year,
                doc.source,
                doc.unit
            ));
            for r in records {
                t.row(vec![
                    r.rank.map_or_else(String::new, |n| n.to_string()),
                    r.country.clone(),
                    r.country_name.clone(),
                    r.value.map_or_else(|| "missing".into(), quantity),
                    r.share.map_or_else(String::new, pct),
                    truncate(&r.note, 60),
                ]);
            }
            t.footer.push(format!(
                "Shares of the {} ({} {}). HHI {:.0}–{:.0} (residual left out / as one supplier), top-3 {}.",
                total_basis_label(&doc.total_basis),
                quantity(doc.total),
                doc.unit,
                doc.hhi,
                doc.hhi_upper,
                pct(doc.top3_share)
            ));
            t.footer
                .push(format!("Source: {} [{}]", doc.source_detail, doc.files.join(", ")));
            for n in &doc.notes {
                t.footer.push(format!("Note: {n}"));
            }
            t
        }),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// The use case's error as the CLI says it: the available series as the flags that select them.
fn cli_error(e: SupplyError) -> anyhow::Error {
    match e {
        SupplyError::Field(e) => anyhow!(e.message),
        SupplyError::NoSeries { mineral, available } => {
            let available: Vec<String> = available
                .iter()
                .map(|k| format!("--stage {} --year {} --source {}", k.stage, k.year, k.source))
                .collect();
            anyhow!(
                "no series for {mineral} with those filters; available: {}",
                if available.is_empty() {
                    "none".to_owned()
                } else {
                    available.join("; ")
                }
            )
        }
        SupplyError::NotComputable(message) => anyhow!(message),
    }
}

/// How the table footer names the basis of the total (the document carries its id).
fn total_basis_label(id: &str) -> String {
    TotalBasis::from_id(id).map_or_else(|| id.to_owned(), |b| b.to_string())
}
