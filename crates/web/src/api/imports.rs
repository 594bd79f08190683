//! `POST /imports/{kind}`: a CSV file as the request body (companies, persons, users,
//! activity-types), all or nothing — the same path as the CLI's `import` and the
//! Imports page. A refused file is 422 listing up to 50 bad rows (row, column, value,
//! problem); nothing from it is stored.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::imports::{cells, import as import_file, Kind, Refusal};
use crate::state::AppState;

/// Bad rows listed in a refusal, at most.
pub const MAX_ROWS: usize = 50;

fn kind(name: &str) -> Result<Kind, ApiError> {
    Kind::parse(name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no import of '{name}': use companies, persons, users or activity-types"
        ))
    })
}

/// `POST /imports/{kind}` with the CSV as the body: 200 `{inserted, updated}`.
pub async fn import(
    State(state): State<AppState>,
    Extension(by): Extension<AdminSession>,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let kind = match kind(&name) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::upload_too_large().into_response()
        }
        Err(rejection) => return rejection.into_response(),
    };
    match import_file(&state, &by, kind, &body).await {
        Ok(counts) => {
            Json(json!({"inserted": counts.inserted, "updated": counts.updated})).into_response()
        }
        Err(Refusal::Rows(rows)) => {
            let listed: Vec<_> = rows
                .iter()
                .take(MAX_ROWS)
                .map(|e| {
                    let (row, column, value, problem) = cells(e);
                    json!({"row": row, "column": column, "value": value, "problem": problem})
                })
                .collect();
            let message = format!(
                "{} bad row(s); nothing from the file was stored. Fix them and send the file again.",
                rows.len()
            );
            let body = json!({"error": {"code": "invalid", "message": message, "rows": listed, "total_rows": rows.len()}});
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(Refusal::Other(e)) => e.into_response(),
    }
}
