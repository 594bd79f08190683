//! API tokens: an admin creates a Bearer token for the JSON API (shown once; the
//! store keeps its SHA-256 digest), optionally expiring after some days, sees when
//! each was last used, and revokes it after a confirmation page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use gong_timeline_domain::TokenScope;
use gong_timeline_store::{AdminId, ApiToken, ApiTokenId};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::tokens::{self, TokenRequest, MAX_DAYS};
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, csrf_input, page, time, time_opt};

#[derive(Deserialize)]
pub(crate) struct NewTokenForm {
    #[serde(default)]
    name: String,
    /// Days until it expires; empty: never.
    #[serde(default)]
    expires_in_days: String,
    /// `read`, `metrics` or `admin`; empty: `read`, the least that is useful.
    #[serde(default)]
    scope: String,
}

/// Creates an `admin` token for `admin_id` that does not expire; returns it with its
/// plain value (shown once).
pub async fn create_token(
    state: &AppState,
    admin_id: AdminId,
    name: &str,
) -> Result<(ApiToken, String), ApiError> {
    let request = TokenRequest {
        name,
        scope: TokenScope::Admin,
        expires_at: None,
    };
    tokens::create(state.store.as_ref(), admin_id, request, state.now()).await
}

async fn render(
    state: &AppState,
    s: &AdminSession,
    fresh: Option<(&str, &str)>,
    error: Option<&ApiError>,
) -> Result<Response, ApiError> {
    let tokens = state.store.list_api_tokens().await?;
    let now = state.now();
    Ok(page("API tokens", s, html! {
        @if let Some((name, plain)) = fresh {
            div.notice { p { "Token '" (name) "' — copy it now, it is not shown again:" } code id="new-token" { (plain) } }
        }
        @if let Some(e) = error { p.error { (e.public_message()) } }
        @if tokens.is_empty() {
            (layout::empty("no-tokens", "No API tokens yet", html! {
                p { "Create one below for a script or an integration that reads the JSON API." }
            }))
        } @else { div.table-wrap role="region" tabindex="0" aria-label="API tokens" { table id="tokens" {
            thead { tr { th { "Name" } th { "Scope" } th { "Created" } th { "Expires" } th { "Last used" } (layout::hidden_header("Revoke")) } }
            tbody { @for t in &tokens { tr {
                td data-label="Name" { (t.name) } td data-label="Scope" title=(t.scope.describe()) { (t.scope) } td data-label="Created" { (time(t.created_at)) }
                td data-label="Expires" { @match t.expires_at { Some(end) if end <= now => { "expired " (time(end)) }, Some(end) => (time(end)), None => "never" } }
                td data-label="Last used" { (time_opt(t.last_used_at)) }
                td { a.button.danger href={ "/tokens/" (t.id) "/delete" } aria-label={ "Revoke " (t.name) "…" } { "Revoke…" } }
            } } }
        } } }
        form.card method="post" action="/tokens" {
            (csrf_input(s))
            label { "Name " input type="text" name="name" id="token-name" required; }
            label { "Expires after (days, empty for never) " input type="number" name="expires_in_days" id="token-expiry" min="1" max=(MAX_DAYS); }
            label { "Scope "
                select name="scope" id="token-scope" {
                    @for scope in TokenScope::ALL.iter().copied() {
                        option value=(scope) selected[scope == TokenScope::Read] { (scope) ": " (scope.describe()) }
                    }
                }
            }
            button.primary type="submit" id="create-token" { "Create token" }
        }
        p.muted { "Use it as " code { "Authorization: Bearer <token>" } " on " a href="/api/v1/openapi.json" { "/api/v1" } "." }
    }).into_response())
}

/// `GET /tokens`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
) -> PageResult {
    Ok(render(&state, &s, None, None).await?)
}

/// `POST /tokens`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Form(f): Form<NewTokenForm>,
) -> PageResult {
    let now = state.now();
    let created = match (
        tokens::expiry(now, &f.expires_in_days),
        tokens::scope_of(&f.scope),
    ) {
        (Ok(expires_at), Ok(scope)) => {
            let request = TokenRequest {
                name: &f.name,
                scope,
                expires_at,
            };
            tokens::create_by(&state, &s, request).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let page = match created {
        Ok((token, plain)) => render(&state, &s, Some((&token.name, &plain)), None).await?,
        Err(e @ ApiError::Invalid { .. }) => render(&state, &s, None, Some(&e)).await?,
        Err(e) => return Err(e.into()),
    };
    Ok(page)
}

/// `GET /tokens/{id}/delete`: the confirmation before revoking (#20 item 12): a
/// script or integration using the token is refused from then on.
pub(crate) async fn confirm_delete(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ApiTokenId>,
) -> PageResult<Markup> {
    let token = state
        .store
        .list_api_tokens()
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::missing("API token", id))?;
    Ok(page(
        &format!("Revoke the token '{}'?", token.name),
        &s,
        html! {
            form.card method="post" action={ "/tokens/" (id) "/delete" } id="revoke-form" {
                (csrf_input(&s))
                p { "Revoke the API token '" (token.name) "' (" (token.scope) ", last used " (time_opt(token.last_used_at)) ")? Every script or integration that sends it is refused from then on; this cannot be undone." }
                div.actions {
                    button.danger type="submit" id="confirm-revoke" { "Revoke token" }
                    a href="/tokens" id="cancel-revoke" { "Cancel" }
                }
            }
        },
    ))
}

/// `POST /tokens/{id}/delete` (the confirmation's button).
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ApiTokenId>,
) -> PageResult<Redirect> {
    tokens::revoke(&state, &s, id).await?;
    Ok(Redirect::to("/tokens"))
}
