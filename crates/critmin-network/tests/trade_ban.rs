//! Issue 15, "what it must show": a full ban by the dominant exporter, for an importer with no
//! stockpile when nobody has spare supply, gives a shortfall of at least 80 % of that
//! exporter's share of the importer's imports — on a network built like the real one
//! ([`trade_network`]: bilateral flows plus production kept at home).

use std::collections::BTreeMap;

use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};
use critmin_network::{
    Convergence, Destination, LayerKind, Restriction, Shock, StageProduction, run_shock, trade_network,
};

fn code(c: &str) -> CountryCode {
    c.parse().unwrap()
}

fn flow(exporter: &str, importer: &str, stage: ChainStage, t: f64) -> MineralFlow {
    MineralFlow {
        year: 2024,
        exporter: code(exporter),
        importer: code(importer),
        mineral: MineralId("rare_earths".into()),
        stage,
        contained_tonnes: t,
        value_kusd: 1.0,
        lumped: false,
    }
}

#[test]
fn a_full_ban_by_the_dominant_exporter_lands_on_its_share_of_imports() {
    use ChainStage::{Mining, Processing};
    // Ore to the refiners, refined product to the users; IND refines a little itself.
    let flows = [
        flow("MMR", "CHN", Mining, 300.0),
        flow("AUS", "MYS", Mining, 80.0),
        flow("CHN", "IND", Processing, 70.0),
        flow("MYS", "IND", Processing, 20.0),
        flow("JPN", "IND", Processing, 10.0),
        flow("CHN", "USA", Processing, 120.0),
        flow("MYS", "USA", Processing, 30.0),
        flow("CHN", "JPN", Processing, 60.0),
    ];
    let production = [
        StageProduction {
            stage: Processing,
            source: "hand-made".into(),
            tonnes: BTreeMap::from([(code("CHN"), 900.0), (code("IND"), 50.0), (code("MYS"), 60.0)]),
        },
        StageProduction {
            stage: Mining,
            source: "hand-made".into(),
            tonnes: BTreeMap::from([(code("CHN"), 700.0), (code("AUS"), 200.0), (code("MMR"), 300.0)]),
        },
    ];
    let net = trade_network(&flows, &MineralId("rare_earths".into()), 2024, &production, "hand-made").unwrap();
    let ban = Shock {
        cuts: Vec::new(),
        restrictions: vec![Restriction {
            country: code("CHN"),
            stage: LayerKind::Stage(Processing),
            destination: Destination::All,
            severity: 1.0,
        }],
    };
    // No stockpile, no headroom: nobody has spare supply to re-source from.
    let result = run_shock(&net, &ban, 0.0, 0.0, Convergence::default(), &|_, _| false).unwrap();
    assert!(result.outcome.mass_balance_error < 1e-9);
    for (importer, imports, from_china) in [("IND", 100.0, 70.0), ("USA", 150.0, 120.0)] {
        let share = from_china / imports;
        let node = result
            .nodes
            .iter()
            .find(|n| n.country == code(importer) && n.stage == LayerKind::Consumption)
            .unwrap();
        let shortfall_of_imports = node.shortfall / imports;
        println!(
            "{importer}: China's share of imports {:.1} %, shortfall {:.1} t = {:.1} % of imports, {:.1} % of use",
            100.0 * share,
            node.shortfall,
            100.0 * shortfall_of_imports,
            node.shortfall_pct.unwrap_or(f64::NAN)
        );
        assert!(
            shortfall_of_imports >= 0.8 * share,
            "{importer}: shortfall {shortfall_of_imports} of imports < 80 % of China's share {share}"
        );
        // Nothing can be re-sourced, so it is the whole Chinese tonnage, no more.
        assert!((node.shortfall - from_china).abs() < 1e-6, "{}", node.shortfall);
    }
    // IND's own refining (50 t kept at home) still arrives: use 150 t, shortfall 70 t.
    let ind = result
        .nodes
        .iter()
        .find(|n| n.country == code("IND") && n.stage == LayerKind::Consumption)
        .unwrap();
    assert!((ind.baseline_input - 150.0).abs() < 1e-9);
}
