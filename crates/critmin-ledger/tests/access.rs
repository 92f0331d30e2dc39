//! The access matrix: every write route (entry kind) against every way a write can be
//! illegitimate — no valid signature, a signature by another key, a replay (the same bytes
//! again, or a used sequence number), another organisation's key, the wrong role, a lot not in
//! the writer's custody, another log, an unknown organisation. Each must be rejected for the
//! expected reason and leave the log (in memory and on disk) exactly as it was; and the
//! legitimate version of each write must be accepted, so the matrix tests the rules, not a
//! broken fixture.

mod common;

use common::*;
use critmin_ledger::entry::{CustodyModel, Feed, Grade, Payload, Signer};
use critmin_ledger::store::FileStore;
use critmin_ledger::{AppendError, Ledger, LotId, OrgId, Rejection, Role, SignedEntry};

fn signer(ledger: &Ledger<FileStore>, org: &str, key_name: &str) -> Signer {
    let k = key(key_name);
    let seq = ledger
        .state()
        .next_seq(&OrgId(org.into()), &k.verifying_key().to_bytes())
        .unwrap_or(0);
    Signer::new(ORIGIN, org, k, seq)
}

/// The legitimate writer of each route, and the payload.
fn routes() -> Vec<(&'static str, &'static str, Payload)> {
    let lot = |id: &str| LotId(id.into());
    vec![
        (
            "operator",
            "operator",
            Payload::RegisterOrg {
                org: OrgId("newcomer".into()),
                role: Role::Member,
                name: "New".into(),
                country: country("IND"),
                key: key("newcomer").verifying_key().to_bytes(),
            },
        ),
        (
            "mine-cd",
            "mine-cd",
            Payload::AddKey {
                key: key("mine-cd-3").verifying_key().to_bytes(),
            },
        ),
        (
            "mine-cd",
            "mine-cd",
            Payload::RevokeKey {
                key: key("mine-cd-2").verifying_key().to_bytes(),
            },
        ),
        (
            "mine-au",
            "mine-au",
            Payload::Extract {
                lot: common::lot("ore-au-2", "ore", 5_000, 10_000, "AUS"),
                site: "Pilbara".into(),
            },
        ),
        (
            "cathode-us",
            "cathode-us",
            Payload::Transfer {
                lot: lot("cathode-1"),
                to: OrgId("mine-au".into()),
            },
        ),
        (
            "cathode-us",
            "cathode-us",
            Payload::Transform {
                inputs: vec![uses("sulphate-1", 10_000)],
                outputs: vec![common::lot("sulphate-2", "sulphate", 10_000, 200_000, "USA")],
                tolerance_ppm: 0,
                model: CustodyModel::MassBalance,
                credits: vec![],
            },
        ),
        (
            "recycler-us",
            "recycler-us",
            Payload::Recycle {
                inputs: vec![],
                feed: vec![Feed {
                    description: "scrap".into(),
                    mass_g: 1_000,
                    grades: vec![Grade {
                        element: "cobalt".into(),
                        ppm: 100_000,
                    }],
                }],
                outputs: vec![common::lot("rec-2", "sulphate", 500, 200_000, "USA")],
                tolerance_ppm: 0,
                post_consumer: false,
            },
        ),
        (
            "auditor",
            "auditor",
            Payload::Attest {
                subject: 3,
                verdict: true,
                statement: "checked".into(),
            },
        ),
        ("operator", "operator", Payload::Publish { lot: lot("cathode-1") }),
    ]
}

fn log_bytes(dir: &std::path::Path) -> Vec<u8> {
    std::fs::read(dir.join("entries.log")).unwrap()
}

fn rejected(ledger: &mut Ledger<FileStore>, dir: &std::path::Path, entry: SignedEntry, what: &str) -> Rejection {
    let (size, root, bytes) = (ledger.size(), ledger.tree().root(), log_bytes(dir));
    let result = ledger.append(entry);
    assert_eq!(
        (ledger.size(), ledger.tree().root()),
        (size, root),
        "{what}: log changed"
    );
    assert_eq!(log_bytes(dir), bytes, "{what}: log file changed");
    match result {
        Err(AppendError::Rejected(r)) => r,
        other => panic!("{what}: expected a rejection, got {other:?}"),
    }
}

#[test]
fn every_illegitimate_write_on_every_route_is_rejected_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
    let mut chain = build(&mut ledger);
    // Give the routes something to replay and a second key to revoke.
    let e = chain.mine_cd.sign(
        Payload::AddKey {
            key: key("mine-cd-2").verifying_key().to_bytes(),
        },
        TS,
    );
    accept(&mut ledger, e);
    let e = chain.auditor.sign(
        Payload::Attest {
            subject: 1,
            verdict: true,
            statement: "seen".into(),
        },
        TS,
    );
    accept(&mut ledger, e);
    let e = chain.mine_au.sign(
        Payload::Extract {
            lot: common::lot("ore-au-1", "ore", 5_000, 10_000, "AUS"),
            site: "Pilbara".into(),
        },
        TS,
    );
    accept(&mut ledger, e);

    let mut cases = 0;
    for (org, key_name, payload) in routes() {
        let route = payload.kind();

        // No valid signature.
        let mut e = signer(&ledger, org, key_name).sign(payload.clone(), TS);
        e.signature = [0; 64];
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: unsigned"));
        assert!(matches!(r, Rejection::Signature(_)), "{route}: {r}");

        // Signed by another key than the one named in the entry.
        let mut e = signer(&ledger, org, key_name).sign(payload.clone(), TS);
        let forged = Signer::new(ORIGIN, org, key("intruder"), e.body.seq).sign(payload.clone(), TS);
        e.signature = forged.signature;
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: wrong signature"));
        assert!(matches!(r, Rejection::Signature(_)), "{route}: {r}");

        // Replay of the writer's last accepted entry, byte for byte.
        let last = ledger
            .entries()
            .iter()
            .rev()
            .map(|b| SignedEntry::decode(b).unwrap())
            .find(|e| e.body.org.as_str() == org)
            .expect("every writer has written before");
        let r = rejected(&mut ledger, dir.path(), last, &format!("{route}: replay"));
        assert!(matches!(r, Rejection::Sequence { .. }), "{route}: {r}");

        // A used sequence number.
        let mut s = signer(&ledger, org, key_name);
        s.next_seq -= 1;
        let e = s.sign(payload.clone(), TS);
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: old seq"));
        assert!(matches!(r, Rejection::Sequence { .. }), "{route}: {r}");

        // Another organisation's (valid, registered) key speaking for this one.
        let other = if org == "mine-au" { "mine-cd" } else { "mine-au" };
        let mut s = signer(&ledger, other, other);
        s.org = OrgId(org.into());
        let e = s.sign(payload.clone(), TS);
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: foreign key"));
        assert!(matches!(r, Rejection::ForeignKey { .. }), "{route}: {r}");

        // The wrong role: members may not do the operator's or auditor's writes, the auditor and
        // the operator may not do business writes (key management is everyone's own).
        if !matches!(payload, Payload::AddKey { .. } | Payload::RevokeKey { .. }) {
            let wrong = match payload {
                Payload::RegisterOrg { .. } | Payload::Publish { .. } | Payload::Attest { .. } => "mine-au",
                _ if org == "cathode-us" => "operator",
                _ => "auditor",
            };
            let e = signer(&ledger, wrong, wrong).sign(payload.clone(), TS);
            let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: role"));
            assert!(matches!(r, Rejection::Forbidden { .. }), "{route}: {r}");
        }

        // Another member acting on a lot it does not hold.
        if matches!(payload, Payload::Transfer { .. } | Payload::Transform { .. }) {
            let e = signer(&ledger, "mine-au", "mine-au").sign(payload.clone(), TS);
            let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: custody"));
            assert!(matches!(r, Rejection::NotInCustody { .. }), "{route}: {r}");
        }

        // Signed for another log.
        let mut s = signer(&ledger, org, key_name);
        s.origin = "staging-log".into();
        let e = s.sign(payload.clone(), TS);
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: origin"));
        assert!(matches!(r, Rejection::WrongOrigin { .. }), "{route}: {r}");

        // An organisation nobody registered.
        let e = Signer::new(ORIGIN, "ghost", key("ghost"), 0).sign(payload.clone(), TS);
        let r = rejected(&mut ledger, dir.path(), e, &format!("{route}: unknown org"));
        assert!(matches!(r, Rejection::UnknownOrg(_)), "{route}: {r}");

        // The legitimate write goes through.
        let size = ledger.size();
        let e = signer(&ledger, org, key_name).sign(payload.clone(), TS);
        ledger
            .append(e)
            .unwrap_or_else(|e| panic!("{route}: legitimate write: {e}"));
        assert_eq!(ledger.size(), size + 1);
        cases += 1;
    }
    assert_eq!(cases, 9, "every write route is covered");
    // And a rotated-out key no longer writes.
    let e = Signer::new(ORIGIN, "mine-cd", key("mine-cd-2"), 0).sign(
        Payload::AddKey {
            key: key("x").verifying_key().to_bytes(),
        },
        TS,
    );
    let r = rejected(&mut ledger, dir.path(), e, "revoked key");
    assert!(matches!(r, Rejection::ForeignKey { .. }), "{r}");
}

#[test]
fn reads_follow_role_custody_and_publication() {
    use critmin_ledger::Viewer;
    let mut ledger = critmin_ledger::Ledger::open(critmin_ledger::store::MemoryStore::default()).unwrap();
    let mut chain = build(&mut ledger);
    let org = |o: &str| Viewer::Org(OrgId(o.into()));
    let lot = |l: &str| LotId(l.into());
    let s = ledger.state();
    // The cathode maker reads what it made and what it received, not the mines' ore.
    assert!(s.may_read_lot(&org("cathode-us"), &lot("cathode-1")));
    assert!(s.may_read_lot(&org("cathode-us"), &lot("sulphate-1")));
    assert!(!s.may_read_lot(&org("cathode-us"), &lot("ore-cd")));
    // The mine still reads the ore it transferred away; not the refiner's product.
    assert!(s.may_read_lot(&org("mine-cd"), &lot("ore-cd")));
    assert!(!s.may_read_lot(&org("mine-cd"), &lot("sulphate-1")));
    // Auditors and the operator read everything; strangers and the public nothing yet.
    assert!(s.may_read_lot(&org("auditor"), &lot("ore-cd")));
    assert!(s.may_read_lot(&org("operator"), &lot("ore-cd")));
    assert!(!s.may_read_lot(&org("ghost"), &lot("cathode-1")));
    assert!(!s.may_read_lot(&Viewer::Public, &lot("cathode-1")));
    let e = chain.operator.sign(Payload::Publish { lot: lot("cathode-1") }, TS);
    accept(&mut ledger, e);
    assert!(ledger.state().may_read_lot(&Viewer::Public, &lot("cathode-1")));
    assert!(!ledger.state().may_read_lot(&Viewer::Public, &lot("sulphate-1")));
}
