//! Reading the log: checkpoints (public) and the entries the caller may read.

use axum::Json;
use axum::extract::{Path, State};
use critmin_ledger::checkpoint::Checkpoint;
use critmin_ledger::entry::{EntryBody, SignedEntry, to_hex};
use critmin_ledger::{Ledger, Viewer};
use critmin_store::SqlLogStore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{service, viewer};
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};

/// A signed checkpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    /// Log origin.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash of the first `size` entries, hex.
    pub root: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// The operator key that signed, hex.
    pub key: String,
    /// ed25519 signature over `note`, hex.
    pub signature: String,
    /// The signed text.
    pub note: String,
}

pub(crate) fn checkpoint_view(c: &Checkpoint) -> CheckpointView {
    CheckpointView {
        origin: c.origin.clone(),
        size: c.size,
        root: to_hex(&c.root),
        timestamp: c.timestamp,
        key: to_hex(&c.key),
        signature: to_hex(&c.signature),
        note: c.note(),
    }
}

/// Every checkpoint, oldest first (public).
#[utoipa::path(get, path = "/api/v1/ledger/checkpoints", tag = "ledger",
    responses((status = 200, body = [CheckpointView]), (status = 404, body = ErrorBody)))]
pub(super) async fn list_checkpoints(State(state): State<AppState>) -> Result<Json<Vec<CheckpointView>>, ApiError> {
    let service = service(&state)?;
    service.with(|l| Json(l.checkpoints().iter().map(checkpoint_view).collect()))
}

/// The latest checkpoint (public).
#[utoipa::path(get, path = "/api/v1/ledger/checkpoints/latest", tag = "ledger",
    responses((status = 200, body = CheckpointView), (status = 404, body = ErrorBody)))]
pub(super) async fn latest_checkpoint(State(state): State<AppState>) -> Result<Json<CheckpointView>, ApiError> {
    let service = service(&state)?;
    service
        .with(|l| l.latest_checkpoint().map(checkpoint_view))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no checkpoint yet"))
}

/// An entry as a reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// Leaf index.
    pub index: u64,
    /// Kind (`extract`, `transfer`, …).
    pub kind: &'static str,
    /// The signed content, as JSON.
    #[schema(value_type = Object)]
    pub body: EntryBody,
    /// The canonical signed bytes, hex (the Merkle leaf).
    pub entry: String,
}

fn entry_view(index: u64, bytes: &[u8]) -> Result<EntryView, ApiError> {
    let e = SignedEntry::decode(bytes).map_err(|e| ApiError::internal(&e))?;
    Ok(EntryView {
        index,
        kind: e.body.payload.kind(),
        body: e.body,
        entry: to_hex(bytes),
    })
}

/// Paging of the entry list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    /// First leaf index to consider (default 0).
    pub from: Option<u64>,
    /// Most entries returned (default 100, at most 1,000).
    pub limit: Option<usize>,
    /// Only the entries that create, move, consume or publish this lot.
    pub lot: Option<String>,
    /// Newest first (from the end of the log).
    pub newest_first: Option<bool>,
}

/// The entries the caller may read.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    /// Log size.
    pub size: u64,
    /// The entries.
    pub entries: Vec<EntryView>,
}

/// The entries the caller may read (the public: entries about public lots; an organisation:
/// its own and those about lots it may read; the operator and auditors: all).
#[utoipa::path(get, path = "/api/v1/ledger/entries", tag = "ledger", params(EntriesQuery),
    responses((status = 200, body = EntryList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn list_entries(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<EntryList>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::bad_param("limit", "expected 1 to 1000"));
    }
    service.with(|l| {
        entries_for(
            l,
            &viewer,
            q.from.unwrap_or(0),
            limit,
            q.lot.as_deref(),
            q.newest_first.unwrap_or(false),
        )
    })?
}

/// The entries `viewer` may read, from leaf `from`, at most `limit`.
pub fn entries_for(
    ledger: &Ledger<SqlLogStore>,
    viewer: &Viewer,
    from: u64,
    limit: usize,
    lot: Option<&str>,
    newest_first: bool,
) -> Result<Json<EntryList>, ApiError> {
    let mut entries = Vec::new();
    let all = ledger.entries();
    let start = usize::try_from(from).unwrap_or(usize::MAX).min(all.len());
    let indices: Box<dyn Iterator<Item = usize>> = if newest_first {
        Box::new((start..all.len()).rev())
    } else {
        Box::new(start..all.len())
    };
    for i in indices {
        if entries.len() == limit {
            break;
        }
        let e = SignedEntry::decode(&all[i]).map_err(|e| ApiError::internal(&e))?;
        if lot.is_some_and(|l| !e.body.payload.lots().iter().any(|x| x.as_str() == l)) {
            continue;
        }
        if ledger.state().may_read_entry(viewer, &e.body) {
            entries.push(entry_view(i as u64, &all[i])?);
        }
    }
    Ok(Json(EntryList {
        size: ledger.size(),
        entries,
    }))
}

/// One entry, if the caller may read it.
#[utoipa::path(get, path = "/api/v1/ledger/entries/{index}", tag = "ledger",
    params(("index" = u64, Path, description = "Leaf index")),
    responses((status = 200, body = EntryView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_entry(
    State(state): State<AppState>,
    caller: Caller,
    Path(index): Path<u64>,
) -> Result<Json<EntryView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let bytes = l
            .entry_bytes(index)
            .ok_or_else(|| ApiError::not_found(format!("no entry {index} you may read")))?;
        let e = SignedEntry::decode(bytes).map_err(|e| ApiError::internal(&e))?;
        if !l.state().may_read_entry(&viewer, &e.body) {
            return Err(ApiError::not_found(format!("no entry {index} you may read")));
        }
        entry_view(index, bytes).map(Json)
    })?
}
