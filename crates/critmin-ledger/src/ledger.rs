//! The ledger: a store, the state replayed from it and the Merkle tree over its entries.
//!
//! Appends go in batches: signatures are checked in parallel (they need no state), the rules
//! are checked one entry after the other, the accepted entries are written with one sync, and
//! only then are they acknowledged with their leaf index. A store error stops the ledger: it
//! acknowledges nothing more until reopened (which recovers from the files).

use critmin_merkle::{Hash, MerkleTree, ProofError};
use ed25519_dalek::SigningKey;

use crate::checkpoint::Checkpoint;
use crate::entry::{Role, SignedEntry, VerifiedEntry};
use crate::state::{Rejection, State};
use crate::store::{LogStore, StoreError, Stream};

/// Why the ledger cannot go on (as opposed to one entry being rejected).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The store failed; the ledger has stopped.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// An entry in the stored log does not decode or validate: the log was altered.
    #[error("stored entry {index} is invalid: {reason}")]
    Corrupt {
        /// Leaf index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// A stored checkpoint does not match the log.
    #[error("stored checkpoint {index} is invalid: {reason}")]
    BadCheckpoint {
        /// Position in the checkpoint stream.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The writer thread stopped after a store error; the entry is not acknowledged.
    #[error("the writer stopped ({0}); nothing more is acknowledged")]
    WriterStopped(String),
    /// The ledger stopped after an earlier store error.
    #[error("the ledger stopped after a store error; reopen it")]
    Stopped,
    /// The key given is not an active operator key.
    #[error("only an active operator key signs checkpoints")]
    NotOperator,
    /// A proof cannot be made.
    #[error(transparent)]
    Proof(#[from] ProofError),
}

/// Why one append did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The entry was rejected; nothing changed.
    #[error("rejected: {0}")]
    Rejected(#[from] Rejection),
    /// The ledger failed; the entry is not acknowledged.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// A ledger over a store.
pub struct Ledger<S: LogStore> {
    store: S,
    state: State,
    tree: MerkleTree,
    entries: Vec<Vec<u8>>,
    checkpoints: Vec<Checkpoint>,
    stopped: bool,
}

impl<S: LogStore> std::fmt::Debug for Ledger<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("size", &self.size())
            .field("stopped", &self.stopped)
            .finish()
    }
}

/// Checks signatures, on both cores when the batch is large enough to pay for a thread.
fn verify_all(entries: Vec<SignedEntry>) -> Vec<Result<VerifiedEntry, Rejection>> {
    fn one(e: SignedEntry) -> Result<VerifiedEntry, Rejection> {
        e.verify_signature().map_err(Rejection::Signature)
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if entries.len() < 64 || threads == 1 {
        return entries.into_iter().map(one).collect();
    }
    let chunk = entries.len().div_ceil(threads);
    let mut chunks: Vec<Vec<SignedEntry>> = Vec::new();
    let mut it = entries.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(chunk).collect());
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signature check does not panic"))
            .collect()
    })
}

impl<S: LogStore> Ledger<S> {
    /// Opens a ledger: reads the store, checks and replays every entry, checks every checkpoint.
    pub fn open(mut store: S) -> Result<Ledger<S>, LedgerError> {
        let records = store.read_all(Stream::Entries)?;
        let mut state = State::new("");
        let mut tree = MerkleTree::new();
        let decoded: Vec<Result<SignedEntry, String>> = records
            .iter()
            .map(|r| SignedEntry::decode(r).map_err(|e| e.to_string()))
            .collect();
        let mut to_verify = Vec::with_capacity(decoded.len());
        for (index, d) in decoded.into_iter().enumerate() {
            to_verify.push(d.map_err(|reason| LedgerError::Corrupt {
                index: index as u64,
                reason,
            })?);
        }
        for (index, (verified, record)) in verify_all(to_verify).into_iter().zip(&records).enumerate() {
            let corrupt = |reason: String| LedgerError::Corrupt {
                index: index as u64,
                reason,
            };
            let verified = verified.map_err(|e| corrupt(e.to_string()))?;
            state.apply(&verified).map_err(|e| corrupt(e.to_string()))?;
            tree.push_entry(record);
        }
        let mut checkpoints = Vec::new();
        for (index, bytes) in store.read_all(Stream::Checkpoints)?.into_iter().enumerate() {
            let bad = |reason: String| LedgerError::BadCheckpoint { index, reason };
            let c = Checkpoint::decode(&bytes).map_err(|e| bad(e.to_string()))?;
            c.verify().map_err(|e| bad(e.to_string()))?;
            if !is_operator_key(&state, &c.key) {
                return Err(bad("not signed by an operator key".into()));
            }
            let root = tree.root_at(c.size).map_err(|e| bad(e.to_string()))?;
            if root != c.root || c.origin != state.origin() {
                return Err(bad(format!("root or origin differs from the log at size {}", c.size)));
            }
            checkpoints.push(c);
        }
        Ok(Ledger {
            store,
            state,
            tree,
            entries: records,
            checkpoints,
            stopped: false,
        })
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.tree.len()
    }

    /// The state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The Merkle tree.
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// Encoded entry `index`.
    pub fn entry_bytes(&self, index: u64) -> Option<&[u8]> {
        self.entries.get(usize::try_from(index).ok()?).map(Vec::as_slice)
    }

    /// Every encoded entry.
    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    /// Stored checkpoints, oldest first.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// The latest checkpoint.
    pub fn latest_checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoints.last()
    }

    /// Root hash at `size`.
    pub fn root_at(&self, size: u64) -> Result<Hash, LedgerError> {
        Ok(self.tree.root_at(size)?)
    }

    /// Appends one entry; `Ok(index)` once it is durable.
    pub fn append(&mut self, entry: SignedEntry) -> Result<u64, AppendError> {
        let mut results = self.append_batch(vec![entry])?;
        Ok(results.pop().expect("one result per entry")?)
    }

    /// Appends a batch with one sync; per entry its leaf index or why it was rejected. `Err`
    /// means the store failed and nothing of the batch is acknowledged.
    pub fn append_batch(&mut self, entries: Vec<SignedEntry>) -> Result<Vec<Result<u64, Rejection>>, LedgerError> {
        if self.stopped {
            return Err(LedgerError::Stopped);
        }
        let mut results = Vec::with_capacity(entries.len());
        let mut accepted = Vec::new();
        for verified in verify_all(entries) {
            let outcome = verified.and_then(|v| {
                self.state.apply(&v)?;
                accepted.push(v.into_inner().encode());
                Ok(self.tree.len() + accepted.len() as u64 - 1)
            });
            results.push(outcome);
        }
        if !accepted.is_empty() {
            if let Err(e) = self.store.append(Stream::Entries, &accepted) {
                // The state already holds the batch; stop rather than diverge from the files.
                self.stopped = true;
                return Err(e.into());
            }
            for record in accepted {
                self.tree.push_entry(&record);
                self.entries.push(record);
            }
        }
        Ok(results)
    }

    /// Signs and stores a checkpoint of the current tree with an operator key.
    pub fn checkpoint(&mut self, key: &SigningKey, timestamp: i64) -> Result<Checkpoint, LedgerError> {
        if self.stopped {
            return Err(LedgerError::Stopped);
        }
        let public = key.verifying_key().to_bytes();
        let active = self.state.operator().is_some_and(|(_, o)| o.keys.contains_key(&public));
        if !active {
            return Err(LedgerError::NotOperator);
        }
        let c = Checkpoint::sign(self.state.origin(), self.size(), self.tree.root(), timestamp, key);
        if let Err(e) = self.store.append(Stream::Checkpoints, &[c.encode()]) {
            self.stopped = true;
            return Err(e.into());
        }
        self.checkpoints.push(c.clone());
        Ok(c)
    }

    /// Inclusion proof of entry `index` in the tree of `size` entries.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        Ok(self.tree.inclusion_proof(index, size)?)
    }

    /// Consistency proof from size `first` to size `second`.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, LedgerError> {
        Ok(self.tree.consistency_proof(first, second)?)
    }
}

/// Whether `key` is or was registered to the operator.
fn is_operator_key(state: &State, key: &[u8; 32]) -> bool {
    state
        .key_org(key)
        .and_then(|org| state.org(org))
        .is_some_and(|o| o.role == Role::Operator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Payload, Signer};
    use crate::store::FileStore;

    fn operator() -> (Signer, SignedEntry) {
        let key = SigningKey::from_bytes(&[9; 32]);
        let mut s = Signer::new("unit-log", "operator", key.clone(), 0);
        let e = s.sign(
            Payload::RegisterOrg {
                org: crate::OrgId("operator".into()),
                role: Role::Operator,
                name: "op".into(),
                country: "USA".parse().unwrap(),
                key: key.verifying_key().to_bytes(),
            },
            0,
        );
        (s, e)
    }

    #[test]
    fn an_fsync_error_stops_the_ledger_and_acknowledges_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
        let (mut op, first) = operator();
        assert_eq!(ledger.append(first).unwrap(), 0);
        ledger
            .store
            .set_sync_for_tests(|_| Err(std::io::Error::other("injected EIO")));
        let key = SigningKey::from_bytes(&[8; 32]);
        let register = |op: &mut Signer, org: &str| {
            op.sign(
                Payload::RegisterOrg {
                    org: crate::OrgId(org.into()),
                    role: Role::Member,
                    name: org.into(),
                    country: "USA".parse().unwrap(),
                    key: SigningKey::from_bytes(&[org.len() as u8; 32])
                        .verifying_key()
                        .to_bytes(),
                },
                0,
            )
        };
        let e = register(&mut op, "a");
        assert!(matches!(
            ledger.append(e),
            Err(AppendError::Ledger(LedgerError::Store(_)))
        ));
        assert_eq!(ledger.size(), 1, "nothing acknowledged");
        // Even with a healthy disk again, the ledger refuses until reopened.
        ledger.store.set_sync_for_tests(std::fs::File::sync_data);
        let e = register(&mut op, "bb");
        assert!(matches!(
            ledger.append(e),
            Err(AppendError::Ledger(LedgerError::Stopped))
        ));
        assert!(matches!(ledger.checkpoint(&key, 0), Err(LedgerError::Stopped)));
        drop(ledger);
        // Reopening recovers a consistent prefix (the failed write may or may not be there:
        // it was never acknowledged).
        let ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
        assert!(ledger.size() >= 1);
    }

    #[test]
    fn a_stored_entry_that_was_altered_is_reported_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
            ledger.append(operator().1).unwrap();
        }
        // Rewrite the record with a valid frame around altered content.
        let path = dir.path().join("entries.log");
        let bytes = std::fs::read(&path).unwrap();
        let (records, _) = crate::store::unframe(&bytes);
        let mut record = records[0].clone();
        let n = record.len();
        record[n - 1] ^= 1;
        std::fs::write(&path, []).unwrap();
        {
            let mut store = FileStore::open(dir.path()).unwrap();
            store.append(crate::store::Stream::Entries, &[record]).unwrap();
        }
        let err = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap_err();
        assert!(matches!(err, LedgerError::Corrupt { index: 0, .. }), "{err}");
    }
}
