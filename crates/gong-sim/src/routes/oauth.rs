//! The OAuth pages: a consent page with an Allow button, its form target that
//! redirects to the client with `code` and `state`, and the token endpoint
//! (Basic client auth; parameters in the query string or a form body).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;

use super::gate::basic_credentials;
use crate::oauth::GrantError;
use crate::request_id::current_request_id;
use crate::state::SimState;
use crate::wire::oauth::{OAuthError, TokenResponse};

fn params(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let pairs = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .chain(url::form_urlencoded::parse(body));
    for (k, v) in pairs {
        // The first occurrence wins: query string before body.
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page_error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!("<!doctype html><p>{}</p>", escape(message))),
    )
        .into_response()
}

/// `GET /oauth2/authorize`: the consent page.
pub async fn consent_page(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref(), b"");
    if p.get("client_id") != Some(&state.config.client_id) {
        return page_error("Unknown client_id.");
    }
    if p.get("response_type").map(String::as_str) != Some("code") {
        return page_error("response_type must be 'code'.");
    }
    let Some(redirect_uri) = p.get("redirect_uri") else {
        return page_error("redirect_uri is required.");
    };
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        )
    };
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    Html(format!(
        "<!doctype html><html><head><title>Authorize app - Gong simulator</title></head><body>\
<h1>Allow access to your Gong account?</h1>\
<p>The app <b>{client}</b> asks for: <code>{scope}</code></p>\
<form method=\"post\" action=\"/oauth2/authorize\">{h1}{h2}{h3}{h4}\
<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button> \
<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form></body></html>",
        client = escape(get("client_id")),
        scope = escape(get("scope")),
        h1 = hidden("client_id", get("client_id")),
        h2 = hidden("redirect_uri", redirect_uri),
        h3 = hidden("scope", get("scope")),
        h4 = hidden("state", get("state")),
    ))
    .into_response()
}

/// `POST /oauth2/authorize`: the consent form's target; redirects to the client.
pub async fn decide(
    State(state): State<Arc<SimState>>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let p = params(q.as_deref(), &body);
    if p.get("client_id") != Some(&state.config.client_id) {
        return page_error("Unknown client_id.");
    }
    let Some(Ok(mut target)) = p.get("redirect_uri").map(|r| url::Url::parse(r)) else {
        return page_error("redirect_uri is missing or not a URL.");
    };
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    {
        let mut pairs = target.query_pairs_mut();
        if p.get("decision").map(String::as_str) == Some("deny") {
            pairs.append_pair("error", "access_denied");
        } else {
            let now = state.now();
            let scope = p.get("scope").cloned().unwrap_or_default();
            let code = state.tokens().issue_code(&scope, &redirect_uri, now);
            pairs.append_pair("code", &code);
        }
        if let Some(s) = p.get("state") {
            pairs.append_pair("state", s);
        }
    }
    Redirect::to(target.as_str()).into_response()
}

fn oauth_error(status: StatusCode, error: &'static str, description: String) -> Response {
    let body = OAuthError {
        error,
        error_description: description,
        request_id: current_request_id(),
    };
    (status, Json(body)).into_response()
}

/// `POST /oauth2/generate-customer-token`.
pub async fn token(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let client = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(basic_credentials);
    if client
        != Some((
            state.config.client_id.clone(),
            state.config.client_secret.clone(),
        ))
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed (HTTP Basic with client_id:client_secret).".into(),
        );
    }
    let p = params(q.as_deref(), &body);
    let now = state.now();
    let ttl = state.config.token_ttl_secs;
    let result = match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => match p.get("code") {
            Some(code) => state.tokens().exchange_code(
                code,
                p.get("redirect_uri").map(String::as_str),
                now,
                ttl,
            ),
            None => Err(GrantError::InvalidRequest("code")),
        },
        Some("refresh_token") => match p.get("refresh_token") {
            Some(rt) => state.tokens().refresh(rt, now, ttl),
            None => Err(GrantError::InvalidRequest("refresh_token")),
        },
        Some(other) => Err(GrantError::UnsupportedGrantType(other.to_string())),
        None => Err(GrantError::InvalidRequest("grant_type")),
    };
    match result {
        Ok(pair) => Json(TokenResponse {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
            scope: pair.scope,
            token_type: "bearer",
            expires_in: ttl,
            api_base_url_for_customer: state.base_url.clone(),
        })
        .into_response(),
        Err(e) => {
            let code = match e {
                GrantError::InvalidGrant(_) => "invalid_grant",
                GrantError::UnsupportedGrantType(_) => "unsupported_grant_type",
                GrantError::InvalidRequest(_) => "invalid_request",
            };
            oauth_error(StatusCode::BAD_REQUEST, code, e.to_string())
        }
    }
}
