//! A whole supply chain through the ledger: exact provenance, claims against the rule packs,
//! mass balance and credit accounts, custody models, reopening from disk, export bundles that
//! verify offline and fail once tampered with.

mod common;

use common::*;
use critmin_ledger::bundle;
use critmin_ledger::entry::{CreditClaim, CustodyModel, Origin, Payload};
use critmin_ledger::provenance::{mass_balance_view, provenance};
use critmin_ledger::rules::{Date, Verdict, embedded_rule_packs, evaluate};
use critmin_ledger::store::{FileStore, MemoryStore};
use critmin_ledger::{AppendError, Ledger, LotId, Rejection};
use num_bigint::BigInt;
use num_rational::BigRational;

fn r(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn provenance_through_the_graph_is_exact() {
    let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
    build(&mut ledger);
    let graph = ledger.state().graph();

    let sulphate = provenance(graph, &lot_id("sulphate-1")).unwrap();
    assert_eq!(
        sulphate[0].by_country(),
        vec![(country("COD"), r(2, 3)), (country("AUS"), r(1, 3))]
    );

    let cathode = provenance(graph, &lot_id("cathode-1")).unwrap();
    let co = &cathode[0];
    assert_eq!(co.element, "cobalt");
    assert_eq!(co.contained_ug, 23_000_000_000);
    assert_eq!(co.recycled_share(), r(19, 47));
    // The recycler declared post-consumer feed.
    assert_eq!(co.share(|p| p.post_consumer == Some(true)), r(19, 47));
    assert_eq!(co.share(|p| p.post_consumer == Some(false)), r(0, 1));
    assert_eq!(
        co.by_country(),
        vec![
            (country("USA"), r(57, 141)),
            (country("COD"), r(56, 141)),
            (country("AUS"), r(28, 141))
        ]
    );
    assert_eq!(co.share(|p| p.processed_in.contains(&country("CHN"))), r(28, 47));
    assert_eq!(co.composition.values().fold(r(0, 1), |a, s| a + s), r(1, 1));

    let mb = mass_balance_view(graph, &lot_id("cathode-1")).unwrap();
    assert_eq!(mb[0].recycled_share(), r(9, 23));
}

#[test]
fn claims_show_the_figures_behind_the_verdict() {
    let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
    build(&mut ledger);
    let graph = ledger.state().graph();
    let packs = embedded_rule_packs();
    let us = packs.iter().find(|p| p.id == "us-30d-critical-minerals").unwrap();
    let eu = packs.iter().find(|p| p.id == "eu-2023-1542-recycled-content").unwrap();
    let groups = groups();
    let date = |s: &str| s.parse::<Date>().unwrap();

    // Sulphate refined in China from Congolese and Australian ore: a third qualifies (AUS is a
    // US FTA partner), below the 70 % of 2026, and all of it was processed in a covered nation.
    let sulphate = provenance(graph, &lot_id("sulphate-1")).unwrap();
    let out = evaluate(us, &sulphate, date("2026-06-01"), &groups);
    assert_eq!(out.verdict, Verdict::Fail);
    assert_eq!(out.checks[0].share, r(1, 3));
    assert_eq!(out.checks[0].required, r(70, 100));
    assert_eq!(out.checks[1].share, r(1, 1));
    assert!(!out.notes.is_empty(), "the 30D credit ended on 2025-09-30");
    // In 2024 the FEOC exclusion for minerals was not yet in force, and 50 % applied.
    let out = evaluate(us, &sulphate, date("2024-06-01"), &groups);
    assert_eq!(out.checks.len(), 1);
    assert_eq!(out.checks[0].required, r(50, 100));

    // The US cathode: everything was processed in the US, but 28/47 went through China.
    let cathode = provenance(graph, &lot_id("cathode-1")).unwrap();
    let out = evaluate(us, &cathode, date("2026-06-01"), &groups);
    assert_eq!((out.checks[0].share.clone(), out.checks[0].pass), (r(1, 1), true));
    assert_eq!((out.checks[1].share.clone(), out.checks[1].pass), (r(28, 47), false));
    assert_eq!(out.verdict, Verdict::Fail);

    // EU recycled content: 19/47 ≈ 40 % recycled cobalt meets 16 % (2031) and 26 % (2036).
    assert_eq!(
        evaluate(eu, &cathode, date("2030-01-01"), &groups).verdict,
        Verdict::NotApplicable
    );
    let out = evaluate(eu, &cathode, date("2031-08-18"), &groups);
    assert_eq!(
        (out.verdict, out.checks[0].required.clone()),
        (Verdict::Pass, r(16, 100))
    );
    let out = evaluate(eu, &cathode, date("2036-08-18"), &groups);
    assert_eq!(
        (out.verdict, out.checks[0].required.clone()),
        (Verdict::Pass, r(26, 100))
    );
    // The Chinese sulphate has no recycled cobalt.
    assert_eq!(
        evaluate(eu, &sulphate, date("2031-08-18"), &groups).verdict,
        Verdict::Fail
    );
}

#[test]
fn mass_balance_and_credit_accounts_are_enforced() {
    let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
    let mut c = build(&mut ledger);
    let size = ledger.size();

    // Credit account of the cathode plant for recycled US cobalt: 9.5 t in, 9 t claimed.
    let account = &ledger.state().accounts()[&(critmin_ledger::OrgId("cathode-us".into()), "cobalt".to_string(), 2026)];
    assert_eq!(
        account[&Origin {
            country: country("USA"),
            recycled: true
        }],
        500_000_000
    );
    // Physical input credits are floored to whole micrograms: 2/3 and 1/3 of 14 t.
    assert_eq!(
        account[&Origin {
            country: country("COD"),
            recycled: false
        }],
        9_333_333_333
    );
    assert_eq!(
        account[&Origin {
            country: country("AUS"),
            recycled: false
        }],
        4_666_666_666
    );

    // A claim larger than the balance is refused; the account never goes negative.
    let over = c.cathode_us.sign(
        Payload::Transform {
            inputs: vec![uses("sulphate-1", 10_000)],
            outputs: vec![lot("cathode-2", "cathode", 8_000, 250_000, "USA")],
            tolerance_ppm: 50_000,
            model: CustodyModel::MassBalance,
            credits: vec![CreditClaim {
                lot: lot_id("cathode-2"),
                element: "cobalt".into(),
                origin: Origin {
                    country: country("USA"),
                    recycled: true,
                },
                ug: 600_000_000,
            }],
        },
        TS,
    );
    let e = ledger.append(over).unwrap_err();
    assert!(
        matches!(
            e,
            AppendError::Rejected(Rejection::InsufficientCredit {
                balance_ug: 500_000_000,
                ..
            })
        ),
        "{e}"
    );
    assert_eq!(ledger.size(), size);

    // Output cobalt beyond the declared tolerance is refused.
    c.cathode_us.next_seq -= 1;
    let too_much = c.cathode_us.sign(
        Payload::Transform {
            inputs: vec![uses("sulphate-1", 10_000)],
            outputs: vec![lot("cathode-2", "cathode", 10_000, 250_000, "USA")],
            tolerance_ppm: 100_000,
            model: CustodyModel::MassBalance,
            credits: vec![],
        },
        TS,
    );
    let e = ledger.append(too_much).unwrap_err();
    assert!(matches!(e, AppendError::Rejected(Rejection::MassBalance { .. })), "{e}");

    // Identity preserved refuses a mix of two origin lots; segregated refuses two countries.
    for model in [CustodyModel::IdentityPreserved, CustodyModel::Segregated] {
        c.cathode_us.next_seq -= 1;
        let mix = c.cathode_us.sign(
            Payload::Transform {
                inputs: vec![uses("sulphate-1", 10_000)],
                outputs: vec![lot("cathode-2", "cathode", 8_000, 250_000, "USA")],
                tolerance_ppm: 50_000,
                model,
                credits: vec![],
            },
            TS,
        );
        assert!(matches!(
            ledger.append(mix),
            Err(AppendError::Rejected(Rejection::Conflict(_)))
        ));
    }
    // Consuming more than is left is refused.
    c.cathode_us.next_seq -= 1;
    let greedy = c.cathode_us.sign(
        Payload::Transform {
            inputs: vec![uses("sulphate-1", 70_001)],
            outputs: vec![lot("cathode-2", "cathode", 56_000, 250_000, "USA")],
            tolerance_ppm: 50_000,
            model: CustodyModel::MassBalance,
            credits: vec![],
        },
        TS,
    );
    assert!(matches!(
        ledger.append(greedy),
        Err(AppendError::Rejected(Rejection::Conflict(_)))
    ));
    assert_eq!(ledger.size(), size);
}

fn lot_id(s: &str) -> LotId {
    LotId(s.into())
}

#[test]
fn a_reopened_ledger_has_the_same_log_state_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let (root, size, checkpoint) = {
        let mut ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
        let c = build(&mut ledger);
        let cp = ledger.checkpoint(&c.operator.key, TS).unwrap();
        (ledger.tree().root(), ledger.size(), cp)
    };
    let ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
    assert_eq!((ledger.tree().root(), ledger.size()), (root, size));
    assert_eq!(ledger.checkpoints(), &[checkpoint]);
    assert_eq!(
        ledger.state().lot(&lot_id("cathode-1")).unwrap().owner.as_str(),
        "cathode-us"
    );
    assert_eq!(ledger.state().lot(&lot_id("sulphate-1")).unwrap().remaining_g, 70_000);
    // Only the operator signs checkpoints.
    let mut ledger = ledger;
    assert!(ledger.checkpoint(&key("mine-cd"), TS).is_err());
}

#[test]
fn bundles_verify_offline_and_expose_tampering() {
    let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
    let mut c = build(&mut ledger);
    let attest = c.auditor.sign(
        Payload::Attest {
            subject: ledger.size() - 1,
            verdict: true,
            statement: "cathode batch records checked".into(),
        },
        TS,
    );
    accept(&mut ledger, attest);
    // Before any checkpoint there is nothing to anchor the proofs to.
    assert!(bundle::export(&ledger, &lot_id("cathode-1")).is_err());
    ledger.checkpoint(&c.operator.key, TS).unwrap();
    let b = bundle::export(&ledger, &lot_id("cathode-1")).unwrap();
    let json = serde_json::to_vec(&b).unwrap();
    let read = bundle::parse(&json).unwrap();
    let log_key = c.operator.public_key();
    let report = bundle::verify(&read, Some(&log_key)).unwrap();
    assert_eq!(report.provenance[0].recycled_share(), r(19, 47));
    assert_eq!(report.transfers.len(), 4);
    assert_eq!(report.attestations.len(), 1);
    assert!(report.key_pinned);

    // A different pinned key, a changed entry, a missing ancestor, a wrong root: all invalid.
    assert!(bundle::verify(&read, Some(&key("someone").verifying_key().to_bytes())).is_err());
    let mut changed = read.clone();
    let i = changed.entries.len() / 2;
    let mut bytes = base64_decode(&changed.entries[i].entry);
    let last = bytes.len() - 70;
    bytes[last] ^= 1;
    changed.entries[i].entry = base64_encode(&bytes);
    assert!(bundle::verify(&changed, Some(&log_key)).is_err());
    let mut missing = read.clone();
    let refine = missing
        .entries
        .iter()
        .position(|e| {
            let entry = critmin_ledger::SignedEntry::decode(&base64_decode(&e.entry)).unwrap();
            matches!(entry.body.payload, Payload::Transform { .. }) && entry.body.org.as_str() == "refiner-cn"
        })
        .unwrap();
    missing.entries.remove(refine);
    let e = bundle::verify(&missing, Some(&log_key)).unwrap_err();
    assert!(e.to_string().contains("sulphate-1"), "{e}");
    let mut rerooted = read.clone();
    rerooted.checkpoint.root = base64_encode(&[0; 32]);
    assert!(bundle::verify(&rerooted, Some(&log_key)).is_err());
    assert!(bundle::parse(b"{\"format\":\"other\"}").is_err());
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn bundles_still_verify_after_the_operator_rotates_its_key() {
    let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
    let mut c = build(&mut ledger);
    let new_key = key("operator-2");
    let e = c.operator.sign(
        Payload::AddKey {
            key: new_key.verifying_key().to_bytes(),
        },
        TS,
    );
    accept(&mut ledger, e);
    let mut op2 = critmin_ledger::entry::Signer::new(ORIGIN, "operator", new_key.clone(), 0);
    let e = op2.sign(
        Payload::RevokeKey {
            key: c.operator.public_key(),
        },
        TS,
    );
    accept(&mut ledger, e);
    // The old key no longer signs checkpoints; the new one does, and the bundle verifies.
    assert!(ledger.checkpoint(&c.operator.key, TS).is_err());
    ledger.checkpoint(&new_key, TS).unwrap();
    let b = bundle::export(&ledger, &lot_id("cathode-1")).unwrap();
    let report = bundle::verify(&b, Some(&new_key.verifying_key().to_bytes())).unwrap();
    assert_eq!(report.provenance[0].recycled_share(), r(19, 47));
    // A checkpoint by a key the operator never registered is refused even if it verifies.
    let stranger = key("stranger");
    let mut forged = b.clone();
    let cp = critmin_ledger::checkpoint::Checkpoint::sign(
        ORIGIN,
        forged.checkpoint.size,
        ledger.tree().root_at(forged.checkpoint.size).unwrap(),
        TS,
        &stranger,
    );
    forged.log_key = critmin_ledger::entry::to_hex(&cp.key);
    forged.checkpoint.signature = base64_encode(&cp.signature);
    let e = bundle::verify(&forged, None).unwrap_err();
    assert!(e.to_string().contains("not an operator key"), "{e}");
}
