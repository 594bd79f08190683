//! Log in and log out. The log-in form is protected by a double-submit CSRF cookie
//! (there is no session yet); a wrong username or password gets one message.
//!
//! Guessing is slowed by [`crate::auth::throttle`] (429 + `Retry-After` per (account,
//! address) and per client address; an attempt is counted before its password is
//! checked) and every failure is logged with the (escaped) username and address.
//! Password checks run on the blocking pool (argon2 takes tens of milliseconds of
//! CPU and ~20 MiB), a few at a time: a log-in that waits too long for its turn gets
//! 503. An unknown username is checked against a dummy hash so that it answers as
//! slowly as a known one. After log-in only a same-origin path is followed.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use maud::html;
use serde::Deserialize;

use crate::auth::secret::{constant_time_eq, random_token, verify_password_blocking};
use crate::auth::session::{self, cookie};
use crate::auth::throttle;
use crate::auth::{AdminSession, SESSION_COOKIE};
use crate::security::log_safe;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::guard::login_refused;
use crate::ui::layout;

const LOGIN_CSRF: &str = "gt_login_csrf";

#[derive(Debug, Deserialize)]
pub(crate) struct NextParam {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// Only a same-origin path is followed after log in (no open redirect): it starts
/// with one `/` and holds only visible ASCII other than `\`. Browsers drop tabs and
/// newlines and read `\` as `/`, so `/<TAB>/evil.example` would become
/// `//evil.example`, another site; a non-ASCII character is no valid `Location`.
pub(crate) fn local(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n
        }
        _ => "/connectors",
    }
}

fn form(state: &AppState, csrf: &str, next: &str, error: Option<&str>) -> Html<String> {
    let sso = state.config.oidc.as_ref().map(|o| {
        let href = url::form_urlencoded::Serializer::new(String::from("/auth/oidc/start?"))
            .append_pair("next", next)
            .finish();
        (o.display_name.clone(), href)
    });
    let body = html! {
        @if let Some((name, href)) = &sso {
            p.card { a.button.primary.wide href=(href) id="sso" { "Sign in with " (name) } }
        }
        @if let Some(error) = error { div.error-box role="alert" { p.error id="login-error" { (error) } } }
        form.card method="post" action="/login" id="login-form" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(next);
            label { "Username " input type="text" name="username" id="username" autofocus required; }
            label { "Password " input type="password" name="password" id="password" required; }
            button.primary.wide type="submit" id="login" { "Log in" }
        }
    };
    Html(layout::bare("Log in", body).into_string())
}

/// `GET /login`.
pub(crate) async fn page(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<NextParam>,
) -> Response {
    let token = random_token();
    let jar = jar.add(cookie(&state, LOGIN_CSRF, token.clone()));
    (jar, form(&state, &token, local(q.next.as_deref()), None)).into_response()
}

/// `POST /login`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let expected = jar.get(LOGIN_CSRF).map(|c| c.value().to_string());
    if !expected.is_some_and(|e| !f.csrf.is_empty() && constant_time_eq(&e, &f.csrf)) {
        return Ok(login_refused());
    }
    let client = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let next = local(f.next.as_deref()).to_string();
    let policy = &state.config.login_throttle;
    // Counted before the password is checked, in one step with the lock-out check.
    let counted = throttle::begin(
        state.store.as_ref(),
        policy,
        &f.username,
        client,
        state.now(),
    )
    .await?;
    if let Err(wait) = counted {
        tracing::warn!(username = %log_safe(&f.username), client = ?client, retry_after_s = wait.as_secs(), "A log-in was refused: too many failed attempts.");
        return Ok(throttled(&state, jar, &next, wait));
    }
    // A bounded number of password checks at once (argon2 takes ~20 MiB each).
    let permit = tokio::time::timeout(policy.check_wait, state.inner.password_checks.acquire());
    let Ok(Ok(_permit)) = permit.await else {
        tracing::warn!(client = ?client, "A log-in was refused: too many log-ins at once.");
        return Ok(busy(&state, jar, &next));
    };
    let admin = state.store.admin_by_username(&f.username).await?;
    // Always one argon2 verification, known username or not (no timing oracle).
    let hash = admin.as_ref().map(|a| a.password_hash.clone());
    let matches = verify_password_blocking(f.password.clone(), hash).await;
    // A removed sign-in fails like a wrong password: nothing tells the account exists.
    let Some(admin) = admin.filter(|a| matches && a.can_sign_in()) else {
        tracing::warn!(username = %log_safe(&f.username), client = ?client, "A log-in failed.");
        let message = "Wrong username or password.";
        return Ok(again(&state, jar, &next, message, StatusCode::UNAUTHORIZED));
    };
    if let Err(error) = throttle::succeeded(state.store.as_ref(), policy, &f.username, client).await
    {
        // The log-in stands; its old failures are forgotten within the hour anyway.
        tracing::warn!(%error, "Could not clear the failed log-ins of a successful one.");
    }
    let session = session::start(&state, admin.id).await?;
    // A reader (A1) lands on the Timeline rather than the admins' first page.
    let next = if admin.role != gong_timeline_store::Role::Admin && next == "/connectors" {
        "/companies".to_string()
    } else {
        next
    };
    Ok((jar.remove(LOGIN_CSRF).add(session), Redirect::to(&next)).into_response())
}

/// 503 when every password check is taken for longer than the log-in may wait.
fn busy(state: &AppState, jar: CookieJar, next: &str) -> Response {
    let message = "The server is busy checking other log-ins. Try again in a few seconds.";
    let mut response = again(state, jar, next, message, StatusCode::SERVICE_UNAVAILABLE);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

fn throttled(state: &AppState, jar: CookieJar, next: &str, wait: Duration) -> Response {
    let message = format!(
        "Too many failed log-ins. Try again in {} seconds.",
        wait.as_secs()
    );
    let mut response = again(state, jar, next, &message, StatusCode::TOO_MANY_REQUESTS);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs()));
    response
}

/// The form again with `message` and a fresh CSRF cookie.
fn again(
    state: &AppState,
    jar: CookieJar,
    next: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let token = random_token();
    let jar = jar.add(cookie(state, LOGIN_CSRF, token.clone()));
    (status, jar, form(state, &token, next, Some(message))).into_response()
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<AdminSession>,
    jar: CookieJar,
) -> PageResult {
    state.store.delete_session(&session.token_hash).await?;
    Ok((jar.remove(SESSION_COOKIE), Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_same_origin_paths_are_followed_after_log_in() {
        assert_eq!(local(Some("/log?status=Failed")), "/log?status=Failed");
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/caf\u{e9}",
            "/ space",
            "",
        ] {
            assert_eq!(local(Some(hostile)), "/connectors", "{hostile:?}");
        }
        assert_eq!(local(None), "/connectors");
    }
}
