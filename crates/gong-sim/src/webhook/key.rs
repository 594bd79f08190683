//! The webhook signing key and the JWT that goes with each webhook: RS256 over the
//! claims `webhook_url`, `body_sha256`, `iat` and `exp` (see
//! `shared/reference/gong-webhooks.md`).

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SimError;

/// The simulator's demo key pair (2048-bit RSA, PKCS#8). It is **public by
/// design** — it ships in the source so that debug builds need not generate a key
/// — and must never sign anything outside a test or a demo.
const DEMO_PRIVATE_PEM: &str = include_str!("demo_key.pem");
/// The demo key's public half (SPKI PEM).
const DEMO_PUBLIC_PEM: &str = include_str!("demo_key.pub.pem");

/// Lifetime of a webhook token, seconds.
pub const TOKEN_TTL_SECS: i64 = 300;

/// The claims of a webhook's JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookClaims {
    /// The exact URL the webhook was posted to.
    pub webhook_url: String,
    /// Lower-case hex SHA-256 of the raw body bytes.
    pub body_sha256: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at (`iat` + 5 minutes).
    pub exp: i64,
}

/// A private key that signs webhooks, with its public half as SPKI PEM.
#[derive(Clone)]
pub struct WebhookKey {
    encoding: EncodingKey,
    public_pem: String,
}

// The private key stays out of Debug output.
impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookKey")
            .field("public_pem", &self.public_pem)
            .finish_non_exhaustive()
    }
}

fn key_error(e: impl std::fmt::Display) -> SimError {
    SimError::WebhookKey(e.to_string())
}

impl WebhookKey {
    /// The embedded demo key.
    pub fn demo() -> Result<WebhookKey, SimError> {
        Ok(WebhookKey {
            encoding: EncodingKey::from_rsa_pem(DEMO_PRIVATE_PEM.as_bytes()).map_err(key_error)?,
            public_pem: DEMO_PUBLIC_PEM.to_string(),
        })
    }

    /// An operator's RSA private key, PEM (PKCS#8 `PRIVATE KEY` or PKCS#1
    /// `RSA PRIVATE KEY`); its public half is derived.
    pub fn from_private_pem(pem: &str) -> Result<WebhookKey, SimError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|e| key_error(format!("not an RSA private key in PEM: {e}")))?;
        let public_pem = rsa::RsaPublicKey::from(&private)
            .to_public_key_pem(LineEnding::LF)
            .map_err(key_error)?;
        Ok(WebhookKey {
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(key_error)?,
            public_pem,
        })
    }

    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), for receivers.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// The JWT for posting `body` to `url` at `now`.
    pub fn sign(&self, url: &str, body: &[u8], now: DateTime<Utc>) -> Result<String, SimError> {
        let iat = now.timestamp();
        let claims = WebhookClaims {
            webhook_url: url.to_string(),
            body_sha256: body_sha256(body),
            iat,
            exp: iat + TOKEN_TTL_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.encoding)
            .map_err(key_error)
    }
}

/// Lower-case hex SHA-256 of `body`.
pub fn body_sha256(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};

    use super::*;

    fn verify(key: &WebhookKey, token: &str) -> WebhookClaims {
        let public = DecodingKey::from_rsa_pem(key.public_pem().as_bytes()).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.required_spec_claims = ["exp".to_string()].into();
        jsonwebtoken::decode::<WebhookClaims>(token, &public, &validation)
            .unwrap()
            .claims
    }

    #[test]
    fn a_token_from_the_demo_key_verifies_with_its_public_key() {
        let key = WebhookKey::demo().unwrap();
        assert!(key.public_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
        let token = key
            .sign("http://x.example/hook", b"{}", Utc::now())
            .unwrap();
        let claims = verify(&key, &token);
        assert_eq!(claims.webhook_url, "http://x.example/hook");
        assert_eq!(claims.body_sha256, body_sha256(b"{}"));
        assert_eq!(claims.exp - claims.iat, 300);
    }

    #[test]
    fn an_operator_key_gets_its_public_half_derived() {
        let key = WebhookKey::from_private_pem(DEMO_PRIVATE_PEM).unwrap();
        assert_eq!(key.public_pem().trim(), DEMO_PUBLIC_PEM.trim());
        assert!(matches!(
            WebhookKey::from_private_pem("not a key"),
            Err(SimError::WebhookKey(_))
        ));
    }

    #[test]
    fn the_body_hash_is_lower_case_hex() {
        assert_eq!(
            body_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
