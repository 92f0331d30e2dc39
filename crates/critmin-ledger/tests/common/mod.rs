//! A small supply chain shared by the ledger's integration tests: an operator, two mines, a
//! refiner, a recycler, a cathode maker and an auditor, with deterministic keys.
#![allow(dead_code)]

use critmin_ledger::entry::{Grade, LotSpec, LotUse, Payload, Signer};
use critmin_ledger::store::LogStore;
use critmin_ledger::{Ledger, LotId, OrgId, Role, SignedEntry};
use critmin_model::{CountryCode, GroupSet};
use ed25519_dalek::SigningKey;

pub(crate) const ORIGIN: &str = "critmin-test-log";
/// 2026-06-01T00:00:00Z.
pub(crate) const TS: i64 = 1_780_272_000;

pub(crate) fn key(name: &str) -> SigningKey {
    use sha2::{Digest, Sha256};
    SigningKey::from_bytes(&Sha256::digest(name.as_bytes()).into())
}

pub(crate) fn country(c: &str) -> CountryCode {
    c.parse().unwrap()
}

pub(crate) fn lot(id: &str, form: &str, mass_g: u64, cobalt_ppm: u32, c: &str) -> LotSpec {
    LotSpec {
        id: LotId(id.into()),
        form: form.into(),
        mass_g,
        grades: vec![Grade {
            element: "cobalt".into(),
            ppm: cobalt_ppm,
        }],
        country: country(c),
    }
}

pub(crate) fn uses(lot: &str, mass_g: u64) -> LotUse {
    LotUse {
        lot: LotId(lot.into()),
        mass_g,
    }
}

/// Policy groups from the embedded country table.
pub(crate) fn groups() -> impl Fn(CountryCode) -> GroupSet {
    let ds = critmin_data::load_embedded().unwrap();
    move |c| ds.country(c).map_or(GroupSet::EMPTY, |k| k.groups)
}

pub(crate) struct Chain {
    pub(crate) operator: Signer,
    pub(crate) mine_cd: Signer,
    pub(crate) mine_au: Signer,
    pub(crate) refiner_cn: Signer,
    pub(crate) recycler_us: Signer,
    pub(crate) cathode_us: Signer,
    pub(crate) auditor: Signer,
}

pub(crate) fn accept<S: LogStore>(ledger: &mut Ledger<S>, entry: SignedEntry) -> u64 {
    let kind = entry.body.payload.kind();
    ledger.append(entry).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn register(op: &mut Signer, org: &str, role: Role, name: &str, c: &str) -> SignedEntry {
    op.sign(
        Payload::RegisterOrg {
            org: OrgId(org.into()),
            role,
            name: name.into(),
            country: country(c),
            key: key(org).verifying_key().to_bytes(),
        },
        TS,
    )
}

/// Registers everybody.
pub(crate) fn setup<S: LogStore>(ledger: &mut Ledger<S>) -> Chain {
    let mut operator = Signer::new(ORIGIN, "operator", key("operator"), 0);
    let e = register(&mut operator, "operator", Role::Operator, "Log operator", "USA");
    accept(ledger, e);
    for (org, role, name, c) in [
        ("mine-cd", Role::Member, "Katanga mine", "COD"),
        ("mine-au", Role::Member, "Pilbara mine", "AUS"),
        ("refiner-cn", Role::Member, "Refinery", "CHN"),
        ("recycler-us", Role::Member, "Recycler", "USA"),
        ("cathode-us", Role::Member, "Cathode plant", "USA"),
        ("auditor", Role::Auditor, "Auditor", "IND"),
    ] {
        let e = register(&mut operator, org, role, name, c);
        accept(ledger, e);
    }
    let s = |org: &str| Signer::new(ORIGIN, org, key(org), 0);
    Chain {
        operator,
        mine_cd: s("mine-cd"),
        mine_au: s("mine-au"),
        refiner_cn: s("refiner-cn"),
        recycler_us: s("recycler-us"),
        cathode_us: s("cathode-us"),
        auditor: s("auditor"),
    }
}

/// Mines to cathode: ore from COD (2 % Co) and AUS (1 % Co) refined in CHN into sulphate,
/// recycled cobalt from a US recycler, cathode made in the US under mass balance with a credit
/// of 9,000 g recycled-US cobalt. Returns the chain.
pub(crate) fn build<S: LogStore>(ledger: &mut Ledger<S>) -> Chain {
    let mut c = setup(ledger);
    let e = c.mine_cd.sign(
        Payload::Extract {
            lot: lot("ore-cd", "ore", 1_000_000, 20_000, "COD"),
            site: "Kolwezi".into(),
        },
        TS,
    );
    accept(ledger, e);
    let e = c.mine_au.sign(
        Payload::Extract {
            lot: lot("ore-au", "ore", 1_000_000, 10_000, "AUS"),
            site: "Pilbara".into(),
        },
        TS,
    );
    accept(ledger, e);
    for (signer, l) in [(&mut c.mine_cd, "ore-cd"), (&mut c.mine_au, "ore-au")] {
        let e = signer.sign(
            Payload::Transfer {
                lot: LotId(l.into()),
                to: OrgId("refiner-cn".into()),
            },
            TS,
        );
        accept(ledger, e);
    }
    let e = c.refiner_cn.sign(
        Payload::Transform {
            inputs: vec![uses("ore-cd", 1_000_000), uses("ore-au", 1_000_000)],
            outputs: vec![lot("sulphate-1", "sulphate", 140_000, 200_000, "CHN")],
            tolerance_ppm: 100_000,
            model: critmin_ledger::entry::CustodyModel::MassBalance,
            credits: vec![],
        },
        TS,
    );
    accept(ledger, e);
    let e = c.refiner_cn.sign(
        Payload::Transfer {
            lot: LotId("sulphate-1".into()),
            to: OrgId("cathode-us".into()),
        },
        TS,
    );
    accept(ledger, e);
    let e = c.recycler_us.sign(
        Payload::Recycle {
            inputs: vec![],
            feed: vec![critmin_ledger::entry::Feed {
                description: "end-of-life EV batteries".into(),
                mass_g: 100_000,
                grades: vec![Grade {
                    element: "cobalt".into(),
                    ppm: 100_000,
                }],
            }],
            outputs: vec![lot("rec-1", "sulphate", 50_000, 190_000, "USA")],
            tolerance_ppm: 50_000,
            post_consumer: true,
        },
        TS,
    );
    accept(ledger, e);
    let e = c.recycler_us.sign(
        Payload::Transfer {
            lot: LotId("rec-1".into()),
            to: OrgId("cathode-us".into()),
        },
        TS,
    );
    accept(ledger, e);
    let e = c.cathode_us.sign(
        Payload::Transform {
            inputs: vec![uses("sulphate-1", 70_000), uses("rec-1", 50_000)],
            outputs: vec![lot("cathode-1", "cathode", 100_000, 230_000, "USA")],
            tolerance_ppm: 50_000,
            model: critmin_ledger::entry::CustodyModel::MassBalance,
            credits: vec![critmin_ledger::entry::CreditClaim {
                lot: LotId("cathode-1".into()),
                element: "cobalt".into(),
                origin: critmin_ledger::entry::Origin {
                    country: country("USA"),
                    recycled: true,
                },
                ug: 9_000_000_000,
            }],
        },
        TS,
    );
    accept(ledger, e);
    c
}
