//! Appending signed entries: all or none, checked against a copy of the ledger's state, durable
//! before the answer, then a checkpoint signed with the operator key.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use critmin_app::ledger as spec;
use critmin_ledger::Rejection;
use critmin_ledger::entry::SignedEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reads::{CheckpointView, checkpoint_view};
use super::{LedgerService, now, service};
use crate::AppState;
use crate::auth::{Analyst, Authorized};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorBody};

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
pub(super) async fn append_entries(
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
