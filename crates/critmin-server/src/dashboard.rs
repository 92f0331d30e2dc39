//! The dashboard (filled in below).
use axum::Router;
use crate::AppState;
/// Dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
