//! `critmin exposure --country ISO3`: import reliance, stage concentration, partner and FEOC
//! shares for one country.

use anyhow::Result;
use critmin_app::exposure::{ExposureQuery, exposure};
use critmin_model::Dataset;

use crate::output::{Format, Table, emit, pct};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The importing country (ISO 3166-1 alpha-3), e.g. IND or USA.
    #[arg(long)]
    country: String,
    /// Partner group(s), joined with `+` (msp, quad, g7, eu27, oecd, ipef, us-fta, us-cma,
    /// ira-fta, feoc), and/or ISO3 codes: e.g. `quad`, `msp+us-fta`, `quad+ARG+CHL`.
    #[arg(long, default_value = "msp", value_name = "GROUP")]
    partners: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let query = ExposureQuery {
        country: args.country.clone(),
        partners: args.partners.clone(),
    };
    let doc = exposure(ds, &query).map_err(|e| match e.field.as_str() {
        "partners" => anyhow::anyhow!("--partners: {}", e.message),
        _ => anyhow::anyhow!(e.message),
    })?;
    let records = doc.standalone_records();
    let country = &doc.country;
    let name = &doc.country_name;
    emit(args.format, &records, || {
        let mut t = Table::new(&[
            "mineral",
            "reliance>",
            "stage",
            "year",
            "source",
            "HHI>",
            "top",
            "domestic>",
            "partners>",
            "FEOC>",
        ]);
        t.title = Some(format!("Exposure of {name} ({country}); partners: {}", args.partners));
        let mut last = String::new();
        for r in &records {
            let first = r.mineral != last;
            last.clone_from(&r.mineral);
            let reliance = match (r.import_reliance_pct, &r.import_reliance_qualifier) {
                (_, Some(q)) if q == "E" => "net exporter".to_owned(),
                (Some(v), q) => format!(
                    "{}{v:.0}%{}",
                    q.as_deref().filter(|q| *q == ">" || *q == "<").unwrap_or(""),
                    if r.import_reliance_metric.as_deref() == Some("self_sufficiency_pct") {
                        " self-suff."
                    } else {
                        ""
                    }
                ),
                (None, Some(q)) => q.clone(),
                (None, None) => "–".to_owned(),
            };
            t.row(vec![
                if first { r.mineral.clone() } else { String::new() },
                if first { reliance } else { String::new() },
                r.stage.clone().unwrap_or_default(),
                r.year.map_or_else(String::new, |y| y.to_string()),
                r.source.clone().unwrap_or_default(),
                r.hhi.map_or_else(String::new, |h| format!("{h:.0}")),
                match (&r.top_country, r.top_share) {
                    (Some(c), Some(s)) => format!("{c} {}", pct(s)),
                    _ => String::new(),
                },
                r.domestic_share.map_or_else(String::new, pct),
                r.partner_share.map_or_else(String::new, pct),
                r.feoc_share.map_or_else(String::new, pct),
            ]);
        }
        t.footer.push("Reliance: the country's published import reliance (USGS net import reliance for the US; secondary summaries of official reports for India).".into());
        t.footer.push("Shares are of world supply at each stage; partners exclude the country itself; FEOC = China, Russia, North Korea, Iran.".into());
        t
    })
}
