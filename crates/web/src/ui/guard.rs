//! The pages' guard: [`require_admin`] lets a page request through with a live
//! session (else the log-in page) and refuses a state-changing request whose CSRF
//! token does not match; every refusal is an error page ([`PageError`]). It lives
//! with the pages, not in `auth`, so that `auth` renders nothing.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use crate::auth::roles;
use crate::auth::secret::constant_time_eq;
use crate::auth::session::{
    carried_csrf, csrf_refused, is_write, login_then, session_of, signed_in,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::error::PageError;
use gong_timeline_domain::audit::AuditChannel;

/// Guard of the admin pages: a live session (else the log-in page, or 401 for a
/// write), and on a write its CSRF token (else 403); refusals are error pages.
pub async fn require_admin(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    let session = match session_of(&state, &jar).await {
        Ok(session) => session,
        Err(error) => return PageError(error).into_response(),
    };
    let Some(session) = session else {
        if is_write(req.method()) {
            return PageError(ApiError::Unauthorized).into_response();
        }
        return login_then(&req);
    };
    let mut req = req;
    if is_write(req.method()) {
        let (carried, rebuilt) = match carried_csrf(req).await {
            Ok(pair) => pair,
            Err(error) => return PageError(error).into_response(),
        };
        if !carried.is_some_and(|c| constant_time_eq(&c, &session.csrf_token)) {
            tracing::warn!(path = %rebuilt.uri().path(), "A form without a valid CSRF token was refused.");
            return PageError(csrf_refused()).into_response();
        }
        req = rebuilt;
    }
    let admin = signed_in(
        &state,
        session.admin_id,
        AuditChannel::Ui,
        session.csrf_token,
        session.token_hash,
    )
    .await;
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| req.uri().path().to_string(), |m| m.as_str().to_string());
    match admin {
        Ok(admin) => {
            let need = roles::need(req.method(), &route);
            if !roles::allows(admin.role, need) {
                return PageError(roles::refused(admin.role, need)).into_response();
            }
            req.extensions_mut().insert(admin);
            next.run(req).await
        }
        Err(ApiError::Unauthorized) => login_then(&req),
        Err(error) => PageError(error).into_response(),
    }
}

/// A 403 for a refused login form.
pub fn login_refused() -> Response {
    (StatusCode::FORBIDDEN, PageError(csrf_refused())).into_response()
}
