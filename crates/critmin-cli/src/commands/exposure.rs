//! `critmin exposure --country ISO3`: import reliance, stage concentration, partner and FEOC
//! shares for one country.

use anyhow::Result;
use critmin_metrics::{PartnerSet, country_exposure};
use critmin_model::{Dataset, Group};
use serde::Serialize;

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

#[derive(Serialize)]
struct ExposureRecord {
    country: String,
    partners: String,
    mineral: String,
    mineral_name: String,
    import_reliance_pct: Option<f64>,
    import_reliance_qualifier: Option<String>,
    import_reliance_metric: Option<String>,
    import_reliance_year: Option<u16>,
    major_import_sources: Option<String>,
    chain_stage: Option<String>,
    stage: Option<String>,
    year: Option<u16>,
    source: Option<String>,
    hhi: Option<f64>,
    hhi_upper: Option<f64>,
    top_country: Option<String>,
    top_share: Option<f64>,
    domestic_share: Option<f64>,
    partner_share: Option<f64>,
    feoc_share: Option<f64>,
    uncovered_share: Option<f64>,
}

/// Parses `quad+msp+CHL` into a partner set.
pub(crate) fn parse_partners(ds: &Dataset, text: &str) -> Result<PartnerSet> {
    let mut groups = Vec::new();
    let mut countries = Vec::new();
    for part in text.split(['+', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<Group>() {
            Ok(g) => groups.push(g),
            Err(group_err) => match super::country(ds, part) {
                Ok(c) if part.len() == 3 => countries.push(c),
                _ => anyhow::bail!("{group_err}, or an ISO3 country code"),
            },
        }
    }
    if groups.is_empty() && countries.is_empty() {
        anyhow::bail!("--partners needs at least one group or country code, e.g. msp or quad+CHL");
    }
    Ok(PartnerSet::from_groups(groups).with_countries(countries))
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let country = super::country(ds, &args.country)?;
    let partners = parse_partners(ds, &args.partners)?;
    let exposure = country_exposure(ds, country, &partners);
    let mut records = Vec::new();
    for m in &exposure.minerals {
        let rel = m.reliance;
        let base = || ExposureRecord {
            country: country.to_string(),
            partners: args.partners.clone(),
            mineral: m.mineral.id.to_string(),
            mineral_name: m.mineral.name.clone(),
            import_reliance_pct: rel.and_then(|r| r.value),
            import_reliance_qualifier: rel.and_then(|r| r.qualifier.as_ref()).map(|q| q.as_str().to_owned()),
            import_reliance_metric: rel.map(|r| r.metric.clone()),
            import_reliance_year: rel.map(|r| r.year),
            major_import_sources: rel.map(|r| r.major_import_sources.join("; ")).filter(|s| !s.is_empty()),
            chain_stage: None,
            stage: None,
            year: None,
            source: None,
            hhi: None,
            hhi_upper: None,
            top_country: None,
            top_share: None,
            domestic_share: None,
            partner_share: None,
            feoc_share: None,
            uncovered_share: None,
        };
        if m.stages.is_empty() {
            records.push(base());
        }
        for s in &m.stages {
            let k = &s.supply.series.key;
            records.push(ExposureRecord {
                chain_stage: Some(s.chain_stage.id().to_owned()),
                stage: Some(k.stage.to_string()),
                year: Some(k.year),
                source: Some(k.source.to_string()),
                hhi: Some(s.supply.concentration.hhi),
                hhi_upper: Some(s.supply.concentration.hhi_upper),
                top_country: s.supply.shares.named.first().map(|c| c.country.to_string()),
                top_share: Some(s.supply.concentration.top_share),
                domestic_share: Some(s.lens.domestic_share),
                partner_share: Some(s.lens.partner_share),
                feoc_share: Some(s.lens.feoc_share),
                uncovered_share: Some(s.lens.unattributed_share),
                ..base()
            });
        }
    }
    let name = ds
        .country(country)
        .map_or_else(|| country.to_string(), |c| c.name.clone());
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
