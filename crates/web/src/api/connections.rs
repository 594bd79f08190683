//! `/connections`: list, create (OAuth → an authorize URL, or an access key Gong checks
//! first), change (PATCH), delete, authorise, settings (read; write = validate → store
//! → sync), sync (start, status), the Gong webhook (view, set up, rotate). A connection has the CLI's shape
//! (`gong_timeline_sync::connections::Overview`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{ConnectionId, Settings};
use gong_timeline_sync::connections::Overview;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::paging::{Page, Paged};
use crate::service::connections::{self as service, NewConnectionRequest, UpdateRequest};
use crate::service::settings::{preview, save_and_sync};
use crate::service::webhooks::WebhookBody;
use crate::service::{lookup, oauth, runs};
use crate::state::AppState;
use gong_timeline_sync::pending::Group;
use gong_timeline_sync::preview::Preview;
use gong_timeline_sync::webhooks::WebhookView;

/// Body of `PUT /connections/{id}/settings`; absent fields keep their value, and
/// `"filter_logic": null` (or `""`) clears the logic.
#[derive(Debug, Deserialize)]
pub struct SettingsBody {
    enabled: Option<bool>,
    activity_type: Option<String>,
    filters: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    filter_logic: Option<Option<String>>,
    backfill_days: Option<u32>,
    lookback_hours: Option<u32>,
    /// S9: fetch and keep the calls' transcripts.
    transcripts: Option<bool>,
}

/// `GET /connections`, by name.
pub async fn list(
    State(state): State<AppState>,
    page: Page<Overview>,
) -> ApiResult<Json<Paged<Overview>>> {
    Ok(Json(page.paged_in_memory(service::list(&state).await?)))
}

/// `GET /connections/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<Overview>> {
    Ok(Json(service::overview(&state, id).await?))
}

/// `PATCH /connections/{id}`: rename, new base URL, new access key (checked with Gong).
pub async fn update(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Json(body): Json<UpdateRequest>,
) -> ApiResult<Json<Overview>> {
    service::update(&state, id, &body, &s).await?;
    Ok(Json(service::overview(&state, id).await?))
}

/// `DELETE /connections/{id}`: 204; activities and the execution log are kept.
pub async fn delete(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<StatusCode> {
    service::delete(&state, id, &s).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /connections`: 201 with the connection (and `authorize_url` for OAuth).
pub async fn create(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Json(body): Json<NewConnectionRequest>,
) -> ApiResult<impl IntoResponse> {
    let created = service::create(&state, &body, &s).await?;
    let mut out = json!({ "connection": service::overview(&state, created.connection.id).await? });
    if let Some(url) = created.authorize_url {
        out["authorize_url"] = url.into();
    }
    Ok((StatusCode::CREATED, Json(out)))
}

/// `POST /connections/{id}/authorize`: a fresh consent page URL.
pub async fn authorize(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "authorize_url": oauth::authorize_url(&state, id, &s, false).await? }),
    ))
}

/// `GET /connections/{id}/settings`.
pub async fn settings(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<Settings>> {
    lookup::connection(&state, id).await?;
    Ok(Json(state.store.get_settings(id).await?))
}

/// `POST /connections/{id}/settings/preview`: how many stored meetings of the last 30
/// days the given settings (over the saved ones) would let through; nothing saved.
pub async fn preview_settings(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
    Json(body): Json<SettingsBody>,
) -> ApiResult<Json<Preview>> {
    lookup::connection(&state, id).await?;
    let current = state.store.get_settings(id).await?;
    let wanted = body.over(current);
    Ok(Json(preview(&state, id, wanted).await?))
}

impl SettingsBody {
    /// These settings over `current`: absent fields keep their value.
    fn over(self, current: Settings) -> Settings {
        Settings {
            enabled: self.enabled.unwrap_or(current.enabled),
            activity_type: self.activity_type.unwrap_or(current.activity_type),
            filters: self.filters.unwrap_or(current.filters),
            filter_logic: match self.filter_logic {
                Some(Some(l)) if l.trim().is_empty() => None,
                Some(logic) => logic,
                None => current.filter_logic,
            },
            backfill_days: self.backfill_days.unwrap_or(current.backfill_days),
            lookback_hours: self.lookback_hours.unwrap_or(current.lookback_hours),
            transcripts: self.transcripts.unwrap_or(current.transcripts),
        }
    }
}

/// A field that is present, even as `null` (`Some(None)`); absent is `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `PUT /connections/{id}/settings`: validate → store → sync (trigger save).
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Json(body): Json<SettingsBody>,
) -> ApiResult<Json<Settings>> {
    lookup::connection(&state, id).await?;
    let current = state.store.get_settings(id).await?;
    let wanted = body.over(current);
    save_and_sync(&state, id, wanted, &s).await?;
    Ok(Json(state.store.get_settings(id).await?))
}

/// `POST /connections/{id}/sync`: 202; the job runs in the background.
pub async fn start_sync(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<impl IntoResponse> {
    runs::start(&state, id, Trigger::Manual).await?;
    Ok((StatusCode::ACCEPTED, Json(runs::status(&state, id).await?)))
}

/// Body of `POST /connections/{id}/resync`.
#[derive(Debug, Deserialize)]
pub struct ResyncBody {
    /// The day to re-read Gong from, `YYYY-MM-DD` (UTC), today or earlier.
    from: String,
}

/// `POST /connections/{id}/resync`: re-read Gong from a day (trigger `resync`, M3),
/// bounded by the backfill; 202, the job runs in the background.
pub async fn start_resync(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Json(body): Json<ResyncBody>,
) -> ApiResult<impl IntoResponse> {
    let from = gong_timeline_sync::windows::resync_day(&body.from, state.now().date_naive())
        .map_err(|refused| ApiError::invalid("from", refused.to_string()))?;
    runs::resync(&state, id, from, &s).await?;
    Ok((StatusCode::ACCEPTED, Json(runs::status(&state, id).await?)))
}

/// `GET /connections/{id}/sync`.
pub async fn sync_status(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<runs::SyncStatus>> {
    lookup::connection(&state, id).await?;
    Ok(Json(runs::status(&state, id).await?))
}

/// `GET /connections/{id}/webhook`: the URL to paste into Gong, the mode, the last
/// webhook and test, the queue and the freshness figures; 404 before it is set up.
pub async fn webhook(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<WebhookView>> {
    crate::service::webhooks::view(&state, id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "connection {id} has no webhook set up; PUT /api/v1/connections/{id}/webhook to make one"
            ))
        })
}

/// `PUT /connections/{id}/webhook`: set up, change the mode, or rotate the key.
pub async fn save_webhook(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Json(body): Json<WebhookBody>,
) -> ApiResult<Json<WebhookView>> {
    Ok(Json(
        crate::service::webhooks::save(&state, id, body, &s).await?,
    ))
}

/// `GET /connections/{id}/pending`: the stored meetings of the backfill window not
/// on the Timeline, by reason (the largest group first), each with its count, the
/// fix and the newest examples — the CLI's `meetings pending --format json`.
/// Evaluated locally: no Gong request.
pub async fn pending(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<Vec<Group>>> {
    Ok(Json(
        crate::service::pending::pending(&state, id).await?.groups,
    ))
}

/// `POST /connections/{id}/reevaluate`: re-evaluate the stored meetings under the
/// current settings (trigger `reevaluate`, no Gong request), in the background.
pub async fn reevaluate(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<impl IntoResponse> {
    crate::service::pending::reevaluate(&state, id).await?;
    Ok((StatusCode::ACCEPTED, Json(runs::status(&state, id).await?)))
}
