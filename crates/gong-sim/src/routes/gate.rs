//! The gate in front of `/v2`: fault switches first (a down server answers nothing
//! else), then credentials (Basic or Bearer), then the rate limits.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::Injected;
use crate::error::ApiError;
use crate::faults::Verdict;
use crate::oauth::{has_scope, TokenCheck, ALL_SCOPES};
use crate::state::SimState;

/// Who is calling: the scopes they hold.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Granted scopes, space-separated.
    pub scope: String,
}

impl Principal {
    /// 401 with Gong's scope message unless `scope` was granted.
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if has_scope(&self.scope, scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                format!("You don't have permission to use '{scope}' in your app."),
            ))
        }
    }
}

/// The `/v2` middleware.
pub async fn api_gate(
    State(state): State<Arc<SimState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let (delay, failure) = match state.faults.decide(Instant::now()) {
        Verdict::Pass(d) => (d, None),
        Verdict::Fail(status, d) => (d, Some(status)),
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = failure {
        let mut response = ApiError::injected(status).into_response();
        response.extensions_mut().insert(Injected);
        return response;
    }
    if let Some(base) = state.faults.redirect() {
        let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
        let location = format!("{base}{path}");
        let mut response = (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
        response.extensions_mut().insert(Injected);
        return response;
    }
    let principal = match authenticate(&state, req.headers()) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = state.limiter.admit(Instant::now(), chrono::Utc::now()) {
        return e.into_response();
    }
    req.extensions_mut().insert(principal);
    next.run(req).await
}

fn authenticate(state: &SimState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::bad_credentials)?;
    let (kind, rest) = value
        .split_once(' ')
        .ok_or_else(ApiError::bad_credentials)?;
    if kind.eq_ignore_ascii_case("basic") {
        let (key, secret) = basic_credentials(rest).ok_or_else(ApiError::bad_credentials)?;
        if key == state.config.access_key && secret == state.config.access_secret {
            return Ok(Principal {
                scope: ALL_SCOPES.to_string(),
            });
        }
        return Err(ApiError::bad_credentials());
    }
    if kind.eq_ignore_ascii_case("bearer") {
        let now = state.now();
        return match state.tokens().check(rest.trim(), now) {
            TokenCheck::Valid(scope) => Ok(Principal { scope }),
            TokenCheck::Expired => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "The access token has expired. Please refresh it.",
            )),
            TokenCheck::Revoked => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "The access token has been revoked. Please re-authorize the app.",
            )),
            TokenCheck::Unknown => Err(ApiError::bad_credentials()),
        };
    }
    Err(ApiError::bad_credentials())
}

/// Decodes `base64(user:password)`.
pub fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let bytes = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}
