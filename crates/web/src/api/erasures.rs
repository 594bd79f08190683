//! `/erasures`: erase a person by email (G2) and list the receipts, newest first.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use gong_timeline_store::ErasureReceipt;
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiResult;
use crate::paging::{Page, Paged};
use crate::service::erasures;
use crate::state::AppState;

/// Body of `POST /erasures`.
#[derive(Debug, Deserialize)]
pub struct EraseBody {
    email: String,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /erasures`: 201 with the receipt, or 200 with a dry run's counts.
pub async fn erase(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Json(body): Json<EraseBody>,
) -> ApiResult<(StatusCode, Json<ErasureReceipt>)> {
    let receipt = erasures::erase(&state, &s, &body.email, body.dry_run).await?;
    let status = if receipt.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(receipt)))
}

/// `GET /erasures`, newest first.
pub async fn list(
    State(state): State<AppState>,
    page: Page<ErasureReceipt>,
) -> ApiResult<Json<Paged<ErasureReceipt>>> {
    let all = state.store.list_erasures().await?;
    Ok(Json(page.paged_in_memory(all)))
}
