//! API keys: `POST /api/v1/keys` (role admin).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use critmin_store::Role;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{Admin, Authorized};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorBody};

/// The keys route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/keys", post(create_key))
}

/// The OpenAPI part of the keys route.
#[derive(OpenApi)]
#[openapi(paths(create_key))]
pub struct Api;

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// `admin`, `analyst` or `viewer`.
    #[schema(value_type = String)]
    pub role: Role,
    /// Free text naming the holder.
    #[serde(default)]
    pub label: String,
}

/// A created key: the secret is shown here once and stored only as a hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// Public id.
    pub id: String,
    /// Role.
    pub role: String,
    /// Label.
    pub label: String,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

/// Creates an API key (role admin).
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", security(("bearer" = [])), request_body = KeyRequest,
    responses((status = 201, body = KeyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_key(
    State(state): State<AppState>,
    _admin: Authorized<Admin>,
    JsonBody(req): JsonBody<KeyRequest>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    let store = state.store.clone();
    let created = tokio::spawn(async move { store.create_key(req.role, &req.label).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    Ok((
        StatusCode::CREATED,
        Json(KeyView {
            id: created.key.id,
            role: created.key.role.to_string(),
            label: created.key.label,
            secret: created.secret,
        }),
    ))
}
