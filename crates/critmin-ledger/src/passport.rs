//! A battery-passport-like JSON summary of a lot: supply-chain due-diligence and
//! recycled-content fields named after the BatteryPass data model (DIN DKE SPEC 99100), backed
//! by the ledger's verifiable evidence instead of free-text reports. It is "like" a passport:
//! only the provenance-related attributes are filled, and the shares are by contained mass.

use critmin_model::{CountryCode, Group, GroupSet};
use serde_json::{Value, json};

use crate::checkpoint::Checkpoint;
use crate::entry::LotSpec;
use crate::provenance::{ElementProvenance, to_f64};

/// Schema tag of the document.
pub const SCHEMA: &str = "critmin-battery-passport-like/0.1";

/// Builds the document. `attestations` are (leaf index, auditor, verdict, statement) about the
/// lot's entries; `checkpoint` anchors every figure to the signed log.
pub fn passport(
    lot: &LotSpec,
    provenance: &[ElementProvenance],
    attestations: &[(u64, String, bool, String)],
    checkpoint: Option<&Checkpoint>,
    groups: &dyn Fn(CountryCode) -> GroupSet,
) -> Value {
    let due_diligence: Vec<Value> = provenance
        .iter()
        .map(|e| {
            let origins: serde_json::Map<String, Value> = e
                .by_country()
                .into_iter()
                .map(|(c, s)| (c.to_string(), json!(to_f64(&s))))
                .collect();
            let feoc = e.share(|p| {
                p.origin.is_some_and(|o| groups(o.country).contains(Group::Feoc))
                    || p.processed_in.iter().any(|c| groups(*c).contains(Group::Feoc))
            });
            json!({
                "element": e.element,
                "containedMassKg": e.contained_ug as f64 / 1e9,
                "originShareByCountry": origins,
                "feocCoveredNationShare": to_f64(&feoc),
            })
        })
        .collect();
    let recycled: Vec<Value> = provenance
        .iter()
        .map(|e| {
            json!({
                "element": e.element,
                "recycledShare": to_f64(&e.recycled_share()),
                "preConsumerShare": to_f64(&e.share(|p| p.post_consumer == Some(false))),
                "postConsumerShare": to_f64(&e.share(|p| p.post_consumer == Some(true))),
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "batteryMaterialLot": {
            "id": lot.id,
            "form": lot.form,
            "massKg": lot.mass_g as f64 / 1e3,
            "siteCountry": lot.country.as_str(),
        },
        "supplyChainDueDiligence": {
            "provenanceByElement": due_diligence,
            "thirdPartyAssurances": attestations.iter().map(|(i, who, ok, what)| json!({
                "ledgerEntry": i, "auditor": who, "confirmed": ok, "statement": what,
            })).collect::<Vec<_>>(),
        },
        "recycledContent": recycled,
        "evidence": checkpoint.map(|c| json!({
            "logOrigin": c.origin,
            "treeSize": c.size,
            "rootHash": crate::entry::to_hex(&c.root),
            "checkpointTimestamp": c.timestamp,
            "verify": "critmin ledger export --lot <lot> then critmin ledger verify <bundle>",
        })),
        "basis": "shares of contained element mass, exact through the transformation graph (critmin-ledger provenance)",
    })
}
