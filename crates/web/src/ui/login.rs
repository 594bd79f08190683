//! Log in and log out. The log-in form is protected by a double-submit CSRF cookie
//! (there is no session yet); a wrong username or password gets one message.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use maud::html;
use serde::Deserialize;

use crate::auth::secret::{constant_time_eq, random_token, verify_password};
use crate::auth::session::{self, cookie, login_refused};
use crate::auth::{AdminSession, SESSION_COOKIE};
use crate::state::AppState;
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

/// Only local paths are followed after log in (no open redirect).
fn local(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/connectors",
    }
}

fn form(csrf: &str, next: &str, error: Option<&str>) -> Html<String> {
    let body = html! {
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
    (jar, form(&token, local(q.next.as_deref()), None)).into_response()
}

/// `POST /login`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = jar.get(LOGIN_CSRF).map(|c| c.value().to_string());
    if !expected.is_some_and(|e| !f.csrf.is_empty() && constant_time_eq(&e, &f.csrf)) {
        return login_refused();
    }
    let next = local(f.next.as_deref()).to_string();
    let admin = match state.store.admin_by_username(&f.username).await {
        Ok(admin) => admin,
        Err(error) => return layout::error_page(&error.into()),
    };
    let Some(admin) = admin.filter(|a| verify_password(&f.password, &a.password_hash)) else {
        tracing::info!("A log-in failed.");
        let token = random_token();
        let jar = jar.add(cookie(&state, LOGIN_CSRF, token.clone()));
        let page = form(&token, &next, Some("Wrong username or password."));
        return (axum::http::StatusCode::UNAUTHORIZED, jar, page).into_response();
    };
    match session::start(&state, admin.id).await {
        Ok(c) => (jar.remove(LOGIN_CSRF).add(c), Redirect::to(&next)).into_response(),
        Err(error) => layout::error_page(&error),
    }
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<AdminSession>,
    jar: CookieJar,
) -> Response {
    if let Err(error) = state.store.delete_session(&session.token_hash).await {
        return layout::error_page(&error.into());
    }
    (jar.remove(SESSION_COOKIE), Redirect::to("/login")).into_response()
}
