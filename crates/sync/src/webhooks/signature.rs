//! Authentication of Gong's webhook requests (W1), as pure functions: the URL key
//! and its digest, Gong's public key as the admin pastes it, and the signed JWT's
//! checks (RS256 signature, `exp`, `webhook_url`, `body_sha256`).

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore as _;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

/// A new unguessable URL key: 32 random bytes, URL-safe base64.
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The digest a URL key is stored and looked up by (hex SHA-256).
pub fn key_hash(key: &str) -> String {
    hex_sha256(key.as_bytes())
}

/// Lower-case hex SHA-256 of some bytes (the `body_sha256` claim's form).
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a pasted public key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Nothing was pasted.
    #[error("the public key is empty; paste Gong's public key (PEM, from the automation rule's \"Signed JWT header\" option)")]
    Empty,
    /// A private key was pasted.
    #[error("this is a private key; paste Gong's public key (it begins with -----BEGIN PUBLIC KEY-----)")]
    Private,
    /// An RSA key too short to trust with a signature.
    #[error("the public key has {bits} bits; a signing key needs at least {MIN_RSA_BITS} (Gong's have 2048): paste Gong's own key")]
    TooShort {
        /// Its modulus's length.
        bits: usize,
    },
    /// Not an RSA public key in PEM or base64 DER.
    #[error("the public key is not an RSA public key in PEM or base64 form ({0}); paste it as Gong shows it")]
    Invalid(String),
}

/// The shortest RSA key a webhook signature is checked with.
pub const MIN_RSA_BITS: usize = 2048;

/// Gong's public key as pasted (PEM, or the base64 of its DER), checked to be an
/// RSA public key and normalised to PEM.
pub fn normalize_public_key(pasted: &str) -> Result<String, KeyError> {
    let text = pasted.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if text.contains("PRIVATE KEY") {
        return Err(KeyError::Private);
    }
    let pem = if text.starts_with("-----BEGIN") {
        format!("{text}\n")
    } else {
        pem_from_base64(text)?
    };
    DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| KeyError::Invalid(e.to_string()))?;
    let key = rsa::RsaPublicKey::from_public_key_pem(pem.trim())
        .map_err(|e| KeyError::Invalid(e.to_string()))?;
    let bits = key.size() * 8;
    if bits < MIN_RSA_BITS {
        return Err(KeyError::TooShort { bits });
    }
    Ok(pem)
}

/// Wraps the base64 of an SPKI DER into PEM lines.
fn pem_from_base64(text: &str) -> Result<String, KeyError> {
    let compact: String = text.split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| KeyError::Invalid(format!("not base64: {e}")))?;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    Ok(format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    ))
}

/// Why a signed request was refused (401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtRejection {
    /// No `Authorization` header.
    #[error("no Authorization header with Gong's signed JWT")]
    Missing,
    /// The token is malformed, wrongly signed or of another algorithm.
    #[error("the JWT is not valid: {0}")]
    Invalid(String),
    /// `exp` is past.
    #[error("the JWT has expired")]
    Expired,
    /// `exp` is missing or not a number: such a token would never expire.
    #[error("the JWT has no numeric exp (expiry) claim")]
    NoExpiry,
    /// `webhook_url` names another URL (held with its key redacted: the URL key is
    /// a secret, and this message reaches logs and the 401's body).
    #[error("the JWT's webhook_url ({0}) is not this webhook's URL")]
    WrongUrl(String),
    /// `body_sha256` does not match the body received.
    #[error("the JWT's body_sha256 does not match the request body")]
    WrongBody,
}

#[derive(serde::Deserialize)]
struct Claims {
    webhook_url: String,
    body_sha256: String,
}

/// Seconds of clock skew allowed on `exp`.
const LEEWAY_SECONDS: u64 = 60;

/// Checks Gong's JWT (`Authorization`, with or without `Bearer `) against the
/// public key, the URL Gong was given and the raw body.
pub fn check_jwt(
    authorization: Option<&str>,
    public_key_pem: &str,
    expected_url: &str,
    body: &[u8],
) -> Result<(), JwtRejection> {
    check_jwt_header(authorization, public_key_pem, expected_url)?.check(body)
}

/// What a verified JWT says of the body it signs: checked once the body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBody {
    body_sha256: String,
}

impl SignedBody {
    /// Whether `body` is the one the JWT signs.
    pub fn check(&self, body: &[u8]) -> Result<(), JwtRejection> {
        if !self.body_sha256.eq_ignore_ascii_case(&hex_sha256(body)) {
            return Err(JwtRejection::WrongBody);
        }
        Ok(())
    }
}

/// Everything of [`check_jwt`] but the body: signature, expiry and URL, so that a
/// request that fails them is refused before its body is read.
pub fn check_jwt_header(
    authorization: Option<&str>,
    public_key_pem: &str,
    expected_url: &str,
) -> Result<SignedBody, JwtRejection> {
    let header = authorization.map(str::trim).filter(|h| !h.is_empty());
    let token = header.ok_or(JwtRejection::Missing)?;
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token)
        .trim();
    let key = DecodingKey::from_rsa_pem(public_key_pem.as_bytes())
        .map_err(|e| JwtRejection::Invalid(format!("the stored public key: {e}")))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_required_spec_claims(&["exp"]);
    validation.validate_aud = false;
    validation.leeway = LEEWAY_SECONDS;
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtRejection::Expired,
            jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(claim) if claim == "exp" => {
                JwtRejection::NoExpiry
            }
            _ => JwtRejection::Invalid(e.to_string()),
        })?
        .claims;
    if !same_url(&claims.webhook_url, expected_url) {
        return Err(JwtRejection::WrongUrl(redact_webhook_url(
            &claims.webhook_url,
        )));
    }
    Ok(SignedBody {
        body_sha256: claims.body_sha256,
    })
}

/// A webhook URL as messages and logs may show it: scheme, host, port and path with
/// its last segment (the URL key) as `<redacted>`; no query or fragment.
pub fn redact_webhook_url(text: &str) -> String {
    let Ok(mut url) = url::Url::parse(text.trim()) else {
        return "<not a URL>".to_string();
    };
    let path = url.path().trim_end_matches('/');
    let shown = match path.rsplit_once('/') {
        Some((head, last)) if !last.is_empty() => format!("{head}/<redacted>"),
        _ => path.to_string(),
    };
    url.set_path(&shown);
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url.as_str().replace("%3Credacted%3E", "<redacted>")
}

/// Two URLs are the same webhook when scheme, host (any case), port and path
/// (trailing slash ignored) agree.
pub fn same_url(a: &str, b: &str) -> bool {
    let key = |text: &str| {
        url::Url::parse(text.trim()).ok().map(|u| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_ascii_lowercase),
                u.port_or_known_default(),
                u.path().trim_end_matches('/').to_string(),
            )
        })
    };
    matches!((key(a), key(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_url_safe() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(key_hash("abc").len(), 64);
        assert_ne!(key_hash(&a), key_hash(&b));
    }

    #[test]
    fn urls_compare_by_scheme_host_port_and_path() {
        let url = "https://Example.com/webhooks/gong/k";
        assert!(same_url(url, "https://example.com/webhooks/gong/k/"));
        assert!(same_url(url, "https://example.com:443/webhooks/gong/k"));
        assert!(!same_url(url, "http://example.com/webhooks/gong/k"));
        assert!(!same_url(url, "https://example.com/webhooks/gong/other"));
        assert!(!same_url(url, "https://evil.com/webhooks/gong/k"));
        assert!(!same_url(url, "not a url"));
    }

    #[test]
    fn pasted_keys_are_checked() {
        assert_eq!(normalize_public_key("  "), Err(KeyError::Empty));
        assert_eq!(
            normalize_public_key("-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----"),
            Err(KeyError::Private)
        );
        assert!(matches!(
            normalize_public_key("not base64 !!"),
            Err(KeyError::Invalid(_))
        ));
    }

    const PRIVATE: &str = include_str!("testdata/private.pem");
    const PUBLIC: &str = include_str!("testdata/public.pem");
    const OTHER_PUBLIC: &str = include_str!("testdata/other-public.pem");
    const URL: &str = "https://gt.example.com/webhooks/gong/k";

    fn token(claims: serde_json::Value) -> String {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(PRIVATE.as_bytes()).expect("key");
        jsonwebtoken::encode(&jsonwebtoken::Header::new(Algorithm::RS256), &claims, &key)
            .expect("signed")
    }

    fn signed(body: &[u8], url: &str, exp_in: i64) -> String {
        let now = chrono::Utc::now().timestamp();
        token(serde_json::json!({
            "webhook_url": url,
            "body_sha256": hex_sha256(body),
            "iat": now,
            "exp": now + exp_in,
        }))
    }

    #[test]
    fn a_token_signed_for_this_url_and_body_passes() {
        let body = br#"{"isTest":false,"callData":{}}"#;
        let jwt = signed(body, URL, 300);
        assert_eq!(check_jwt(Some(&jwt), PUBLIC, URL, body), Ok(()));
        let bearer = format!("Bearer {jwt}");
        assert_eq!(check_jwt(Some(&bearer), PUBLIC, URL, body), Ok(()));
    }

    #[test]
    fn a_token_without_a_numeric_exp_is_refused() {
        let body = br#"{"isTest":false,"callData":{}}"#;
        let claims = |exp: serde_json::Value| {
            let mut c = serde_json::json!({"webhook_url": URL, "body_sha256": hex_sha256(body)});
            if !exp.is_null() {
                c["exp"] = exp;
            }
            token(c)
        };
        let in_a_minute = chrono::Utc::now().timestamp() + 60;

        let missing = check_jwt(Some(&claims(serde_json::Value::Null)), PUBLIC, URL, body);
        let text = check_jwt(
            Some(&claims(in_a_minute.to_string().into())),
            PUBLIC,
            URL,
            body,
        );

        assert_eq!(missing, Err(JwtRejection::NoExpiry));
        assert_eq!(text, Err(JwtRejection::NoExpiry));
        assert_eq!(
            JwtRejection::NoExpiry.to_string(),
            "the JWT has no numeric exp (expiry) claim"
        );
    }

    #[test]
    fn sec6_a_token_naming_another_webhook_url_is_refused_without_echoing_its_key() {
        let body = b"{}";
        let secret = "Zq3-secretUrlKey_9x";
        let other = format!("https://user:pw@gt.example.com/webhooks/gong/{secret}?a=b");
        let jwt = signed(body, &other, 300);

        let refused = check_jwt(Some(&jwt), PUBLIC, URL, body).unwrap_err();

        let shown = refused.to_string();
        assert!(!shown.contains(secret) && !shown.contains("pw"), "{shown}");
        assert_eq!(
            shown,
            "the JWT's webhook_url (https://gt.example.com/webhooks/gong/<redacted>) is not this webhook's URL"
        );
        assert_eq!(redact_webhook_url("not a url"), "<not a URL>");
    }

    #[test]
    fn tampering_of_any_part_is_refused() {
        let body = br#"{"isTest":false,"callData":{"metaData":{"id":"1"}}}"#;
        let jwt = signed(body, URL, 300);
        let tampered = br#"{"isTest":false,"callData":{"metaData":{"id":"2"}}}"#;
        assert_eq!(
            check_jwt(Some(&jwt), PUBLIC, URL, tampered),
            Err(JwtRejection::WrongBody)
        );
        let other_url = "https://gt.example.com/webhooks/gong/other";
        assert!(matches!(
            check_jwt(Some(&jwt), PUBLIC, other_url, body),
            Err(JwtRejection::WrongUrl(_))
        ));
        assert!(matches!(
            check_jwt(Some(&jwt), OTHER_PUBLIC, URL, body),
            Err(JwtRejection::Invalid(_))
        ));
        let expired = signed(body, URL, -600);
        assert_eq!(
            check_jwt(Some(&expired), PUBLIC, URL, body),
            Err(JwtRejection::Expired)
        );
        assert!(matches!(
            check_jwt(Some("not.a.jwt"), PUBLIC, URL, body),
            Err(JwtRejection::Invalid(_))
        ));
    }

    #[test]
    fn a_key_shorter_than_2048_bits_is_refused_saying_its_length() {
        const SHORT: &str = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDIJ/m6P1YRh05LSc2BEcG8Pt7d\nUlAso8U2tC6W4TvthFbHzG0/dQTycJ/bjkGeX/laU6rXLZnsvtnAMRvGIzZoAUsM\n9ZhZBxKNYEw3vgwdI9tvj7VQrgkImEyJjF2TDYPBMljdWKMKSwuIiMW/EYMKsQQw\nevITTvYbQPUPHjtXPQIDAQAB\n-----END PUBLIC KEY-----";

        let refused = normalize_public_key(SHORT).unwrap_err();

        assert_eq!(refused, KeyError::TooShort { bits: 1024 });
        assert!(refused.to_string().contains("at least 2048"), "{refused}");
        assert!(normalize_public_key(PUBLIC).is_ok(), "Gong's 2048-bit key");
    }

    #[test]
    fn a_key_pasted_as_pem_or_bare_base64_is_the_same_key() {
        let pem = normalize_public_key(PUBLIC).expect("pem");
        let bare: String = PUBLIC.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(normalize_public_key(&bare).expect("base64"), pem);
        let body = b"{}";
        assert_eq!(
            check_jwt(Some(&signed(body, URL, 60)), &pem, URL, body),
            Ok(())
        );
    }

    #[test]
    fn a_missing_token_is_refused_before_anything_else() {
        assert_eq!(
            check_jwt(None, "x", "https://h/w", b"{}"),
            Err(JwtRejection::Missing)
        );
        assert_eq!(
            check_jwt(Some("  "), "x", "https://h/w", b"{}"),
            Err(JwtRejection::Missing)
        );
    }
}
