//! Login sessions and the guards of the UI and the API.
//!
//! The session cookie holds a random token; the store keeps its SHA-256 digest and
//! the session's CSRF token. The pages' guard (`ui::guard::require_admin`) reads a
//! request's session and carried CSRF token here: a form's field `csrf` (or the
//! `X-CSRF-Token` header).
//! [`require_api`] accepts a Bearer API token, or a session plus `X-CSRF-Token` for
//! writes.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use gong_timeline_domain::audit::AuditChannel;
use gong_timeline_store::{AdminId, Role, Session};
use gong_timeline_sync::audit::Actor;

use super::roles;
use super::secret::{constant_time_eq, digest, random_token};
use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gt_session";
use crate::limits::FORM_LIMIT;
pub use crate::limits::UPLOAD_LIMIT;

/// The logged-in admin of a request, put in its extensions by the guards.
#[derive(Debug, Clone)]
pub struct AdminSession {
    /// The admin.
    pub admin_id: AdminId,
    /// The admin's username (the audit log's "who").
    pub username: String,
    /// Where the request came from: a page (`ui`) or the API (`api`).
    pub channel: AuditChannel,
    /// What the account may do (A1), as the store has it now.
    pub role: Role,
    /// The CSRF token to put in this session's forms (empty for API tokens).
    pub csrf: String,
    /// The session's digest (empty for API tokens).
    pub token_hash: String,
}

impl AdminSession {
    /// Who makes a change through this request, for the audit log (A4).
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.username.clone(),
            channel: self.channel,
        }
    }
}

/// The signed-in admin of `admin_id` for a request from `channel`; an account that is
/// gone, or whose sign-in was removed, is signed out (401).
pub(crate) async fn signed_in(
    state: &AppState,
    admin_id: AdminId,
    channel: AuditChannel,
    csrf: String,
    token_hash: String,
) -> Result<AdminSession, ApiError> {
    let admin = state
        .store
        .admin_by_id(admin_id)
        .await?
        .filter(|a| a.can_sign_in())
        .ok_or(ApiError::Unauthorized)?;
    Ok(AdminSession {
        admin_id,
        username: admin.username,
        channel,
        role: admin.role,
        csrf,
        token_hash,
    })
}

/// Starts a session for `admin_id`; returns the cookie to set.
pub async fn start(state: &AppState, admin_id: AdminId) -> Result<Cookie<'static>, ApiError> {
    let token = random_token();
    let now = state.now();
    state
        .store
        .create_session(Session {
            token_hash: digest(&token),
            admin_id,
            csrf_token: random_token(),
            created_at: now,
            expires_at: now + state.config.session_ttl,
        })
        .await?;
    Ok(cookie(state, SESSION_COOKIE, token))
}

/// An HttpOnly, SameSite=Lax cookie, `Secure` behind https.
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .build()
}

pub(crate) async fn session_of(
    state: &AppState,
    jar: &CookieJar,
) -> Result<Option<Session>, ApiError> {
    let Some(token) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(state
        .store
        .session_by_hash(&digest(token.value()), state.now())
        .await?)
}

pub(crate) fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The CSRF token a request carries: the `X-CSRF-Token` header or the form field
/// `csrf`. Returns the request rebuilt (its body was read).
pub(crate) async fn carried_csrf(req: Request) -> Result<(Option<String>, Request), ApiError> {
    if let Some(value) = req.headers().get("x-csrf-token") {
        let token = value.to_str().ok().map(str::to_string);
        return Ok((token, req));
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (parts, body) = req.into_parts();
    let limit = if multipart { UPLOAD_LIMIT } else { FORM_LIMIT };
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        if multipart {
            ApiError::upload_too_large()
        } else {
            ApiError::TooLarge(format!(
                "The form is larger than {} MB, the most a form takes.",
                FORM_LIMIT >> 20
            ))
        }
    })?;
    let token = if multipart {
        multipart_csrf(&parts, bytes.clone()).await
    } else {
        url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    };
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The `csrf` field of a multipart form (an upload); the forms put it first.
async fn multipart_csrf(
    parts: &axum::http::request::Parts,
    bytes: axum::body::Bytes,
) -> Option<String> {
    use axum::extract::FromRequest;
    let mut copy = Request::new(Body::from(bytes));
    *copy.headers_mut() = parts.headers.clone();
    // The route's body limit (`DefaultBodyLimit`, set outside this guard): without
    // it, axum's 2 MB default refused a larger upload, which read as a missing token.
    *copy.extensions_mut() = parts.extensions.clone();
    let mut form = axum::extract::Multipart::from_request(copy, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// The login page, coming back to this request's page once signed in.
pub(crate) fn login_then(req: &Request) -> Response {
    let next_path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let target = format!("/login?next={}", urlencode(next_path));
    Redirect::to(&target).into_response()
}

/// A browser following a link (a GET asking for HTML, with no token), not a client
/// of the API: it is shown the login page rather than a JSON 401.
fn is_browser_visit(req: &Request) -> bool {
    let headers = req.headers();
    req.method() == Method::GET
        && !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

pub(crate) fn csrf_refused() -> ApiError {
    ApiError::Forbidden(
        "The request was refused: its CSRF token is missing or stale. Reload the page and try again."
            .to_string(),
    )
}

/// Guard of the JSON API: a Bearer token, or a session (writes need `X-CSRF-Token`).
pub async fn require_api(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    let (method, headers) = (req.method().clone(), req.headers().clone());
    // The whole path: a nested router (the API) sees its own part only.
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| req.uri().path().to_string(), |o| o.path().to_string());
    let route = api_route(&req, &path);
    let admin = api_admin(&state, &jar, &method, &headers, &path)
        .await
        .and_then(|admin| {
            let need = roles::need(&method, &route);
            if roles::allows(admin.role, need) {
                Ok(admin)
            } else {
                Err(roles::refused(admin.role, need))
            }
        });
    match admin {
        Ok(admin) => {
            let mut req = req;
            req.extensions_mut().insert(admin);
            next.run(req).await
        }
        Err(ApiError::Unauthorized) if is_browser_visit(&req) => login_then(&req),
        Err(error) => error.into_response(),
    }
}

/// The route template of an API-guarded request (`/api/v1/companies`,
/// `/metrics`, `/exports/{token}`), for [`roles::need`]; the path when none matched.
fn api_route(req: &Request, path: &str) -> String {
    let Some(matched) = req.extensions().get::<axum::extract::MatchedPath>() else {
        return path.to_string();
    };
    let matched = matched.as_str();
    // A nested router's template may lack its prefix.
    if path.starts_with("/api/v1/") && !matched.starts_with("/api/v1") {
        format!("/api/v1{matched}")
    } else {
        matched.to_string()
    }
}

async fn api_admin(
    state: &AppState,
    jar: &CookieJar,
    method: &Method,
    headers: &axum::http::HeaderMap,
    path: &str,
) -> Result<AdminSession, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let bearer = value
            .to_str()
            .ok()
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized)?;
        let now = state.now();
        let token = state
            .store
            .api_token_by_hash(&digest(bearer))
            .await?
            .filter(|t| t.is_live(now))
            .ok_or(ApiError::Unauthorized)?;
        if !token.scope.allows(method.as_str(), path) {
            return Err(ApiError::Forbidden(format!(
                "This API token's scope is '{}' ({}), so it cannot {method} {path}. Create a \
                 token with the scope this request needs on the API tokens page.",
                token.scope,
                token.scope.describe()
            )));
        }
        // "Last used" to the minute: not one database write per API request.
        if token
            .last_used_at
            .is_none_or(|used| now - used >= chrono::Duration::minutes(1))
        {
            state.store.touch_api_token(token.id, now).await?;
        }
        return signed_in(
            state,
            token.admin_id,
            AuditChannel::Api,
            String::new(),
            String::new(),
        )
        .await;
    }
    let session = session_of(state, jar)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if is_write(method) {
        let carried = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if !carried.is_some_and(|c| constant_time_eq(c, &session.csrf_token)) {
            return Err(csrf_refused());
        }
    }
    signed_in(
        state,
        session.admin_id,
        AuditChannel::Api,
        session.csrf_token,
        session.token_hash,
    )
    .await
}

/// The token of an `Authorization: Bearer <token>` value; the scheme is matched in any
/// case (RFC 7235 §2.1).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_bearer_scheme_is_matched_in_any_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
