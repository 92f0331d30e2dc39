//! The chain-of-custody ledger over HTTP: `POST /api/v1/ledger/entries` appends signed entries
//! to the log kept in the store (`critmin_store::SqlLogStore`); the reads show checkpoints,
//! entries, lots, provenance, claims, offline bundles and RFC 9162 proofs, each filtered by the
//! ledger's own read rules.
//!
//! Who speaks: an API key bound to a ledger organisation (`critmin keys create --org ORG`). A
//! write needs such a key with the role analyst or higher (401 without a key, 403 for a viewer
//! key or a key bound to no organisation) and every entry must be signed as the key's
//! organisation (403 otherwise). The entries are then checked, in order, against a copy of the
//! ledger's state: one rejected entry rejects the batch and nothing is stored (401 bad
//! signature, 403 not allowed for the role or not in custody, 409 replayed sequence number, 422
//! invalid or out of mass balance). Accepted batches are committed (durable) before the answer,
//! and a checkpoint is signed with the operator key given to `critmin serve --ledger-key`.
//!
//! Reads: without a key, or with a key bound to no organisation, the caller is the public (the
//! checkpoints, consistency proofs, and the lots the operator marked public); a bound key reads
//! with its organisation's rights (`critmin_ledger::State::may_read_lot`/`may_read_entry`).
//!
//! Boundary: every rule is the library's; this module maps requests and answers.

mod lots;
mod proofs;
mod reads;
mod writes;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::routing::{get, post};
use critmin_ledger::{Ledger, OrgId, Viewer};
use critmin_store::{SqlLogStore, Store};
use ed25519_dalek::SigningKey;
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

pub use lots::{
    CheckView, ClaimQuery, ClaimView, GradeView, LotQuery, LotView, ProvenanceQuery, ProvenanceView, provenance_view,
};
pub use proofs::{ConsistencyQuery, InclusionQuery};
pub use reads::{CheckpointView, EntriesQuery, EntryList, EntryView, entries_for};
pub use writes::{EntriesAppended, EntriesRequest};

/// The ledger a server writes: the log in the store, and the operator key that signs
/// checkpoints.
pub struct LedgerService {
    ledger: RwLock<Ledger<SqlLogStore>>,
    key: Option<SigningKey>,
}

impl std::fmt::Debug for LedgerService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerService")
            .field("signs_checkpoints", &self.key.is_some())
            .finish()
    }
}

/// Why the ledger could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LedgerOpenError {
    /// The log could not be locked or read.
    #[error("opening the ledger's log: {0}")]
    Store(#[from] critmin_ledger::store::StoreError),
    /// The stored log does not replay.
    #[error("reading the ledger's log: {0}")]
    Ledger(#[from] critmin_ledger::LedgerError),
    /// The checkpoint key is not the operator's.
    #[error("the ledger key is not an active key of the log's operator")]
    NotOperator,
}

impl LedgerService {
    /// Opens the ledger in `store` (taking the one-writer lock) and replays it; `key` signs a
    /// checkpoint after every accepted batch (it must be an active operator key once the log
    /// has an operator).
    pub async fn open(store: &Store, key: Option<SigningKey>) -> Result<LedgerService, LedgerOpenError> {
        let log = SqlLogStore::open(store).await?;
        let ledger = tokio::task::spawn_blocking(move || Ledger::open(log))
            .await
            .map_err(|e| critmin_ledger::store::StoreError::Backend(e.to_string()))??;
        if let (Some(key), Some((_, op))) = (&key, ledger.state().operator())
            && !op.keys.contains_key(&key.verifying_key().to_bytes())
        {
            return Err(LedgerOpenError::NotOperator);
        }
        Ok(LedgerService {
            ledger: RwLock::new(ledger),
            key,
        })
    }

    /// Number of entries in the log.
    pub fn size(&self) -> u64 {
        self.read().map_or(0, |l| l.size())
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Ledger<SqlLogStore>>, ApiError> {
        self.ledger
            .read()
            .map_err(|_| ApiError::internal(&"the ledger lock is poisoned"))
    }

    /// Runs `f` on the ledger under the read lock.
    pub fn with<T>(&self, f: impl FnOnce(&Ledger<SqlLogStore>) -> T) -> Result<T, ApiError> {
        let guard = self.read()?;
        Ok(f(&guard))
    }
}

/// The ledger routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/ledger/entries",
            post(writes::append_entries).get(reads::list_entries),
        )
        .route("/api/v1/ledger/entries/{index}", get(reads::get_entry))
        .route("/api/v1/ledger/checkpoints", get(reads::list_checkpoints))
        .route("/api/v1/ledger/checkpoints/latest", get(reads::latest_checkpoint))
        .route("/api/v1/ledger/lots/{lot}", get(lots::get_lot))
        .route("/api/v1/ledger/provenance", get(lots::get_provenance))
        .route("/api/v1/ledger/claims", get(lots::get_claim))
        .route("/api/v1/ledger/bundle", get(lots::get_bundle))
        .route("/api/v1/ledger/proofs/inclusion", get(proofs::inclusion_proof))
        .route("/api/v1/ledger/proofs/consistency", get(proofs::consistency_proof))
}

/// The OpenAPI part of the ledger routes.
#[derive(OpenApi)]
#[openapi(paths(
    writes::append_entries,
    reads::list_entries,
    reads::get_entry,
    reads::list_checkpoints,
    reads::latest_checkpoint,
    lots::get_lot,
    lots::get_provenance,
    lots::get_claim,
    lots::get_bundle,
    proofs::inclusion_proof,
    proofs::consistency_proof
))]
pub struct Api;

pub(crate) fn service(state: &AppState) -> Result<Arc<LedgerService>, ApiError> {
    state.ledger.clone().ok_or_else(|| {
        ApiError::not_found("this server keeps no ledger: start it with `critmin serve --ledger-key FILE`")
    })
}

/// The reader's rights: the organisation its key is bound to, else the public.
pub(crate) async fn viewer(state: &AppState, caller: &Caller) -> Result<Viewer, ApiError> {
    Ok(match &caller.0 {
        None => Viewer::Public,
        Some(key) => match state.store.ledger_org_of_key(&key.id).await? {
            Some(org) => Viewer::Org(OrgId(org)),
            None => Viewer::Public,
        },
    })
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
