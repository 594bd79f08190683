//! Response headers every answer carries, and what request logs may show.
//!
//! - A Content-Security-Policy with no inline script or style: pages load scripts
//!   and styles only as files served by the app (see [`crate::ui::assets`]): no inline
//!   `<script>` or `<style>`, no `style=` or `on…=` attribute. `<video>`
//!   and `<audio>` may play Gong's media URLs (https, or an allowed simulator host).
//!   `frame-ancestors 'none'` keeps the UI out of other sites' frames.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (export links
//!   and OAuth codes must not leak through `Referer`), `X-Frame-Options: DENY` for
//!   older browsers.
//! - `Cache-Control: no-store` on everything but `/static/` files: pages and API
//!   answers show customer data and must not stay in shared or browser caches.
//! - [`redact_uri`]: request URIs as logs show them, without OAuth codes, `state`
//!   values or export tokens.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::WebConfig;

/// The policy for `config`: Gong media may come from https hosts and the hosts an
/// admin allowed (a simulator on http).
pub fn content_security_policy(config: &WebConfig) -> String {
    let mut media = String::from("'self' https:");
    for host in &config.allowed_gong_hosts {
        media.push_str(&format!(" http://{host}"));
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         media-src {media}; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

/// The headers [`headers`] adds, built once.
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// Headers for `config`.
    pub fn new(config: &WebConfig) -> SecurityHeaders {
        let csp = HeaderValue::from_str(&content_security_policy(config))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
        SecurityHeaders { csp }
    }
}

/// Middleware adding the security headers to every response.
pub async fn headers(State(h): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let cacheable = req.uri().path().starts_with("/static/");
    let mut response = next.run(req).await;
    let out = response.headers_mut();
    out.insert(header::CONTENT_SECURITY_POLICY, h.csp.clone());
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    out.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !cacheable {
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Query parameters whose values are secrets: OAuth codes and states, tokens, an
/// export's token (`/log?export=`) and a log-in's way back (`/login?next=`), which
/// may be an export link.
const SECRET_PARAMS: &[&str] = &[
    "code",
    "state",
    "token",
    "access_token",
    "csrf",
    "export",
    "next",
];

/// A user-supplied string as a log line may hold it: newlines, escape and other
/// control characters escaped (`\n`, `\u{1b}`), so that it cannot forge log lines
/// or drive a terminal.
pub fn log_safe(text: &str) -> String {
    text.escape_debug().to_string()
}

/// `uri` as a log may show it: secret query values and the token of an export link
/// become `<redacted>`.
pub fn redact_uri(uri: &axum::http::Uri) -> String {
    let path = if uri.path().starts_with("/exports/") {
        "/exports/<redacted>".to_string()
    } else if uri.path().starts_with("/webhooks/gong/") {
        "/webhooks/gong/<redacted>".to_string()
    } else {
        uri.path().to_string()
    };
    let Some(query) = uri.query() else {
        return path;
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str()) => {
                format!("{key}=<redacted>")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_never_show_webhook_keys() {
        let uri: axum::http::Uri = "/webhooks/gong/SECRETKEY".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/webhooks/gong/<redacted>");
    }

    #[test]
    fn logs_never_show_oauth_codes_states_or_export_tokens() {
        let uri: axum::http::Uri = "/oauth/callback?code=SECRETCODE&state=SECRETSTATE&x=1"
            .parse()
            .unwrap();
        let shown = redact_uri(&uri);
        assert_eq!(
            shown,
            "/oauth/callback?code=<redacted>&state=<redacted>&x=1"
        );
        let uri: axum::http::Uri = "/exports/abcDEF123".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/exports/<redacted>");
        let uri: axum::http::Uri = "/log?status=Failed&page=2".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/log?status=Failed&page=2");
    }

    #[test]
    fn sec10_debug_request_logs_never_show_export_tokens_or_the_next_link() {
        let uri: axum::http::Uri = "/log/jobs/3?export=SECRETTOKEN&page=2".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/log/jobs/3?export=<redacted>&page=2");
        let uri: axum::http::Uri = "/login?next=%2Fexports%2FSECRETTOKEN".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/login?next=<redacted>");
    }

    #[test]
    fn sec7_user_supplied_strings_are_escaped_for_logs() {
        let typed = "admin\n2026-01-01T00:00:00Z  INFO A log-in succeeded.\r\u{1b}[2J";

        let shown = log_safe(typed);

        assert_eq!(
            shown,
            r"admin\n2026-01-01T00:00:00Z  INFO A log-in succeeded.\r\u{1b}[2J"
        );
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert_eq!(log_safe("plain admin"), "plain admin");
    }

    #[test]
    fn the_policy_allows_no_inline_script_or_style_and_no_framing() {
        let mut config = WebConfig::new("http://x", "/tmp");
        config.allowed_gong_hosts = vec!["127.0.0.1:9090".into()];
        let csp = content_security_policy(&config);
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("style-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("media-src 'self' https: http://127.0.0.1:9090;"),
            "{csp}"
        );
    }
}
