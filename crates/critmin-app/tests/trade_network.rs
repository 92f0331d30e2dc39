//! Shocks on the real trade network of the shipped CEPII BACI V202601 flows (issue 15 item 4):
//! a full Chinese ban lands on India and the United States in proportion to China's share of
//! their imports (the same share `critmin dependence` gives), and every named scenario runs on
//! the trade networks. Each figure is printed beside the one it is compared with.

use std::sync::OnceLock;

use critmin_app::dependence::{DependenceQuery, dependence};
use critmin_app::stress::{NetworkData, ShockDocument, ShockSpec, TradeYear};
use critmin_model::{Dataset, MineralFlow};
use critmin_network::Scenarios;
use critmin_trade::{HsMap, TradeFlows, import_embedded, year_flows};

const YEAR: u16 = 2024;
const RELEASE: &str = "BACI V202601";

struct Shipped {
    ds: Dataset,
    flows: TradeFlows,
    year: Vec<MineralFlow>,
}

fn shipped() -> &'static Shipped {
    static SHIPPED: OnceLock<Shipped> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        let flows = import_embedded(None).unwrap().flows;
        let year = year_flows(&flows, &HsMap::embedded(), None, YEAR).flows;
        Shipped {
            ds: critmin_data::load_embedded().unwrap(),
            flows,
            year,
        }
    })
}

fn trade(s: &Shipped) -> NetworkData<'_> {
    NetworkData::Trade(TradeYear {
        release: RELEASE,
        year: YEAR,
        flows: &s.year,
    })
}

/// (shortfall % of use, shortfall t) of a consumer.
fn consumer(doc: &ShockDocument, country: &str) -> Option<(f64, f64)> {
    doc.nodes
        .iter()
        .find(|n| n.stage == "consumption" && n.country == country)
        .map(|n| (n.shortfall_pct.unwrap_or(0.0), n.shortfall_t))
}

#[test]
fn a_full_chinese_ban_hits_india_and_the_us_by_chinas_share_of_their_imports() {
    let s = shipped();
    let sc = Scenarios::embedded().unwrap();
    // The ban lands on the layer the processed forms are delivered to: consumption, as
    // processing is the last traded stage of rare earths in the shipped flows (graphite's
    // processed forms, 380110, are not among them: its network is the mining stage only).
    for (mineral, stage, buyer) in [("rare_earths", "processing", "consumption")] {
        let spec = ShockSpec {
            mineral: Some(mineral.into()),
            bans: vec![format!("CHN:{stage}")],
            ..ShockSpec::default()
        };
        let run = spec.run_on(&s.ds, &sc, trade(s)).unwrap();
        let doc = ShockDocument::new(&run);
        assert_eq!(doc.basis.as_deref(), Some("trade BACI V202601 2024"));
        assert!(doc.mass_balance_error < 1e-9);
        for importer in ["IND", "USA"] {
            let query = DependenceQuery {
                mineral: Some(mineral.into()),
                stage: Some(stage.into()),
                year: Some(YEAR),
                ..DependenceQuery::new(importer)
            };
            let dep = dependence(&s.ds, &s.flows, &HsMap::embedded(), &query).unwrap();
            let row = &dep.rows[0];
            let china = row
                .suppliers
                .iter()
                .find(|c| c.country == "CHN")
                .map_or(0.0, |c| c.share);
            let node = doc
                .nodes
                .iter()
                .find(|n| n.country == importer && n.stage == buyer)
                .unwrap();
            let of_imports = node.shortfall_t / row.imports_t;
            println!(
                "{mineral} {importer} {YEAR}: China's share of imports (critmin dependence) {:.1} %; shortfall at {} \
                 {:.0} t = {:.1} % of its {:.0} t of imports, {:.1} % of its use ({})",
                100.0 * china,
                node.stage,
                node.shortfall_t,
                100.0 * of_imports,
                row.imports_t,
                node.shortfall_pct.unwrap_or(f64::NAN),
                node.consumption_basis.as_deref().unwrap_or("?")
            );
            // Nobody has spare supply: the Chinese tonnage is lost whole, and nothing else.
            assert!(
                (of_imports - china).abs() <= 0.02,
                "{mineral} {importer}: shortfall {of_imports:.3} of imports vs China's share {china:.3}"
            );
        }
    }
}

#[test]
fn the_named_scenarios_run_on_the_trade_networks() {
    let s = shipped();
    let sc = Scenarios::embedded().unwrap();
    for name in sc.names() {
        for mineral in sc.minerals_of(name) {
            let spec = ShockSpec {
                mineral: Some(mineral.into()),
                scenario: Some(name.into()),
                ..ShockSpec::default()
            };
            // The pooled-market estimate is printed for comparison; it cannot be built for every
            // mineral (germanium has no production figure), the trade network must be.
            let pooled = spec.run(&s.ds, &sc, None).map(|run| ShockDocument::new(&run));
            let traded = s.year.iter().any(|f| f.mineral.as_str() == mineral);
            let run = match spec.run_on(&s.ds, &sc, trade(s)) {
                Ok(run) => run,
                // Only a mineral without flows that year and without production figures (so no
                // pooled-market estimate either) may fail, and the error says both.
                Err(e) => {
                    println!("{name} / {mineral}: {e}");
                    assert!(!traded, "{name} {mineral}: {e}");
                    assert!(e.message.starts_with("no BACI V202601 flows of"), "{e}");
                    continue;
                }
            };
            // A mineral without flows, or a scenario with no row at a traded stage, runs on the
            // pooled-market estimate and says so.
            let basis = run.basis.clone().unwrap_or_default();
            assert!(basis == "trade BACI V202601 2024" || basis == "pooled-market estimate");
            assert!(traded || basis == "pooled-market estimate");
            let real = ShockDocument::new(&run);
            assert!(real.mass_balance_error < 1e-9, "{name} {mineral}");
            let show = |doc: &ShockDocument, c: &str| {
                consumer(doc, c).map_or_else(|| "—".to_owned(), |(p, t)| format!("{p:.1} % ({t:.0} t)"))
            };
            let pooled = match &pooled {
                Ok(doc) => format!(
                    "pooled-market estimate (year {}) IND {} USA {}",
                    doc.year,
                    show(doc, "IND"),
                    show(doc, "USA")
                ),
                Err(e) => format!("pooled-market estimate: {e}"),
            };
            println!(
                "{name} / {mineral}: {} (year {}) IND {} USA {} | {pooled}",
                real.basis.as_deref().unwrap_or("?"),
                real.year,
                show(&real, "IND"),
                show(&real, "USA"),
            );
        }
    }
}
