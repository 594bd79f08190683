//! Secrets: argon2 password hashes, random tokens, and the SHA-256 digests the
//! store keeps of session and API tokens.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody has, made once with the same parameters as real
/// ones: an unknown username is verified against it so that it costs as much time
/// as a known one.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Makes the dummy hash now (on the blocking pool), so that the first unknown
/// username does not pay for two hashes.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy_hash).await;
}

/// Verifies `password` against `hash` (or, for an unknown user, against a dummy hash
/// — the answer is then `false`) on the blocking pool, so that argon2's CPU time never
/// stalls the async workers that serve other requests.
pub async fn verify_password_blocking(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let checked = tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| dummy_hash().to_string());
        verify_password(&password, &hash)
    })
    .await
    .unwrap_or(false);
    known && checked
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 hex digest of a token, as the store keeps it.
pub fn digest(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[tokio::test]
    async fn unknown_users_are_checked_against_an_argon2_hash_like_real_ones() {
        let real = hash_password("pw").unwrap();
        let params = |h: &str| h.split('$').nth(3).map(str::to_string);
        assert_eq!(params(dummy_hash()), params(&real), "same argon2 cost");
        assert!(verify_password_blocking("pw".into(), Some(real)).await);
        assert!(!verify_password_blocking("pw".into(), None).await);
    }

    #[test]
    fn tokens_are_random_and_digests_hex() {
        assert_ne!(random_token(), random_token());
        assert_eq!(digest("a").len(), 64);
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
    }
}
