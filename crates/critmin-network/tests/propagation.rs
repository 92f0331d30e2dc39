//! Propagation: a hand-worked example checked number by number, mass balance on random
//! networks, the pooled-market networks of the embedded data, and Monte Carlo determinism.

use std::collections::BTreeSet;

use approx::assert_relative_eq;
use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};
use critmin_network::{
    Convergence, Cut, Destination, DisruptionSampler, Draws, Edge, Layer, LayerKind, MonteCarlo, Network, Node,
    PooledOptions, Restriction, RiskParams, Scenarios, Shock, Workspace, pooled_market, propagate, run_shock,
};
use proptest::prelude::*;

fn code(s: &str) -> CountryCode {
    s.parse().unwrap()
}

fn layer(kind: LayerKind) -> Layer {
    Layer {
        kind,
        source: "test".into(),
        source_unit: "t".into(),
    }
}

fn no_groups(_: CountryCode, _: critmin_model::Group) -> bool {
    false
}

/// The three-country example, worked by hand.
///
/// Layers: mining {AAA 100 t, BBB 50 t} → processing {BBB, CCC} → consumption {AAA, CCC}.
/// Baseline edges: AAA→BBB 60, AAA→CCC 40, BBB→BBB 30, BBB→CCC 20 (processing inputs:
/// BBB 90, CCC 60); BBB→AAA 45, BBB→CCC 45, CCC→CCC 30, CCC→AAA 30 (consumption: AAA 75,
/// CCC 75). Shock: BBB's mine loses 50 % of capacity; AAA stops all mining exports to CCC.
/// Stockpile 73 days = 0.2 × each buyer's yearly input.
///
/// Mining layer:
/// - AAA has 100 t; it offers 60 to BBB and 0 to CCC (restricted) → ships 60, 40 unsold.
/// - BBB has 25 t (cut 25); it offers 50 → scale 0.5: BBB→BBB 15, BBB→CCC 10.
/// - Gaps: BBB 90 − 75 = 15, CCC 60 − 10 = 50.
/// - Re-sourcing, iteration 1: BBB asks AAA (spare 40) for 15 over AAA→BBB; granted in full
///   (AAA→BBB = 75, AAA's unsold 25). CCC cannot re-source: AAA→CCC is restricted and BBB has
///   no spare. Iteration 2 finds no request: 1 iteration.
/// - Stocks: CCC draws 12 (0.2 × 60), shortfall 38; BBB has no gap.
/// - Lost 50 (BBB cut 25 + AAA unsold 25) = shortfall 38 + drawn 12.
///
/// Processing layer:
/// - BBB has its full 90 t of input → output 90: BBB→AAA 45, BBB→CCC 45.
/// - CCC has (10 + 12) / 60 of its input → output 60 × 22/60 = 22 (input loss 38):
///   CCC→CCC 11, CCC→AAA 11.
/// - Consumers receive AAA 56, CCC 56 (gaps 19 each); nobody has spare: no re-sourcing.
/// - Stocks 15 each (0.2 × 75) → shortfall 4 each (5.33 % of 75).
/// - Lost 38 (CCC input loss) = shortfalls 8 + drawn 30.
///
/// Totals: lost supply 88 = shortfall 46 (38 + 4 + 4) + stock drawn 42 (12 + 15 + 15).
#[test]
fn three_country_example_number_by_number() {
    let (a, b, c) = (code("AAA"), code("BBB"), code("CCC"));
    let layers = vec![
        layer(LayerKind::Stage(ChainStage::Mining)),
        layer(LayerKind::Stage(ChainStage::Processing)),
        layer(LayerKind::Consumption),
    ];
    let node = |country, layer| Node {
        country,
        layer,
        basis: None,
    };
    let nodes = vec![node(a, 0), node(b, 0), node(b, 1), node(c, 1), node(a, 2), node(c, 2)];
    let e = |from, to, tonnes| Edge { from, to, tonnes };
    let edges = vec![
        e(0, 2, 60.0),
        e(0, 3, 40.0),
        e(1, 2, 30.0),
        e(1, 3, 20.0),
        e(2, 4, 45.0),
        e(2, 5, 45.0),
        e(3, 5, 30.0),
        e(3, 4, 30.0),
    ];
    let net = Network::from_parts(MineralId("x".into()), 2024, layers, nodes, edges, vec![]).unwrap();
    let shock = Shock {
        cuts: vec![Cut {
            country: b,
            stage: LayerKind::Stage(ChainStage::Mining),
            fraction: 0.5,
        }],
        restrictions: vec![Restriction {
            country: a,
            stage: LayerKind::Stage(ChainStage::Mining),
            destination: Destination::Country(c),
            severity: 1.0,
        }],
    };
    let r = run_shock(&net, &shock, 73.0, 0.0, Convergence::default(), &no_groups).unwrap();
    let row = |country, stage| {
        r.nodes
            .iter()
            .find(|n| n.country == country && n.stage == stage)
            .unwrap()
    };
    let processing = LayerKind::Stage(ChainStage::Processing);
    let mining = LayerKind::Stage(ChainStage::Mining);
    // Mining layer.
    assert_relative_eq!(row(a, mining).output, 100.0);
    assert_relative_eq!(row(a, mining).stranded, 25.0, epsilon = 1e-9);
    assert_relative_eq!(row(b, mining).output, 25.0);
    // Processing layer inputs.
    assert_relative_eq!(row(b, processing).received, 90.0, epsilon = 1e-9);
    assert_relative_eq!(row(b, processing).shortfall, 0.0, epsilon = 1e-9);
    assert_relative_eq!(row(c, processing).received, 10.0, epsilon = 1e-9);
    assert_relative_eq!(row(c, processing).stock_drawn, 12.0, epsilon = 1e-9);
    assert_relative_eq!(row(c, processing).shortfall, 38.0, epsilon = 1e-9);
    assert_relative_eq!(
        row(c, processing).shortfall_pct.unwrap(),
        100.0 * 38.0 / 60.0,
        epsilon = 1e-9
    );
    assert_relative_eq!(row(b, processing).output, 90.0, epsilon = 1e-9);
    assert_relative_eq!(row(c, processing).output, 22.0, epsilon = 1e-9);
    // Consumption.
    let consumption = LayerKind::Consumption;
    for country in [a, c] {
        let n = row(country, consumption);
        assert_relative_eq!(n.baseline_input, 75.0);
        assert_relative_eq!(n.received, 56.0, epsilon = 1e-9);
        assert_relative_eq!(n.stock_drawn, 15.0, epsilon = 1e-9);
        assert_relative_eq!(n.shortfall, 4.0, epsilon = 1e-9);
        assert_relative_eq!(n.shortfall_pct.unwrap(), 400.0 / 75.0, epsilon = 1e-9);
    }
    // Totals and balance.
    assert_eq!(r.outcome.iterations, 1);
    assert!(r.outcome.converged);
    assert_relative_eq!(r.outcome.lost_supply, 88.0, epsilon = 1e-9);
    assert_relative_eq!(r.outcome.shortfall, 46.0, epsilon = 1e-9);
    assert_relative_eq!(r.outcome.stock_drawn, 42.0, epsilon = 1e-9);
    assert!(r.outcome.mass_balance_error <= 1e-12);
}

#[test]
fn no_shock_means_no_shortfall() {
    let ds = critmin_data::load_embedded().unwrap();
    let net = pooled_market(&ds, &MineralId("cobalt".into()), &PooledOptions::default()).unwrap();
    let mut ws = Workspace::new(&net);
    let out = propagate(&net, &mut ws, Convergence::default());
    assert!(out.shortfall.abs() < 1e-9 * net.total_flow());
    assert!(out.lost_supply.abs() < 1e-9 * net.total_flow());
}

#[test]
fn every_named_scenario_runs_on_its_pooled_network_with_exact_balance() {
    let ds = critmin_data::load_embedded().unwrap();
    let scenarios = Scenarios::embedded().unwrap();
    let opts = PooledOptions {
        usgs_us_consumption: true,
        nominal: vec![CountryCode::INDIA],
        ..Default::default()
    };
    // USGS MCS 2025 publishes no country figures for germanium: that half of the gallium and
    // germanium scenario cannot run on the embedded data, and says so.
    let ge = pooled_market(&ds, &MineralId("germanium".into()), &opts).unwrap_err();
    assert!(ge.to_string().contains("no production series of germanium"), "{ge}");
    for name in scenarios.names() {
        let mut ran = 0;
        for mineral in scenarios.minerals_of(name).into_iter().filter(|m| *m != "germanium") {
            ran += 1;
            let net = pooled_market(&ds, &MineralId(mineral.into()), &opts).unwrap();
            let shock = scenarios.shock(name, mineral, None);
            let r = run_shock(&net, &shock, 30.0, 0.0, Convergence::default(), &|c, g| {
                ds.in_group(c, g)
            })
            .unwrap();
            assert!(
                r.outcome.mass_balance_error <= 1e-9,
                "{name}/{mineral}: {:?}",
                r.outcome
            );
            assert!(r.outcome.converged, "{name}/{mineral}");
            assert!(r.outcome.lost_supply > 0.0, "{name}/{mineral} removed nothing");
            let india = r
                .nodes
                .iter()
                .find(|n| n.country == CountryCode::INDIA && n.stage == LayerKind::Consumption);
            assert!(india.is_some(), "{name}/{mineral}: India is a consumer");
        }
        assert!(ran > 0, "{name}");
    }
}

#[test]
fn us_consumption_of_cobalt_comes_from_the_usgs_salient_file() {
    let ds = critmin_data::load_embedded().unwrap();
    let opts = PooledOptions {
        usgs_us_consumption: true,
        ..Default::default()
    };
    let net = pooled_market(&ds, &MineralId("cobalt".into()), &opts).unwrap();
    let l = net.consumption_layer();
    let us = net.node(CountryCode::USA, l).unwrap();
    assert_relative_eq!(net.baseline_input(us), 8500.0, max_relative = 1e-9);
    assert_eq!(net.nodes[us].basis.as_ref().unwrap().label(), "usgs-salient");
}

/// Headroom at the mines lets buyers re-source: the DRC suspension hurts less when the other
/// mines can raise output by 20 %, and the balance still holds net of the extra output.
#[test]
fn mine_headroom_softens_the_drc_suspension() {
    let ds = critmin_data::load_embedded().unwrap();
    let net = pooled_market(&ds, &MineralId("cobalt".into()), &PooledOptions::default()).unwrap();
    let shock = Scenarios::embedded().unwrap().shock("drc-cobalt-2025", "cobalt", None);
    let tight = run_shock(&net, &shock, 0.0, 0.0, Convergence::default(), &no_groups).unwrap();
    let loose = run_shock(&net, &shock, 0.0, 0.2, Convergence::default(), &no_groups).unwrap();
    assert!(tight.outcome.headroom_used.abs() < 1e-12);
    assert!(loose.outcome.headroom_used > 0.0);
    assert!(loose.outcome.iterations > 0);
    assert!(loose.outcome.shortfall < tight.outcome.shortfall);
    assert!(loose.outcome.mass_balance_error <= 1e-9, "{:?}", loose.outcome);
    // No mine produces more than 120 % of its baseline.
    for n in &loose.nodes {
        if n.stage == LayerKind::Stage(ChainStage::Mining) {
            assert!(n.output <= 1.2 * n.baseline_output * (1.0 + 1e-12), "{n:?}");
        }
    }
}

#[test]
fn network_from_flows_links_stages() {
    let flow = |e: &str, i: &str, stage, t| MineralFlow {
        year: 2023,
        exporter: code(e),
        importer: code(i),
        mineral: MineralId("cobalt".into()),
        stage,
        contained_tonnes: t,
        value_kusd: 1.0,
        lumped: false,
    };
    let flows = vec![
        flow("COD", "CHN", ChainStage::Mining, 100.0),
        flow("COD", "FIN", ChainStage::Mining, 10.0),
        flow("CHN", "USA", ChainStage::Processing, 30.0),
        flow("FIN", "USA", ChainStage::Processing, 8.0),
        flow("CHN", "IND", ChainStage::Processing, 20.0),
    ];
    let net = Network::from_flows(&flows, &MineralId("cobalt".into()), 2023).unwrap();
    assert_eq!(net.layers.len(), 3);
    let chn = net.node(code("CHN"), 1).unwrap();
    assert_relative_eq!(net.baseline_input(chn), 100.0);
    assert_relative_eq!(net.baseline_output(chn), 50.0);
    let shock = Shock {
        cuts: vec![],
        restrictions: vec![Restriction {
            country: code("COD"),
            stage: LayerKind::Stage(ChainStage::Mining),
            destination: Destination::All,
            severity: 1.0,
        }],
    };
    let r = run_shock(&net, &shock, 0.0, 0.0, Convergence::default(), &no_groups).unwrap();
    let usa = r.nodes.iter().find(|n| n.country == CountryCode::USA).unwrap();
    assert_relative_eq!(usa.shortfall, 38.0, epsilon = 1e-9);
    assert!(r.outcome.mass_balance_error <= 1e-12);
}

fn random_network() -> impl Strategy<Value = (Network, Vec<f64>, Vec<f64>, Vec<f64>)> {
    let pool = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];
    (
        2usize..=4,
        proptest::collection::vec(proptest::collection::vec(any::<bool>(), 6), 4),
    )
        .prop_flat_map(move |(n_layers, members)| {
            let mut nodes = Vec::new();
            for (l, m) in members.iter().enumerate().take(n_layers) {
                let mut any = false;
                for (i, &on) in m.iter().enumerate() {
                    if on || (!any && i == 5) {
                        nodes.push(Node {
                            country: pool[i].parse().unwrap(),
                            layer: l,
                            basis: None,
                        });
                        any = true;
                    }
                }
            }
            let pairs: Vec<(u32, u32)> = (0..nodes.len())
                .flat_map(|i| (0..nodes.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| nodes[j].layer == nodes[i].layer + 1)
                .map(|(i, j)| (i as u32, j as u32))
                .collect();
            let n_nodes = nodes.len();
            let n_pairs = pairs.len();
            (
                Just((n_layers, nodes, pairs)),
                proptest::collection::vec(prop_oneof![Just(0.0), 0.001f64..1e6], n_pairs),
                proptest::collection::vec(prop_oneof![Just(0.0), 0.0f64..=1.0], n_nodes),
                proptest::collection::vec(prop_oneof![Just(1.0), 0.0f64..=1.0], n_pairs),
                proptest::collection::vec(prop_oneof![Just(0.0), 0.0f64..1e5], n_nodes),
            )
        })
        .prop_filter_map(
            "needs an edge",
            |((n_layers, nodes, pairs), flows, cut, allowed, stock)| {
                let kinds = [
                    LayerKind::Stage(ChainStage::Mining),
                    LayerKind::Stage(ChainStage::Processing),
                    LayerKind::Stage(ChainStage::Manufacturing),
                ];
                let mut layers: Vec<Layer> = kinds[..n_layers - 1].iter().map(|&k| layer(k)).collect();
                layers.push(layer(LayerKind::Consumption));
                let mut edges = Vec::new();
                let mut kept_allowed = Vec::new();
                for (k, &(from, to)) in pairs.iter().enumerate() {
                    if flows[k] > 0.0 {
                        edges.push(Edge {
                            from,
                            to,
                            tonnes: flows[k],
                        });
                        kept_allowed.push(allowed[k]);
                    }
                }
                if edges.is_empty() {
                    return None;
                }
                let net = Network::from_parts(MineralId("p".into()), 2024, layers, nodes, edges, vec![]).ok()?;
                // Edges are re-sorted by supplier inside the network; allowed fractions follow
                // the sorted order, which is fine for a random property.
                Some((net, cut, kept_allowed, stock))
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mass_balance_is_exact_on_random_networks((net, cut, allowed, stock) in random_network()) {
        let mut ws = Workspace::new(&net);
        ws.cut.copy_from_slice(&cut);
        ws.allowed.copy_from_slice(&allowed);
        ws.mark_restrictions(&net);
        ws.stock.copy_from_slice(&stock);
        let out = propagate(&net, &mut ws, Convergence::default());
        prop_assert!(out.mass_balance_error <= 1e-9, "{:?}", out);
        let scale = net.total_flow();
        for n in 0..net.nodes.len() {
            prop_assert!(ws.shortfall[n] >= -1e-9 * scale);
            prop_assert!(ws.drawn[n] <= ws.stock[n] + 1e-9 * scale);
            prop_assert!(ws.received[n] <= net.baseline_input(n) * (1.0 + 1e-9) + 1e-9);
            prop_assert!(ws.stranded[n] >= -1e-9 * scale);
        }
        // No supplier ships more than it has (unsold ≥ 0 above) nor more than its output.
        for n in 0..net.nodes.len() {
            prop_assert!(ws.stranded[n] <= ws.output[n] + 1e-9 * scale);
        }
    }
}

fn risk(
    threads: usize,
    net: &Network,
    ds: &critmin_model::Dataset,
    history: &BTreeSet<CountryCode>,
) -> critmin_network::RiskResult {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let params = RiskParams {
        scenarios: 3000,
        seed: 42,
        stockpile_days: 20.0,
        ..RiskParams::default()
    };
    let mc = MonteCarlo::new(net, params, &|c| ds.governance_risk(c, 2024).map(|(_, r)| r), history).unwrap();
    pool.install(|| mc.run(&|_| {}))
}

#[test]
fn monte_carlo_is_identical_with_one_and_two_threads() {
    let ds = critmin_data::load_embedded().unwrap();
    let scenarios = Scenarios::embedded().unwrap();
    let opts = PooledOptions {
        usgs_us_consumption: true,
        nominal: vec![CountryCode::INDIA],
        ..Default::default()
    };
    let net = pooled_market(&ds, &MineralId("cobalt".into()), &opts).unwrap();
    let history = scenarios.restricting_countries();
    let one = risk(1, &net, &ds, &history);
    let two = risk(2, &net, &ds, &history);
    assert_eq!(one, two);
    assert_eq!(one.scenarios, 3000);
    assert!(one.max_mass_balance_error <= 1e-9);
    let us = one.consumers.iter().find(|c| c.country == CountryCode::USA).unwrap();
    assert!(us.mean_shortfall > 0.0);
    assert!(us.cvar95_pct >= us.mean_shortfall_pct);
    let contributed: f64 = us.contributions.iter().map(|(_, v)| v).sum();
    assert_relative_eq!(contributed, us.mean_shortfall, max_relative = 1e-9);
    // A different seed gives a different sample.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let params = RiskParams {
        scenarios: 3000,
        seed: 43,
        stockpile_days: 20.0,
        ..RiskParams::default()
    };
    let mc = MonteCarlo::new(&net, params, &|c| ds.governance_risk(c, 2024).map(|(_, r)| r), &history).unwrap();
    let other = pool.install(|| mc.run(&|_| {}));
    assert_ne!(one.consumers, other.consumers);
}

/// The sampler without a network draws exactly the Monte Carlo's disruptions for the same
/// countries in the same order, countries appended after them change nothing before, and the
/// buyer's losses follow the stated rule (restrictions do not apply at home).
#[test]
fn disruption_sampler_draws_the_monte_carlo_disruptions() {
    let ds = critmin_data::load_embedded().unwrap();
    let history = Scenarios::embedded().unwrap().restricting_countries();
    let net = pooled_market(&ds, &MineralId("cobalt".into()), &PooledOptions::default()).unwrap();
    let params = RiskParams {
        scenarios: 500,
        seed: 7,
        ..RiskParams::default()
    };
    let governance = |c: CountryCode| ds.governance_risk(c, 2024).map(|(_, r)| r);
    let mc = MonteCarlo::new(&net, params.clone(), &governance, &history).unwrap();
    let mut countries: Vec<CountryCode> = mc.sources().iter().map(|s| s.country).collect();
    let extra = CountryCode::INDIA;
    assert!(!countries.contains(&extra), "India mines no cobalt in the data");
    countries.push(extra);
    let sampler = DisruptionSampler::new(params, &countries, &governance, &history).unwrap();
    assert_eq!(&sampler.sources()[..mc.sources().len()], mc.sources());
    let (mut a, mut b) = (Draws::default(), Draws::default());
    let n = mc.sources().len();
    let mut disrupted = 0;
    for index in 0..500 {
        mc.draw(index, &mut a);
        sampler.draw(index, &mut b);
        assert_eq!(a.cut[..], b.cut[..n]);
        assert_eq!(a.ban[..], b.ban[..n]);
        disrupted += a.cut.iter().chain(&a.ban).filter(|v| **v > 0.0).count();
    }
    assert!(disrupted > 0);
    let china = countries.iter().position(|c| *c == CountryCode::CHINA).unwrap();
    let lost = sampler.supply_lost(&[CountryCode::CHINA]);
    assert_eq!(lost.len(), 500);
    let mut foreign_restricted = 0;
    for (index, row) in lost.iter().enumerate() {
        sampler.draw(index as u64, &mut b);
        assert_relative_eq!(row[china], b.cut[china]);
        for (i, loss) in row.iter().enumerate().filter(|(i, _)| *i != china) {
            assert_relative_eq!(*loss, 1.0 - (1.0 - b.cut[i]) * (1.0 - b.ban[i]));
            assert!((0.0..=1.0).contains(loss));
            foreign_restricted += usize::from(b.ban[i] > 0.0);
        }
    }
    assert!(foreign_restricted > 0);
    let twice = DisruptionSampler::new(RiskParams::default(), &[extra, extra], &governance, &history).unwrap_err();
    assert!(twice.to_string().contains("listed twice"), "{twice}");
}

/// A dense, edge-by-edge restatement of the rule in `propagate`'s documentation, written
/// independently of the sparse engine: per-edge flows, buyer-side re-sourcing.
fn reference(
    net: &Network,
    cut: &[f64],
    allowed: &[f64],
    stock: &[f64],
    headroom: &[f64],
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = net.nodes.len();
    let mut received = vec![0.0; n];
    let mut drawn = vec![0.0; n];
    let mut shortfall = vec![0.0; n];
    let mut output = vec![0.0; n];
    let conv = Convergence::default();
    for l in 0..net.consumption_layer() {
        let layer_flow: f64 = net
            .edges
            .iter()
            .filter(|e| net.nodes[e.from as usize].layer == l)
            .map(|e| e.tonnes)
            .sum();
        let threshold = conv.tolerance * layer_flow;
        let mut flow = vec![0.0; net.edges.len()];
        let mut spare = vec![0.0; n];
        for s in net.layer_nodes(l) {
            let base = net.baseline_output(s);
            let need = net.baseline_input(s);
            let ratio = if need > 0.0 {
                ((received[s] + drawn[s]) / need).min(1.0)
            } else {
                1.0
            };
            let avail = base * (1.0 - cut[s]).min(ratio);
            output[s] = avail;
            let offered: f64 = net.out_edges(s).map(|k| net.edges[k].tonnes * allowed[k]).sum();
            let scale = if offered > avail { avail / offered } else { 1.0 };
            for k in net.out_edges(s) {
                flow[k] = net.edges[k].tonnes * allowed[k] * scale;
            }
            spare[s] = avail - net.out_edges(s).map(|k| flow[k]).sum::<f64>() + headroom[s] * (1.0 - cut[s]);
        }
        let spare_before = spare.clone();
        let unsold_before: Vec<f64> = (0..n).map(|s| spare_before[s] - headroom[s] * (1.0 - cut[s])).collect();
        for d in net.layer_nodes(l + 1) {
            received[d] = net.in_edges(d).iter().map(|&k| flow[k as usize]).sum();
        }
        for _ in 0..conv.max_iterations {
            let mut requests = vec![0.0; net.edges.len()];
            let mut asked = vec![0.0; n];
            for d in net.layer_nodes(l + 1) {
                let gap = net.baseline_input(d) - received[d];
                if gap <= threshold {
                    continue;
                }
                let eligible = |k: usize| allowed[k] >= 1.0 && spare[net.edges[k].from as usize] > threshold;
                let weight: f64 = net
                    .in_edges(d)
                    .iter()
                    .map(|&k| k as usize)
                    .filter(|&k| eligible(k))
                    .map(|k| net.edges[k].tonnes)
                    .sum();
                for &k in net.in_edges(d) {
                    let k = k as usize;
                    if weight > 0.0 && eligible(k) {
                        requests[k] = gap * net.edges[k].tonnes / weight;
                        asked[net.edges[k].from as usize] += requests[k];
                    }
                }
            }
            if requests.iter().all(|&q| q <= 0.0) {
                break;
            }
            let mut moved = 0.0;
            for (k, &q) in requests.iter().enumerate() {
                if q > 0.0 {
                    let s = net.edges[k].from as usize;
                    let grant = if asked[s] > spare[s] { spare[s] / asked[s] } else { 1.0 };
                    received[net.edges[k].to as usize] += q * grant;
                    moved += q * grant;
                }
            }
            for s in net.layer_nodes(l) {
                spare[s] -= asked[s].min(spare[s]);
            }
            if moved <= threshold {
                break;
            }
        }
        for s in net.layer_nodes(l) {
            let used = spare_before[s] - spare[s];
            output[s] += (used - unsold_before[s]).max(0.0);
        }
        for d in net.layer_nodes(l + 1) {
            let gap = (net.baseline_input(d) - received[d]).max(0.0);
            drawn[d] = gap.min(stock[d]);
            shortfall[d] = gap - drawn[d];
        }
    }
    (shortfall, drawn, output)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sparse_engine_matches_the_dense_reference(
        (net, cut, allowed, stock) in random_network(),
        spare_capacity in prop_oneof![Just(0.0), 0.0f64..0.5],
    ) {
        let cut: Vec<f64> = cut.iter().map(|c| c.clamp(0.0, 1.0)).collect();
        let mut ws = Workspace::new(&net);
        ws.set_spare_capacity(&net, spare_capacity);
        let headroom = ws.headroom.clone();
        ws.cut.copy_from_slice(&cut);
        ws.allowed.copy_from_slice(&allowed);
        ws.mark_restrictions(&net);
        ws.stock.copy_from_slice(&stock);
        let out = propagate(&net, &mut ws, Convergence::default());
        prop_assert!(out.mass_balance_error <= 1e-9, "{:?}", out);
        let (shortfall, drawn, output) = reference(&net, &cut, &allowed, &stock, &headroom);
        let tol = 1e-9 * net.total_flow();
        for n in 0..net.nodes.len() {
            prop_assert!((ws.shortfall[n] - shortfall[n]).abs() <= tol, "shortfall of node {n}: {} vs {}", ws.shortfall[n], shortfall[n]);
            prop_assert!((ws.drawn[n] - drawn[n]).abs() <= tol, "drawn at node {n}");
            if net.nodes[n].layer < net.consumption_layer() {
                prop_assert!((ws.output[n] - output[n]).abs() <= tol, "output of node {n}");
            }
        }
    }
}
