//! Group commit: one thread owns the ledger; callers on any thread submit entries and wait for
//! their acknowledgement. Whatever has queued up while the previous batch was syncing goes into
//! the next batch, so many concurrent writers share one fsync (batched durability) while each
//! still gets its answer only after its entry is on disk.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use ed25519_dalek::SigningKey;

use crate::checkpoint::Checkpoint;
use crate::entry::SignedEntry;
use crate::ledger::{AppendError, Ledger, LedgerError};
use crate::store::LogStore;

/// Largest batch written with one sync.
pub const MAX_BATCH: usize = 4096;

enum Request {
    Append(Box<SignedEntry>, Sender<Result<u64, AppendError>>),
    Checkpoint(Box<SigningKey>, i64, Sender<Result<Checkpoint, LedgerError>>),
}

/// A handle to submit entries to the ledger thread; cheap to clone.
#[derive(Clone)]
pub struct Committer {
    tx: Sender<Request>,
}

impl std::fmt::Debug for Committer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Committer")
    }
}

/// Error when the ledger thread has ended (after a store error, or when dropped).
fn gone() -> LedgerError {
    LedgerError::Stopped
}

impl Committer {
    /// Starts the ledger thread; the join handle gives the ledger back once every `Committer`
    /// is dropped.
    pub fn spawn<S: LogStore + Send + 'static>(ledger: Ledger<S>) -> (Committer, JoinHandle<Ledger<S>>) {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::spawn(move || run(ledger, rx));
        (Committer { tx }, handle)
    }

    /// Submits an entry and waits until it is durable (or rejected).
    pub fn append(&self, entry: SignedEntry) -> Result<u64, AppendError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Request::Append(Box::new(entry), reply))
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }

    /// Asks for a signed checkpoint of everything acknowledged so far.
    pub fn checkpoint(&self, key: &SigningKey, timestamp: i64) -> Result<Checkpoint, LedgerError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Request::Checkpoint(Box::new(key.clone()), timestamp, reply))
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

fn run<S: LogStore>(mut ledger: Ledger<S>, rx: Receiver<Request>) -> Ledger<S> {
    while let Ok(first) = rx.recv() {
        let mut entries = Vec::new();
        let mut replies = Vec::new();
        let mut checkpoint = None;
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                Request::Append(e, reply) => {
                    entries.push(*e);
                    replies.push(reply);
                }
                Request::Checkpoint(key, ts, reply) => {
                    // A checkpoint closes the batch: it covers everything before it.
                    checkpoint = Some((key, ts, reply));
                    break;
                }
            }
            if entries.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !entries.is_empty() {
            match ledger.append_batch(entries) {
                Ok(results) => {
                    for (reply, r) in replies.into_iter().zip(results) {
                        let _ = reply.send(r.map_err(AppendError::from));
                    }
                }
                Err(e) => {
                    let why = e.to_string();
                    for reply in replies {
                        let _ = reply.send(Err(AppendError::Ledger(LedgerError::WriterStopped(why.clone()))));
                    }
                    return ledger;
                }
            }
        }
        if let Some((key, ts, reply)) = checkpoint {
            let result = ledger.checkpoint(&key, ts);
            let failed = result.is_err() && !matches!(result, Err(LedgerError::NotOperator));
            let _ = reply.send(result);
            if failed {
                return ledger;
            }
        }
    }
    ledger
}
