//! The JSON API under `/api/v1`.

use axum::Router;

use crate::state::AppState;

/// The API router.
pub fn router(_state: AppState) -> Router<AppState> {
    Router::new()
}
