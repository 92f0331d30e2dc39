//! Export bundles: everything an auditor needs to verify one lot offline — the signed entries
//! of its ancestry, custody transfers and attestations, the key registry, a signed checkpoint
//! and an inclusion proof of every entry against it.
//!
//! [`verify`] trusts nothing in the bundle but the log key (pin it with the key obtained out of
//! band): it checks the checkpoint signature (by a key the log's operator registered), every
//! inclusion proof, every entry signature, that every signer key was registered to its
//! organisation (through the operator's signed registrations) at that point of the log, that
//! per-key sequence numbers increase, that the lot's ancestry is complete, that every transfer
//! and every consumed input was in the signer's custody, and re-checks the mass balance of every
//! transformation; then it recomputes the lot's provenance from the entries alone.

use std::collections::{BTreeSet, HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use critmin_merkle::{Hash, leaf_hash, verify_inclusion};
use serde::{Deserialize, Serialize};

use crate::checkpoint::Checkpoint;
use crate::entry::{LotId, OrgId, Payload, PublicKey, Role, SignedEntry, from_hex, to_hex};
use crate::ledger::Ledger;
use crate::provenance::{ElementProvenance, LotGraph, provenance};
use crate::state::{check_balance, input_contained};
use crate::store::LogStore;

/// Format tag of bundles written by this code.
pub const FORMAT: &str = "critmin-bundle/1";
/// Largest bundle read, in bytes.
pub const MAX_BUNDLE_BYTES: usize = 64 << 20;
/// Most entries in a bundle.
pub const MAX_BUNDLE_ENTRIES: usize = 100_000;
/// Most hashes in one inclusion proof (a tree of up to 2^64 leaves).
pub const MAX_PROOF_HASHES: usize = 64;

/// A bundle as written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// [`FORMAT`].
    pub format: String,
    /// Log origin.
    pub origin: String,
    /// The lot the bundle is about.
    pub lot: LotId,
    /// The log (operator) public key, hex.
    pub log_key: String,
    /// The checkpoint every proof is against.
    pub checkpoint: BundleCheckpoint,
    /// Entries with their inclusion proofs, by increasing index.
    pub entries: Vec<BundleEntry>,
}

/// A checkpoint in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash, base64.
    pub root: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// Signature, base64.
    pub signature: String,
}

/// An entry in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    /// Leaf index.
    pub index: u64,
    /// The encoded signed entry, base64.
    pub entry: String,
    /// Inclusion proof against the checkpoint, base64 hashes.
    pub proof: Vec<String>,
}

/// Why a bundle cannot be read or is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not readable as a bundle.
    #[error("unreadable bundle: {0}")]
    Unreadable(String),
    /// Readable, but something does not verify.
    #[error("invalid bundle: {0}")]
    Invalid(String),
}

/// What a verified bundle shows.
#[derive(Debug, Clone)]
pub struct BundleReport {
    /// The lot.
    pub lot: LotId,
    /// Log origin.
    pub origin: String,
    /// Checkpoint size.
    pub size: u64,
    /// Checkpoint root.
    pub root: Hash,
    /// Whether the log key was pinned by the caller (otherwise taken from the bundle).
    pub key_pinned: bool,
    /// Entries verified.
    pub entries: usize,
    /// Custody transfers of lots in the ancestry: (index, lot, from, to).
    pub transfers: Vec<(u64, LotId, OrgId, OrgId)>,
    /// Attestations: (index, auditor, subject index, verdict, statement).
    pub attestations: Vec<(u64, OrgId, u64, bool, String)>,
    /// The lot's provenance, recomputed from the bundle.
    pub provenance: Vec<ElementProvenance>,
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Builds the bundle of `lot` against the ledger's latest checkpoint, which must cover every
/// entry the bundle needs.
pub fn export<S: LogStore>(ledger: &Ledger<S>, lot: &LotId) -> Result<Bundle, BundleError> {
    let state = ledger.state();
    let graph = state.graph();
    if graph.node(lot).is_none() {
        return Err(BundleError::Invalid(format!("unknown lot `{lot}`")));
    }
    let checkpoint = ledger
        .latest_checkpoint()
        .ok_or_else(|| BundleError::Invalid("no checkpoint yet; make one first".into()))?;
    let ancestry: HashSet<LotId> = graph.ancestry(lot).into_iter().collect();
    let mut wanted: BTreeSet<u64> = ancestry
        .iter()
        .filter_map(|l| graph.node(l))
        .map(|n| n.created_by)
        .collect();
    for (index, bytes) in ledger.entries().iter().enumerate() {
        let entry = SignedEntry::decode(bytes).map_err(|e| BundleError::Invalid(format!("entry {index}: {e}")))?;
        let keep = match &entry.body.payload {
            Payload::RegisterOrg { .. } | Payload::AddKey { .. } | Payload::RevokeKey { .. } => true,
            Payload::Transfer { lot, .. } | Payload::Publish { lot } => ancestry.contains(lot),
            _ => false,
        };
        if keep {
            wanted.insert(index as u64);
        }
    }
    for (index, bytes) in ledger.entries().iter().enumerate() {
        if let Ok(e) = SignedEntry::decode(bytes)
            && let Payload::Attest { subject, .. } = e.body.payload
            && wanted.contains(&subject)
        {
            wanted.insert(index as u64);
        }
    }
    if let Some(last) = wanted.last().filter(|i| **i >= checkpoint.size) {
        return Err(BundleError::Invalid(format!(
            "the latest checkpoint (size {}) does not cover entry {last}; make a new checkpoint first",
            checkpoint.size
        )));
    }
    let entries = wanted
        .into_iter()
        .map(|index| {
            let proof = ledger
                .inclusion_proof(index, checkpoint.size)
                .map_err(|e| BundleError::Invalid(e.to_string()))?;
            Ok(BundleEntry {
                index,
                entry: b64(ledger.entry_bytes(index).expect("index below size")),
                proof: proof.iter().map(|h| b64(h)).collect(),
            })
        })
        .collect::<Result<_, BundleError>>()?;
    Ok(Bundle {
        format: FORMAT.into(),
        origin: checkpoint.origin.clone(),
        lot: lot.clone(),
        log_key: to_hex(&checkpoint.key),
        checkpoint: BundleCheckpoint {
            size: checkpoint.size,
            root: b64(&checkpoint.root),
            timestamp: checkpoint.timestamp,
            signature: b64(&checkpoint.signature),
        },
        entries,
    })
}

/// Reads a bundle (bounded in size and counts).
pub fn parse(bytes: &[u8]) -> Result<Bundle, BundleError> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::Unreadable(format!(
            "{} bytes; at most {MAX_BUNDLE_BYTES} are read",
            bytes.len()
        )));
    }
    let bundle: Bundle = serde_json::from_slice(bytes).map_err(|e| BundleError::Unreadable(e.to_string()))?;
    if bundle.format != FORMAT {
        return Err(BundleError::Unreadable(format!(
            "format `{}`, expected `{FORMAT}`",
            bundle.format
        )));
    }
    if bundle.entries.len() > MAX_BUNDLE_ENTRIES {
        return Err(BundleError::Unreadable(format!(
            "{} entries; at most {MAX_BUNDLE_ENTRIES}",
            bundle.entries.len()
        )));
    }
    if let Some(e) = bundle.entries.iter().find(|e| e.proof.len() > MAX_PROOF_HASHES) {
        return Err(BundleError::Unreadable(format!(
            "entry {}: proof longer than {MAX_PROOF_HASHES} hashes",
            e.index
        )));
    }
    Ok(bundle)
}

fn hash32(field: &str, text: &str) -> Result<Hash, BundleError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| BundleError::Invalid(format!("{field}: not base64: {e}")))?;
    bytes
        .try_into()
        .map_err(|_| BundleError::Invalid(format!("{field}: expected 32 bytes")))
}

/// Verifies a bundle; `pinned` is the log key obtained out of band (recommended).
pub fn verify(bundle: &Bundle, pinned: Option<&PublicKey>) -> Result<BundleReport, BundleError> {
    let invalid = |m: String| BundleError::Invalid(m);
    let log_key: PublicKey = from_hex(&bundle.log_key)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| invalid("log_key: expected 64 hex digits".into()))?;
    if pinned.is_some_and(|p| *p != log_key) {
        return Err(invalid("log key differs from the pinned key".into()));
    }
    let c = &bundle.checkpoint;
    let signature: [u8; 64] = STANDARD
        .decode(&c.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| invalid("checkpoint.signature: expected 64 bytes of base64".into()))?;
    let checkpoint = Checkpoint {
        origin: bundle.origin.clone(),
        size: c.size,
        root: hash32("checkpoint.root", &c.root)?,
        timestamp: c.timestamp,
        key: log_key,
        signature,
    };
    checkpoint.verify().map_err(|e| invalid(e.to_string()))?;

    let mut entries = Vec::with_capacity(bundle.entries.len());
    let mut last: Option<u64> = None;
    for e in &bundle.entries {
        if last.is_some_and(|l| e.index <= l) {
            return Err(invalid(format!("entry {}: indices must increase", e.index)));
        }
        last = Some(e.index);
        let bytes = STANDARD
            .decode(&e.entry)
            .map_err(|err| invalid(format!("entry {}: not base64: {err}", e.index)))?;
        let proof: Vec<Hash> = e
            .proof
            .iter()
            .enumerate()
            .map(|(i, p)| hash32(&format!("entry {} proof[{i}]", e.index), p))
            .collect::<Result<_, _>>()?;
        verify_inclusion(e.index, checkpoint.size, &leaf_hash(&bytes), &proof, &checkpoint.root)
            .map_err(|err| invalid(format!("entry {}: inclusion proof: {err}", e.index)))?;
        let entry = SignedEntry::decode(&bytes).map_err(|err| invalid(format!("entry {}: {err}", e.index)))?;
        if entry.body.origin != bundle.origin {
            return Err(invalid(format!("entry {}: origin `{}`", e.index, entry.body.origin)));
        }
        let entry = entry
            .verify_signature()
            .map_err(|err| invalid(format!("entry {}: {err}", e.index)))?;
        entries.push((e.index, entry.into_inner()));
    }

    // Key registry, replayed from the included registrations.
    let mut keys: HashMap<PublicKey, (OrgId, Role)> = HashMap::new();
    let mut roles: HashMap<OrgId, Role> = HashMap::new();
    let mut last_seq: HashMap<PublicKey, u64> = HashMap::new();
    match entries.first() {
        Some((0, e))
            if matches!(
                &e.body.payload,
                Payload::RegisterOrg {
                    role: Role::Operator,
                    ..
                }
            ) => {}
        _ => {
            return Err(invalid(
                "the bundle must start with entry 0, the operator's self-registration".into(),
            ));
        }
    }
    // Every key the operator ever had: the checkpoint must be signed by one of them.
    let mut operator_keys: HashSet<PublicKey> = HashSet::new();
    // Who holds each lot, to check custody of every move and every input.
    let mut holder: HashMap<LotId, OrgId> = HashMap::new();
    let mut graph = LotGraph::default();
    let mut report = BundleReport {
        lot: bundle.lot.clone(),
        origin: bundle.origin.clone(),
        size: checkpoint.size,
        root: checkpoint.root,
        key_pinned: pinned.is_some(),
        entries: entries.len(),
        transfers: Vec::new(),
        attestations: Vec::new(),
        provenance: Vec::new(),
    };
    for (index, entry) in &entries {
        let body = &entry.body;
        let at = |m: String| invalid(format!("entry {index}: {m}"));
        if *index > 0 {
            match keys.get(&body.key) {
                Some((org, _)) if *org == body.org => {}
                _ => {
                    return Err(at(format!(
                        "key {} is not an active key of `{}`",
                        to_hex(&body.key[..8]),
                        body.org
                    )));
                }
            }
        }
        if let Some(prev) = last_seq.insert(body.key, body.seq)
            && body.seq <= prev
        {
            return Err(at(format!("sequence number {} after {prev} (replay)", body.seq)));
        }
        let signer_role = roles.get(&body.org).copied();
        match &body.payload {
            Payload::RegisterOrg { org, role, key, .. } => {
                if *index > 0 && signer_role != Some(Role::Operator) {
                    return Err(at("organisations are registered by the operator only".into()));
                }
                keys.insert(*key, (org.clone(), *role));
                roles.insert(org.clone(), *role);
                if *role == Role::Operator {
                    operator_keys.insert(*key);
                }
            }
            Payload::AddKey { key } => {
                keys.insert(*key, (body.org.clone(), signer_role.unwrap_or(Role::Member)));
                if signer_role == Some(Role::Operator) {
                    operator_keys.insert(*key);
                }
            }
            Payload::RevokeKey { key } => {
                keys.remove(key);
            }
            Payload::Transform {
                inputs,
                outputs,
                tolerance_ppm,
                ..
            } => {
                if let Some(u) = inputs.iter().find(|u| holder.get(&u.lot) != Some(&body.org)) {
                    return Err(at(format!(
                        "`{}` consumes `{}`, which it does not hold",
                        body.org, u.lot
                    )));
                }
                let input_mass = input_contained(&graph, inputs, &[])
                    .map_err(|lot| at(format!("input lot `{lot}` is not in the bundle")))?;
                check_balance(&input_mass, outputs, *tolerance_ppm).map_err(|e| at(e.to_string()))?;
            }
            // Their lots are recorded below, as every created lot is.
            Payload::Extract { .. } | Payload::Recycle { .. } => {}
            Payload::Transfer { lot, to } => {
                if holder.get(lot) != Some(&body.org) {
                    return Err(at(format!("`{}` transfers `{lot}`, which it does not hold", body.org)));
                }
                holder.insert(lot.clone(), to.clone());
                report
                    .transfers
                    .push((*index, lot.clone(), body.org.clone(), to.clone()));
            }
            Payload::Attest {
                subject,
                verdict,
                statement,
            } => {
                if signer_role != Some(Role::Auditor) {
                    return Err(at("attestation not signed by an auditor".into()));
                }
                report
                    .attestations
                    .push((*index, body.org.clone(), *subject, *verdict, statement.clone()));
            }
            Payload::Publish { .. } => {}
        }
        for created in graph.record(*index, &body.payload) {
            holder.insert(created.id.clone(), body.org.clone());
        }
    }
    if !operator_keys.contains(&log_key) {
        return Err(invalid("the checkpoint key is not an operator key of this log".into()));
    }
    report.provenance = provenance(&graph, &bundle.lot)
        .ok_or_else(|| invalid(format!("lot `{}` is not created in the bundle", bundle.lot)))?;
    Ok(report)
}
