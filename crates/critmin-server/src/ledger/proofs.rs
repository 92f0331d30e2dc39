//! RFC 9162 inclusion and consistency proofs, in the file format of `critmin ledger proof`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use critmin_ledger::Ledger;
use critmin_ledger::entry::SignedEntry;
use critmin_merkle::case::ProofCase;
use critmin_store::SqlLogStore;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{service, viewer};
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};

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
pub(super) async fn inclusion_proof(
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
pub(super) async fn consistency_proof(
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
