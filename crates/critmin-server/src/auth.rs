//! Who is calling: the API key from `Authorization: Bearer KEY` (or `X-Api-Key: KEY`), looked
//! up by its hash. Reads of the public dataset need no key; every write checks the role
//! before it reads the body or touches the store, so a rejected request changes nothing.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use critmin_store::{ApiKey, Role};

use crate::AppState;
use crate::error::ApiError;

/// The caller's key, if the request carried a valid one.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<ApiKey>);

impl Caller {
    /// The key, when its role is at least `role`: 401 without a key, 403 with a weaker one.
    pub fn require(&self, role: Role) -> Result<&ApiKey, ApiError> {
        match &self.0 {
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this request needs an API key: send `Authorization: Bearer KEY` (create one with `critmin keys create`)",
            )),
            Some(key) if key.role < role => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "this request needs the role {role} or higher; the key has the role {}",
                    key.role
                ),
            )),
            Some(key) => Ok(key),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let secret = bearer.or_else(|| parts.headers.get("x-api-key").and_then(|v| v.to_str().ok()));
        let Some(secret) = secret else {
            return Ok(Caller(None));
        };
        match state.store.authenticate(secret.trim()).await? {
            Some(key) => Ok(Caller(Some(key))),
            // A key that is sent but unknown or revoked is an error even on a public read:
            // silently treating it as anonymous would hide a misconfigured client.
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the API key is unknown or revoked",
            )),
        }
    }
}

/// A role an endpoint demands, as a type, so the check runs as an extractor before the body
/// is read: an unauthenticated write gets 401 even when its body is malformed.
pub trait RequiredRole {
    /// The least role allowed.
    const ROLE: Role;
}

/// Marker: role viewer or higher.
#[derive(Debug)]
pub struct Viewer;
/// Marker: role analyst or higher.
#[derive(Debug)]
pub struct Analyst;
/// Marker: role admin.
#[derive(Debug)]
pub struct Admin;

impl RequiredRole for Viewer {
    const ROLE: Role = Role::Viewer;
}
impl RequiredRole for Analyst {
    const ROLE: Role = Role::Analyst;
}
impl RequiredRole for Admin {
    const ROLE: Role = Role::Admin;
}

/// The caller's key, whose role is at least `R::ROLE` (401 or 403 otherwise).
#[derive(Debug)]
pub struct Authorized<R>(pub ApiKey, pub std::marker::PhantomData<R>);

impl<R: RequiredRole + Send + Sync> FromRequestParts<AppState> for Authorized<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let key = caller.require(R::ROLE)?.clone();
        Ok(Authorized(key, std::marker::PhantomData))
    }
}
