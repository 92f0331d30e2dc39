//! The pooled-market estimate of a mineral's stage network, from the embedded production data
//! when no trade flows are loaded.
//!
//! Rule (the documented pooled-market estimate; README "Stress tests" summarises it):
//! - **Layers**: the chain stages (mining, processing) for which one source edition has a
//!   non-capacity series of the mineral in one year, preferring the source and year that
//!   cover the most stages, then the latest year; then a consumption layer.
//! - **Units**: every figure is converted to tonnes (`t`, `kg`, `kt`, `Mt`, first word of the
//!   unit); any other unit is refused. Stages are often on different bases (USGS mine output
//!   in contained metal versus refinery output; IEA mined natural graphite versus refined
//!   battery-grade graphite), so each layer keeps its own basis and layers are linked by
//!   shares only: the input requirement of a node is the upstream layer's world total times
//!   the node's share of its own layer's output. The ratio output / input of a node absorbs
//!   the difference of basis, recovery losses and secondary supply.
//! - **Suppliers**: named countries with a value; the source's residual (`ROW`) when
//!   published, otherwise the published world total minus the named countries when positive.
//!   Missing values are left out (never zero) and listed in the notes.
//! - **Trade**: each buyer first takes from its own country's upstream node (domestic supply,
//!   up to its need); the rest of every buyer's need is bought from the pool of everyone's
//!   remaining output in proportion to the suppliers' remaining output.
//! - **Consumption**: world consumption equals world output of the last stage. Fixed figures
//!   come first: user input, then US consumption from the USGS salient files where a mapping
//!   exists for the mineral. Countries asked for without data get a nominal demand (10⁻⁶ of
//!   world output; percent only). The remainder is split among the last stage's producers in
//!   proportion to their output (the output-share proxy). Every consumer node records its basis.

use std::collections::{BTreeMap, BTreeSet};

use critmin_model::{ChainStage, CountryCode, Dataset, MineralId, Series};

use crate::NetworkError;
use crate::consumption::us_consumption;
use crate::network::{ConsumptionBasis, Edge, Layer, LayerKind, Network, Node};

/// Nominal demand of a country without consumption data, as a fraction of world output.
pub const NOMINAL_SHARE: f64 = 1e-6;

/// Choices for [`pooled_market`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PooledOptions {
    /// Source edition (e.g. `IEA-CMD-2025`, `USGS-MCS2025`); `None` = the one covering most stages.
    pub source: Option<String>,
    /// Year; `None` = the latest covering the most stages.
    pub year: Option<u16>,
    /// Consumption given by the user, tonnes per year.
    pub consumption: Vec<(CountryCode, f64)>,
    /// Use US consumption from the USGS salient files where the mineral has a mapping.
    pub usgs_us_consumption: bool,
    /// Countries to include as consumers even without data (nominal demand).
    pub nominal: Vec<CountryCode>,
}

/// Tonnes per unit of a unit text, by its first word.
pub fn tonnes_per_unit(unit: &str) -> Option<f64> {
    match unit.split_whitespace().next()? {
        "t" => Some(1.0),
        "kg" => Some(1e-3),
        "kt" => Some(1e3),
        "Mt" => Some(1e6),
        _ => None,
    }
}

fn series_tonnes(s: &Series, notes: &mut Vec<String>) -> Result<BTreeMap<CountryCode, f64>, NetworkError> {
    let factor = tonnes_per_unit(&s.unit).ok_or_else(|| {
        NetworkError::NoData(format!(
            "series {}/{}/{}/{} is in `{}`; expected a mass unit (t, kg, kt, Mt)",
            s.key.mineral, s.key.stage, s.key.year, s.key.source, s.unit
        ))
    })?;
    let mut out = BTreeMap::new();
    let mut missing = Vec::new();
    for r in &s.countries {
        match r.value {
            Some(v) if v > 0.0 => {
                out.insert(r.country, v * factor);
            }
            Some(_) => {}
            None => missing.push(r.country.to_string()),
        }
    }
    let named: f64 = out.values().sum();
    match (
        s.residual.as_ref().and_then(|r| r.value),
        s.world.as_ref().and_then(|w| w.value),
    ) {
        (Some(r), _) if r > 0.0 => {
            out.insert(CountryCode::REST_OF_WORLD, r * factor);
        }
        (_, Some(w)) if w * factor > named * (1.0 + 1e-9) => {
            out.insert(CountryCode::REST_OF_WORLD, w * factor - named);
            notes.push(format!(
                "{}/{}: ROW = published world total − named countries ({:.0} t)",
                s.key.stage,
                s.key.year,
                w * factor - named
            ));
        }
        _ => {}
    }
    if !missing.is_empty() {
        notes.push(format!(
            "{}/{}: missing values left out (not zero): {}",
            s.key.stage,
            s.key.year,
            missing.join(", ")
        ));
    }
    Ok(out)
}

/// Builds the pooled-market network of `mineral` from the dataset's production series.
pub fn pooled_market(ds: &Dataset, mineral: &MineralId, opts: &PooledOptions) -> Result<Network, NetworkError> {
    // (source, year) → chain stage → series, non-capacity producing stages only.
    let mut candidates: BTreeMap<(String, u16), BTreeMap<ChainStage, &Series>> = BTreeMap::new();
    let mut without_values = Vec::new();
    for s in ds.find_series(Some(mineral), None, opts.year, opts.source.as_deref()) {
        let Some(stage) = ds.stage(&s.key.stage) else { continue };
        let has_value = s
            .countries
            .iter()
            .chain(&s.residual)
            .chain(&s.world)
            .any(|r| r.value.is_some_and(|v| v > 0.0));
        if stage.capacity || stage.chain_stage == ChainStage::Reserves {
            continue;
        }
        if !has_value {
            without_values.push(format!("{}/{}/{}", s.key.stage, s.key.year, s.key.source));
            continue;
        }
        let slot = candidates.entry((s.key.source.0.clone(), s.key.year)).or_default();
        let better = slot
            .get(&stage.chain_stage)
            .is_none_or(|old| s.countries.len() > old.countries.len());
        if better {
            slot.insert(stage.chain_stage, s);
        }
    }
    let Some(((source, year), chosen)) = candidates
        .into_iter()
        .max_by(|((sa, ya), a), ((sb, yb), b)| a.len().cmp(&b.len()).then(ya.cmp(yb)).then(sb.cmp(sa)))
    else {
        return Err(NetworkError::NoData(format!(
            "no production series of {mineral}{}{} in the dataset{}",
            opts.source.as_ref().map(|s| format!(" from {s}")).unwrap_or_default(),
            opts.year.map(|y| format!(" in {y}")).unwrap_or_default(),
            if without_values.is_empty() {
                String::new()
            } else {
                format!(
                    " with a value (series without any country figure: {}); give trade flows with --flows",
                    without_values.join(", ")
                )
            }
        )));
    };
    let mut notes = vec![format!(
        "Pooled-market estimate from {source} {year}: each buyer takes its own country's upstream output first, then \
         buys from the pool of remaining output in proportion to the suppliers' remaining output; layers are linked \
         by shares (input requirement = upstream world total × the node's share of its layer's output)."
    )];
    let mut layers = Vec::new();
    let mut outputs: Vec<BTreeMap<CountryCode, f64>> = Vec::new();
    for (&chain, s) in &chosen {
        let values = series_tonnes(s, &mut notes)?;
        if values.is_empty() {
            return Err(NetworkError::NoData(format!(
                "series {}/{}/{}/{} has no positive value",
                s.key.mineral, s.key.stage, s.key.year, s.key.source
            )));
        }
        layers.push(Layer {
            kind: LayerKind::Stage(chain),
            source: format!("{}/{}/{}/{}", s.key.mineral, s.key.stage, s.key.year, s.key.source),
            source_unit: s.unit.clone(),
        });
        outputs.push(values);
    }
    if layers.len() > 1 {
        notes.push(format!(
            "Stage bases: {} — layers are linked by shares, not by adding tonnes across bases.",
            layers
                .iter()
                .map(|l| format!("{} in `{}`", l.kind, l.source_unit))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let last_total: f64 = outputs.last().map_or(0.0, |o| o.values().sum());

    // Consumption.
    let mut consumption: BTreeMap<CountryCode, (f64, ConsumptionBasis)> = BTreeMap::new();
    for &(c, t) in &opts.consumption {
        if !(t.is_finite() && t >= 0.0) {
            return Err(NetworkError::Shock(format!(
                "consumption of {c}: {t}; expected tonnes ≥ 0"
            )));
        }
        consumption.insert(c, (t, ConsumptionBasis::User));
    }
    if opts.usgs_us_consumption
        && !consumption.contains_key(&CountryCode::USA)
        && let Some(us) = us_consumption(mineral.as_str(), year)
    {
        notes.push(format!(
            "US consumption {:.1} t from USGS {} line {} ({}, {}): {}",
            us.tonnes, us.file, us.line, us.column, us.year, us.note
        ));
        consumption.insert(
            CountryCode::USA,
            (
                us.tonnes,
                ConsumptionBasis::UsgsSalient {
                    file: us.file,
                    line: us.line,
                    column: us.column,
                    year: us.year,
                },
            ),
        );
    }
    let fixed: f64 = consumption.values().map(|(t, _)| t).sum();
    if fixed > last_total {
        let scale = last_total / fixed;
        notes.push(format!(
            "Given consumption ({fixed:.1} t) exceeds world output of the last stage ({last_total:.1} t); scaled by {scale:.4}."
        ));
        for v in consumption.values_mut() {
            v.0 *= scale;
        }
    }
    let last_output = outputs.last().cloned().unwrap_or_default();
    for &c in &opts.nominal {
        if !consumption.contains_key(&c) && !last_output.contains_key(&c) {
            consumption.insert(c, (last_total * NOMINAL_SHARE, ConsumptionBasis::Nominal));
        }
    }
    let taken: f64 = consumption.values().map(|(t, _)| t).sum();
    let remainder = (last_total - taken).max(0.0);
    let proxies: Vec<(CountryCode, f64)> = last_output
        .iter()
        .filter(|(c, _)| !consumption.contains_key(c))
        .map(|(&c, &v)| (c, v))
        .collect();
    let proxy_total: f64 = proxies.iter().map(|(_, v)| v).sum();
    if remainder > 0.0 {
        if proxy_total > 0.0 {
            for (c, v) in proxies {
                consumption.insert(c, (remainder * v / proxy_total, ConsumptionBasis::OutputShareProxy));
            }
        } else {
            consumption.insert(
                CountryCode::REST_OF_WORLD,
                (remainder, ConsumptionBasis::OutputShareProxy),
            );
        }
    }
    consumption.retain(|_, (t, _)| *t > 0.0);

    // Nodes, layer by layer.
    let mut nodes = Vec::new();
    let mut index: Vec<BTreeMap<CountryCode, u32>> = Vec::new();
    for (l, out) in outputs.iter().enumerate() {
        let mut map = BTreeMap::new();
        for &c in out.keys() {
            map.insert(c, nodes.len() as u32);
            nodes.push(Node {
                country: c,
                layer: l,
                basis: None,
            });
        }
        index.push(map);
    }
    let cl = outputs.len();
    let mut map = BTreeMap::new();
    for (&c, (_, basis)) in &consumption {
        map.insert(c, nodes.len() as u32);
        nodes.push(Node {
            country: c,
            layer: cl,
            basis: Some(basis.clone()),
        });
    }
    index.push(map);
    layers.push(Layer {
        kind: LayerKind::Consumption,
        source: "world consumption = world output of the last stage; fixed figures first, the rest by output share"
            .into(),
        source_unit: "t".into(),
    });

    // Requirements per buyer layer, then edges market by market.
    let mut edges = Vec::new();
    for l in 0..cl {
        let supply = &outputs[l];
        let supply_total: f64 = supply.values().sum();
        let need: BTreeMap<CountryCode, f64> = if l + 1 < cl {
            let own_total: f64 = outputs[l + 1].values().sum();
            outputs[l + 1]
                .iter()
                .map(|(&c, &v)| (c, supply_total * v / own_total))
                .collect()
        } else {
            let total: f64 = consumption.values().map(|(t, _)| t).sum();
            consumption
                .iter()
                .map(|(&c, (t, _))| (c, supply_total * t / total))
                .collect()
        };
        let mut pool_supply: BTreeMap<CountryCode, f64> = BTreeMap::new();
        let mut pool_need: BTreeMap<CountryCode, f64> = BTreeMap::new();
        for (&c, &u) in supply {
            let dom = need.get(&c).map_or(0.0, |&r| r.min(u));
            if dom > 0.0 {
                edges.push(Edge {
                    from: index[l][&c],
                    to: index[l + 1][&c],
                    tonnes: dom,
                });
            }
            if u - dom > 0.0 {
                pool_supply.insert(c, u - dom);
            }
        }
        for (&c, &r) in &need {
            let dom = supply.get(&c).map_or(0.0, |&u| r.min(u));
            if r - dom > 0.0 {
                pool_need.insert(c, r - dom);
            }
        }
        let pool_total: f64 = pool_supply.values().sum();
        let need_total: f64 = pool_need.values().sum();
        if pool_total > 0.0 && need_total > 0.0 {
            for (&s, &ps) in &pool_supply {
                for (&d, &pn) in &pool_need {
                    let t = ps * pn / need_total;
                    if s != d && t > 0.0 {
                        edges.push(Edge {
                            from: index[l][&s],
                            to: index[l + 1][&d],
                            tonnes: t,
                        });
                    }
                }
            }
        }
    }
    let countries: BTreeSet<CountryCode> = nodes.iter().map(|n| n.country).collect();
    if countries.contains(&CountryCode::REST_OF_WORLD) {
        notes.push("ROW is the source's residual (other countries), kept as one node.".into());
    }
    Network::from_parts(mineral.clone(), year, layers, nodes, edges, notes)
}
