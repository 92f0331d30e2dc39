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

use std::sync::{Arc, RwLock};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use critmin_app::ledger::{self as spec, ShareRow, View};
use critmin_ledger::bundle;
use critmin_ledger::checkpoint::Checkpoint;
use critmin_ledger::entry::{EntryBody, SignedEntry, to_hex};
use critmin_ledger::rules::{Date, Verdict, embedded_rule_packs, evaluate};
use critmin_ledger::{Ledger, LotId, OrgId, Rejection, Viewer};
use critmin_merkle::case::ProofCase;
use critmin_model::{CountryCode, Group, GroupSet};
use critmin_store::{SqlLogStore, Store};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller};
use crate::body::{ApiQuery, JsonBody};
use crate::error::{ApiError, ErrorBody};

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
        .route("/api/v1/ledger/entries", post(append_entries).get(list_entries))
        .route("/api/v1/ledger/entries/{index}", get(get_entry))
        .route("/api/v1/ledger/checkpoints", get(list_checkpoints))
        .route("/api/v1/ledger/checkpoints/latest", get(latest_checkpoint))
        .route("/api/v1/ledger/lots/{lot}", get(get_lot))
        .route("/api/v1/ledger/provenance", get(get_provenance))
        .route("/api/v1/ledger/claims", get(get_claim))
        .route("/api/v1/ledger/bundle", get(get_bundle))
        .route("/api/v1/ledger/proofs/inclusion", get(inclusion_proof))
        .route("/api/v1/ledger/proofs/consistency", get(consistency_proof))
}

fn service(state: &AppState) -> Result<Arc<LedgerService>, ApiError> {
    state.ledger.clone().ok_or_else(|| {
        ApiError::not_found("this server keeps no ledger: start it with `critmin serve --ledger-key FILE`")
    })
}

/// The reader's rights: the organisation its key is bound to, else the public.
async fn viewer(state: &AppState, caller: &Caller) -> Result<Viewer, ApiError> {
    Ok(match &caller.0 {
        None => Viewer::Public,
        Some(key) => match state.store.ledger_org_of_key(&key.id).await? {
            Some(org) => Viewer::Org(OrgId(org)),
            None => Viewer::Public,
        },
    })
}

/// Unix seconds now.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// Writes

/// Signed entries to append, all or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntriesRequest {
    /// Each entry's canonical signed bytes as hex (`critmin-ledger` encoding, version 1), in
    /// the order they are to be appended.
    pub entries: Vec<String>,
}

/// Entries appended.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntriesAppended {
    /// Leaf index of each entry, in request order.
    pub indices: Vec<u64>,
    /// Log size after the append.
    pub size: u64,
    /// The checkpoint signed after the append (none when the server has no ledger key).
    pub checkpoint: Option<CheckpointView>,
}

/// The answer to a rejected entry: status, code and the field at fault.
fn rejection(index: usize, r: &Rejection) -> ApiError {
    let (status, code) = match r {
        Rejection::Signature(_) => (StatusCode::UNAUTHORIZED, "bad_signature"),
        Rejection::UnknownOrg(_)
        | Rejection::ForeignKey { .. }
        | Rejection::Forbidden { .. }
        | Rejection::NotInCustody { .. } => (StatusCode::FORBIDDEN, "forbidden"),
        Rejection::Sequence { .. } => (StatusCode::CONFLICT, "replay"),
        Rejection::WrongOrigin { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_origin"),
        Rejection::MassBalance { .. } | Rejection::InsufficientCredit { .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, "mass_balance")
        }
        Rejection::Field(_) | Rejection::Conflict(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_entry"),
    };
    let field = match r {
        Rejection::Field(f) => format!("entries[{index}].{}", f.field),
        _ => format!("entries[{index}]"),
    };
    ApiError::new(
        status,
        code,
        format!("entry {index} rejected: {r}; nothing of the request was stored"),
    )
    .with_field(field)
}

/// Appends signed entries as the key's organisation (role analyst or higher). The batch is
/// checked against a copy of the ledger's state; one rejected entry rejects the whole batch
/// and nothing is stored. Answers once the entries are durable.
#[utoipa::path(post, path = "/api/v1/ledger/entries", tag = "ledger", security(("bearer" = [])),
    request_body = EntriesRequest,
    responses(
        (status = 201, body = EntriesAppended),
        (status = 400, description = "Malformed body or entry (the field is named)", body = ErrorBody),
        (status = 401, description = "No key, or an entry whose signature does not verify", body = ErrorBody),
        (status = 403, description = "Viewer key, key bound to no or another organisation, role or custody forbids", body = ErrorBody),
        (status = 409, description = "Replayed or out-of-order sequence number", body = ErrorBody),
        (status = 422, description = "Invalid entry or mass balance outside the tolerance", body = ErrorBody)))]
pub async fn append_entries(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(request): JsonBody<EntriesRequest>,
) -> Result<Response, ApiError> {
    let service = service(&state)?;
    let org = state.store.ledger_org_of_key(&key.id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this key speaks for no ledger organisation (create one with `critmin keys create --org ORG`)",
        )
    })?;
    let entries = spec::decode_entries("entries", &request.entries).map_err(|e| {
        let message = format!("`{}`: {}", e.field, e.message);
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", message).with_field(e.field)
    })?;
    if let Some(i) = entries.iter().position(|e| e.body.org.as_str() != org) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "entry {i} is signed as `{}`; this key writes only the entries of `{org}`",
                entries[i].body.org
            ),
        )
        .with_field(format!("entries[{i}]")));
    }
    // The write runs in its own blocking task: a client that disconnects cannot cut it.
    let task = tokio::task::spawn_blocking(move || append_blocking(&service, entries));
    let appended = task.await.map_err(|e| ApiError::internal(&e))??;
    Ok((StatusCode::CREATED, Json(appended)).into_response())
}

fn append_blocking(service: &LedgerService, entries: Vec<SignedEntry>) -> Result<EntriesAppended, ApiError> {
    let mut ledger = service
        .ledger
        .write()
        .map_err(|_| ApiError::internal(&"the ledger lock is poisoned"))?;
    // Every entry against a copy of the state, in order: one rejection rejects the batch.
    let mut copy = ledger.state().clone();
    for (i, e) in entries.iter().enumerate() {
        let verified = e
            .clone()
            .verify_signature()
            .map_err(|s| rejection(i, &Rejection::Signature(s)))?;
        copy.apply(&verified).map_err(|r| rejection(i, &r))?;
    }
    drop(copy);
    let results = ledger.append_batch(entries).map_err(|e| {
        tracing::error!(error = %e, "the ledger stopped");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ledger_stopped",
            "the ledger's store failed; nothing of this request is acknowledged (restart the server to recover)",
        )
    })?;
    let mut indices = Vec::with_capacity(results.len());
    for (i, r) in results.into_iter().enumerate() {
        // The copy accepted the same entries in the same order, so the ledger does too.
        indices.push(r.map_err(|r| rejection(i, &r))?);
    }
    let checkpoint = match &service.key {
        Some(key) => match ledger.checkpoint(key, now()) {
            Ok(c) => Some(checkpoint_view(&c)),
            Err(e) => {
                tracing::warn!(error = %e, "no checkpoint after the append");
                None
            }
        },
        None => None,
    };
    Ok(EntriesAppended {
        indices,
        size: ledger.size(),
        checkpoint,
    })
}

// ---------------------------------------------------------------------------------------------
// Reads

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

fn checkpoint_view(c: &Checkpoint) -> CheckpointView {
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
pub async fn list_checkpoints(State(state): State<AppState>) -> Result<Json<Vec<CheckpointView>>, ApiError> {
    let service = service(&state)?;
    service.with(|l| Json(l.checkpoints().iter().map(checkpoint_view).collect()))
}

/// The latest checkpoint (public).
#[utoipa::path(get, path = "/api/v1/ledger/checkpoints/latest", tag = "ledger",
    responses((status = 200, body = CheckpointView), (status = 404, body = ErrorBody)))]
pub async fn latest_checkpoint(State(state): State<AppState>) -> Result<Json<CheckpointView>, ApiError> {
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
pub async fn list_entries(
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
pub async fn get_entry(
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

/// A lot as a reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotView {
    /// Lot id.
    pub lot: String,
    /// Form (ore, concentrate, cathode, …).
    pub form: String,
    /// Declared mass, grams.
    pub mass_g: u64,
    /// Grams not yet consumed.
    pub remaining_g: u64,
    /// Current custodian.
    pub owner: String,
    /// Country of the site that made it.
    pub country: String,
    /// Grades: element and parts per million of mass.
    pub grades: Vec<GradeView>,
    /// Whether the operator marked it public.
    pub public: bool,
    /// Leaf indices of the entries about it that the caller may read.
    pub entries: Vec<u64>,
}

/// A grade.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeView {
    /// Element.
    pub element: String,
    /// Parts per million of mass.
    pub ppm: u32,
}

fn unknown_lot(lot: &str) -> ApiError {
    ApiError::not_found(format!("no lot `{lot}` you may read"))
}

/// A lot: custodian, mass, grades and the entries about it (if the caller may read it).
#[utoipa::path(get, path = "/api/v1/ledger/lots/{lot}", tag = "ledger",
    params(("lot" = String, Path, description = "Lot id")),
    responses((status = 200, body = LotView), (status = 404, body = ErrorBody)))]
pub async fn get_lot(
    State(state): State<AppState>,
    caller: Caller,
    Path(lot): Path<String>,
) -> Result<Json<LotView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let id = LotId(lot.clone());
        let st = l.state();
        let (Some(now), Some(spec)) = (st.lot(&id), st.graph().spec(&id)) else {
            return Err(unknown_lot(&lot));
        };
        if !st.may_read_lot(&viewer, &id) {
            return Err(unknown_lot(&lot));
        }
        let mut entries = Vec::new();
        for (i, bytes) in l.entries().iter().enumerate() {
            let e = SignedEntry::decode(bytes).map_err(|e| ApiError::internal(&e))?;
            if e.body.payload.lots().contains(&&id) && st.may_read_entry(&viewer, &e.body) {
                entries.push(i as u64);
            }
        }
        Ok(Json(LotView {
            lot,
            form: spec.form.clone(),
            mass_g: spec.mass_g,
            remaining_g: now.remaining_g,
            owner: now.owner.to_string(),
            country: spec.country.to_string(),
            grades: spec
                .grades
                .iter()
                .map(|g| GradeView {
                    element: g.element.clone(),
                    ppm: g.ppm,
                })
                .collect(),
            public: st.is_public(&id),
            entries,
        }))
    })?
}

/// Which lot and how to read its provenance.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceQuery {
    /// The lot.
    pub lot: String,
    /// `physical` (default) or `mass_balance`.
    pub view: Option<String>,
    /// Partner group for the partner share (default `ira-fta`).
    pub partners: Option<String>,
}

/// Origin shares of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceView {
    /// The lot.
    pub lot: String,
    /// `physical` or `mass_balance`.
    pub view: &'static str,
    /// Partner group of the partner share.
    pub partners: String,
    /// One row per element and measure; shares of contained element (mass), 0 to 1.
    #[schema(value_type = Vec<Object>)]
    pub shares: Vec<ShareRow>,
}

fn parse_view(view: Option<&str>) -> Result<View, ApiError> {
    view.map_or(Ok(View::Physical), |v| {
        v.parse().map_err(|e: String| ApiError::bad_param("view", e))
    })
}

fn groups_of(state: &AppState) -> impl Fn(CountryCode) -> GroupSet + '_ {
    move |c| state.dataset.country(c).map_or(GroupSet::EMPTY, |k| k.groups)
}

/// The provenance shares of a lot, computed as `critmin ledger provenance` does.
pub fn provenance_view(
    state: &AppState,
    ledger: &Ledger<SqlLogStore>,
    viewer: &Viewer,
    lot: &str,
    view: View,
    partners: Group,
) -> Result<ProvenanceView, ApiError> {
    let elements =
        spec::lot_provenance(ledger.state(), viewer, &LotId(lot.to_owned()), view).ok_or_else(|| unknown_lot(lot))?;
    Ok(ProvenanceView {
        lot: lot.to_owned(),
        view: view.as_str(),
        partners: partners.id().to_owned(),
        shares: spec::share_rows(&elements, partners, view, &groups_of(state)),
    })
}

/// Origin shares of a lot's contained elements (by country, partner group, FEOC-covered
/// nations, recycled), exact through the transformation graph.
#[utoipa::path(get, path = "/api/v1/ledger/provenance", tag = "ledger", params(ProvenanceQuery),
    responses((status = 200, body = ProvenanceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_provenance(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProvenanceQuery>,
) -> Result<Json<ProvenanceView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    let view = parse_view(q.view.as_deref())?;
    let partners: Group = q
        .partners
        .as_deref()
        .unwrap_or("ira-fta")
        .parse()
        .map_err(|e: critmin_model::ParseGroupError| ApiError::bad_param("partners", e.to_string()))?;
    service.with(|l| provenance_view(&state, l, &viewer, &q.lot, view, partners).map(Json))?
}

/// A claim to check.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// The lot.
    pub lot: String,
    /// Rule pack id (`us-30d-critical-minerals`, `eu-2023-1542-recycled-content`).
    pub rule: String,
    /// Date of the claim, YYYY-MM-DD (default today, UTC).
    pub date: Option<String>,
    /// `physical` (default) or `mass_balance`.
    pub view: Option<String>,
}

/// A claim checked against a rule pack.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimView {
    /// The lot.
    pub lot: String,
    /// Rule pack id.
    pub rule: String,
    /// Rule pack title.
    pub title: String,
    /// Date of the claim.
    pub date: String,
    /// `pass`, `fail` or `not_applicable`.
    #[schema(value_type = String)]
    pub verdict: Verdict,
    /// The figures.
    pub checks: Vec<CheckView>,
    /// Caveats.
    pub notes: Vec<String>,
    /// What is measured and how.
    pub basis: String,
}

/// One figure of a claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// Element.
    pub element: String,
    /// What is measured.
    pub measure: String,
    /// The lot's share, 0 to 1.
    pub share: f64,
    /// Required share, 0 to 1.
    pub required: f64,
    /// Whether the requirement is a minimum (else a maximum).
    pub is_minimum: bool,
    /// Whether it passes.
    pub pass: bool,
}

/// Checks a lot against a dated rule pack, as `critmin ledger claim` does.
#[utoipa::path(get, path = "/api/v1/ledger/claims", tag = "ledger", params(ClaimQuery),
    responses((status = 200, body = ClaimView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_claim(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ClaimQuery>,
) -> Result<Json<ClaimView>, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    let view = parse_view(q.view.as_deref())?;
    let packs = embedded_rule_packs();
    let pack = packs.iter().find(|p| p.id == q.rule).ok_or_else(|| {
        ApiError::bad_param(
            "rule",
            format!(
                "unknown rule `{}`; expected one of: {}",
                q.rule,
                packs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let date: Date = match &q.date {
        Some(d) => d.parse().map_err(|e: String| ApiError::bad_param("date", e))?,
        None => Date::from_unix(now()),
    };
    let elements = service.with(|l| spec::lot_provenance(l.state(), &viewer, &LotId(q.lot.clone()), view))?;
    let elements = elements.ok_or_else(|| unknown_lot(&q.lot))?;
    let outcome = evaluate(pack, &elements, date, &groups_of(&state));
    Ok(Json(ClaimView {
        lot: q.lot.clone(),
        rule: outcome.rule.clone(),
        title: pack.title.clone(),
        date: date.to_string(),
        verdict: outcome.verdict,
        checks: outcome
            .checks
            .iter()
            .map(|c| CheckView {
                element: c.element.clone(),
                measure: c.measure.clone(),
                share: critmin_ledger::provenance::to_f64(&c.share),
                required: critmin_ledger::provenance::to_f64(&c.required),
                is_minimum: c.is_minimum,
                pass: c.pass,
            })
            .collect(),
        notes: outcome.notes.clone(),
        basis: pack.basis.clone(),
    }))
}

/// The lot of a bundle.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LotQuery {
    /// The lot.
    pub lot: String,
}

/// The offline bundle of a lot (format `critmin-bundle/1`): what `critmin ledger verify`
/// checks without the server — the latest checkpoint, the entries of the lot's ancestry,
/// custody and attestations, the key registry, and an inclusion proof of each.
#[utoipa::path(get, path = "/api/v1/ledger/bundle", tag = "ledger", params(LotQuery),
    responses((status = 200, description = "The bundle (critmin-bundle/1)", content_type = "application/json"),
        (status = 404, body = ErrorBody), (status = 409, description = "No checkpoint covers the lot yet", body = ErrorBody)))]
pub async fn get_bundle(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<LotQuery>,
) -> Result<Response, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let id = LotId(q.lot.clone());
        if !l.state().may_read_lot(&viewer, &id) {
            return Err(unknown_lot(&q.lot));
        }
        let b =
            bundle::export(l, &id).map_err(|e| ApiError::new(StatusCode::CONFLICT, "no_checkpoint", e.to_string()))?;
        Ok(Json(b).into_response())
    })?
}

/// Inclusion proof parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// Leaf index.
    pub index: u64,
    /// Tree size (default: the latest checkpoint's).
    pub size: Option<u64>,
}

/// Consistency proof parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The earlier tree size.
    pub first: u64,
    /// The later tree size (default: the latest checkpoint's).
    pub second: Option<u64>,
}

fn latest_size(l: &Ledger<SqlLogStore>, size: Option<u64>) -> Result<u64, ApiError> {
    match size {
        Some(s) => Ok(s),
        None => l
            .latest_checkpoint()
            .map(|c| c.size)
            .ok_or_else(|| ApiError::not_found("no checkpoint yet")),
    }
}

fn proof_json(case: &ProofCase) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], case.to_json()).into_response()
}

fn proof_error(e: critmin_ledger::LedgerError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.to_string())
}

/// RFC 9162 inclusion proof of an entry the caller may read, in the file format of
/// `critmin ledger proof` (check it with `critmin ledger proof verify`).
#[utoipa::path(get, path = "/api/v1/ledger/proofs/inclusion", tag = "ledger", params(InclusionQuery),
    responses((status = 200, description = "Proof (leaf_index, tree_size, root, leaf_hash, proof)", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inclusion_proof(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Response, ApiError> {
    let service = service(&state)?;
    let viewer = viewer(&state, &caller).await?;
    service.with(|l| {
        let hidden = || ApiError::not_found(format!("no entry {} you may read", q.index));
        let bytes = l.entry_bytes(q.index).ok_or_else(hidden)?;
        let e = SignedEntry::decode(bytes).map_err(|e| ApiError::internal(&e))?;
        if !l.state().may_read_entry(&viewer, &e.body) {
            return Err(hidden());
        }
        let size = latest_size(l, q.size)?;
        let proof = l.inclusion_proof(q.index, size).map_err(proof_error)?;
        let leaf = l.tree().leaf(q.index).ok_or_else(hidden)?;
        Ok(proof_json(&ProofCase::Inclusion {
            leaf_index: q.index,
            tree_size: size,
            root: l.root_at(size).map_err(proof_error)?.to_vec(),
            leaf_hash: leaf.to_vec(),
            proof: proof.iter().map(|h| h.to_vec()).collect(),
        }))
    })?
}

/// RFC 9162 consistency proof between two tree sizes (public), in the file format of
/// `critmin ledger proof`.
#[utoipa::path(get, path = "/api/v1/ledger/proofs/consistency", tag = "ledger", params(ConsistencyQuery),
    responses((status = 200, description = "Proof (size1, size2, root1, root2, proof)", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn consistency_proof(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Response, ApiError> {
    let service = service(&state)?;
    service.with(|l| {
        let second = latest_size(l, q.second)?;
        let proof = l.consistency_proof(q.first, second).map_err(proof_error)?;
        Ok(proof_json(&ProofCase::Consistency {
            size1: q.first,
            size2: second,
            root1: l.root_at(q.first).map_err(proof_error)?.to_vec(),
            root2: l.root_at(second).map_err(proof_error)?.to_vec(),
            proof: proof.iter().map(|h| h.to_vec()).collect(),
        }))
    })?
}
