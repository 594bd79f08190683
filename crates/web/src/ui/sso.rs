//! `GET /auth/oidc/start` and `GET /auth/oidc/callback`: sign-in with the OpenID
//! Connect provider (A2, [`crate::auth::oidc`]). An account the sign-in made is
//! recorded in the audit log. A refusal is a page that says why, with a way back to
//! the log-in; no session is made.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use maud::html;
use serde::Deserialize;

use crate::auth::oidc::{self, Refusal};
use crate::auth::session;
use crate::service::roles;
use crate::state::AppState;
use crate::ui::layout;
use crate::ui::login::local;

/// The cookie that binds a sign-in's `state` to the browser that started it.
const STATE_COOKIE: &str = "gt_oidc_state";

#[derive(Deserialize)]
pub(crate) struct StartParams {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The page of a sign-in that did not happen.
fn refused(refusal: &Refusal) -> Response {
    let status = match refusal {
        Refusal::Invalid(_) => StatusCode::BAD_REQUEST,
        Refusal::NotAllowed(_) => StatusCode::FORBIDDEN,
        Refusal::Provider(_) => StatusCode::BAD_GATEWAY,
        Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match refusal {
        Refusal::Internal(e) => {
            tracing::error!(error = %e, "A single sign-on failed.");
            "Something went wrong on the server. Try again or log in with a password."
        }
        other => other.message(),
    };
    let body = html! {
        div.error-box role="alert" {
            h2 { "Single sign-on failed" }
            p.error id="sso-error" { (message) }
        }
        p { a href="/login" id="back-to-login" { "Back to log in" } }
    };
    (
        status,
        Html(layout::bare("Single sign-on failed", body).into_string()),
    )
        .into_response()
}

fn state_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((STATE_COOKIE, value))
        .path("/auth/oidc")
        .http_only(true)
        // Sent on the provider's top-level redirect back to the callback.
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .build()
}

/// `GET /auth/oidc/start`: to the provider.
pub(crate) async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<StartParams>,
) -> Response {
    let Some(config) = state.config.oidc.clone() else {
        return refused(&Refusal::NotAllowed(
            "Single sign-on is not configured on this server. Log in with a password.".into(),
        ));
    };
    match oidc::start(&state, &config, local(q.next.as_deref())).await {
        Ok((url, st)) => (jar.add(state_cookie(&state, st)), Redirect::to(&url)).into_response(),
        Err(refusal) => refused(&refusal),
    }
}

/// `GET /auth/oidc/callback`: back from the provider.
pub(crate) async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<CallbackParams>,
) -> Response {
    let Some(config) = state.config.oidc.clone() else {
        return refused(&Refusal::NotAllowed(
            "Single sign-on is not configured on this server. Log in with a password.".into(),
        ));
    };
    let st = p.state.unwrap_or_default();
    let cookie_state = jar.get(STATE_COOKIE).map(|c| c.value().to_string());
    let jar = jar.remove(Cookie::build(STATE_COOKIE).path("/auth/oidc"));
    if let Some(error) = &p.error {
        oidc::abandon(&state, &st);
        let error: String = error
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(100)
            .collect();
        let refusal = Refusal::Invalid(format!(
            "The sign-in provider did not sign you in ({error})."
        ));
        return (jar, refused(&refusal)).into_response();
    }
    let finished = oidc::finish(
        &state,
        &config,
        p.code.as_deref(),
        &st,
        cookie_state.as_deref(),
    )
    .await;
    let signed_in = match finished {
        Ok(done) => done,
        Err(refusal) => return (jar, refused(&refusal)).into_response(),
    };
    roles::record_sso_sign_in(&state, &signed_in).await;
    let oidc::SignedIn { account, next, .. } = signed_in;
    match session::start(&state, account.id).await {
        Ok(session) => {
            tracing::info!(account = %crate::security::log_safe(&account.username), "Signed in with single sign-on.");
            (jar.add(session), Redirect::to(&next)).into_response()
        }
        Err(e) => (jar, refused(&Refusal::Internal(e.to_string()))).into_response(),
    }
}
