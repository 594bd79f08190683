//! The stylesheet and script of the pages, compiled into the binary and served as
//! files (a Content-Security-Policy of `script-src 'self'; style-src 'self'` needs
//! no inline code). Their URLs carry a hash of the content, so a new release is
//! fetched at once while a browser may cache each version for a year.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The stylesheet.
pub const CSS: &str = include_str!("../../static/app.css");
/// The script (enhancements only: every page reads without it).
pub const JS: &str = include_str!("../../static/app.js");

fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

static CSS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/app.css?v={}", short_hash(CSS)));
static JS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/app.js?v={}", short_hash(JS)));

/// The stylesheet's versioned URL.
pub fn css_url() -> &'static str {
    &CSS_URL
}

/// The script's versioned URL.
pub fn js_url() -> &'static str {
    &JS_URL
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

/// `GET /static/app.css`.
pub(crate) async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

/// `GET /static/app.js`.
pub(crate) async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_content_hash() {
        assert!(css_url().starts_with("/static/app.css?v="));
        assert_eq!(css_url().len(), "/static/app.css?v=".len() + 12);
        assert_ne!(short_hash("a"), short_hash("b"));
    }

    #[test]
    fn the_assets_have_no_inline_style_hooks() {
        // The script never writes style attributes (CSP style-src 'self').
        assert!(!JS.contains(".style."));
        assert!(CSS.contains("prefers-color-scheme: dark"));
    }
}
