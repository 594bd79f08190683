//! Encryption at rest of connection credentials (C4) with ChaCha20-Poly1305.
//!
//! The 32-byte key comes from `GONG_TIMELINE_SECRET_KEY` (base64 or 64 hex digits)
//! or, when that is unset, from a key file beside the database (`<db>.key`, base64),
//! created on first use with permissions 0600. A sealed value is text:
//! `v1.` + base64(12-byte random nonce ‖ ciphertext ‖ tag).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};

use crate::records::{Credentials, OAuthCredentials};

/// The environment variable holding the key.
pub const KEY_ENV: &str = "GONG_TIMELINE_SECRET_KEY";
const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 12;

/// Why a key could not be loaded or a value not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The key given is not 32 bytes of base64 or hex.
    #[error("the secret key from {origin} is not valid: {reason}; it must be 32 bytes as base64 or 64 hex digits (e.g. `openssl rand -base64 32`)")]
    BadKey {
        /// Where the key came from.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The key file cannot be read or created.
    #[error(
        "cannot use the key file {path}: {source}; check the folder's permissions or set {KEY_ENV}"
    )]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A stored value does not decrypt with this key.
    #[error("the stored credentials cannot be decrypted with the current secret key; restore the key they were saved with ({KEY_ENV} or the database's .key file) or save the connection's credentials again")]
    Decrypt,
    /// Encryption or serialisation failed.
    #[error("cannot encrypt the credentials: {0}")]
    Encrypt(String),
}

/// A 32-byte ChaCha20-Poly1305 key. `Debug` shows nothing of it.
#[derive(Clone)]
pub struct SecretKey(Key);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> SecretKey {
        SecretKey(ChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// Parses a key written as base64 (standard alphabet) or 64 hex digits.
    pub fn parse(text: &str, origin: &str) -> Result<SecretKey, CryptoError> {
        let text = text.trim();
        let bad = |reason: String| CryptoError::BadKey {
            origin: origin.to_string(),
            reason,
        };
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|e| bad(e.to_string()))?
        } else {
            B64.decode(text)
                .map_err(|e| bad(format!("not base64 ({e})")))?
        };
        if bytes.len() != 32 {
            return Err(bad(format!("it is {} bytes long", bytes.len())));
        }
        Ok(SecretKey(*Key::from_slice(&bytes)))
    }

    /// The key from `env_value` (the value of [`KEY_ENV`]) when set and non-empty,
    /// else from `key_file`, which is created with a new random key (mode 0600)
    /// when it does not exist.
    pub fn load(env_value: Option<&str>, key_file: &Path) -> Result<SecretKey, CryptoError> {
        if let Some(value) = env_value.filter(|v| !v.trim().is_empty()) {
            return SecretKey::parse(value, KEY_ENV);
        }
        let io = |source| CryptoError::KeyFile {
            path: key_file.to_path_buf(),
            source,
        };
        match std::fs::read_to_string(key_file) {
            Ok(text) => SecretKey::parse(&text, &key_file.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                match create_private(key_file) {
                    Ok(mut file) => {
                        writeln!(file, "{}", B64.encode(key.0)).map_err(io)?;
                        file.sync_all().map_err(io)?;
                        Ok(key)
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text = std::fs::read_to_string(key_file).map_err(io)?;
                        SecretKey::parse(&text, &key_file.display().to_string())
                    }
                    Err(e) => Err(io(e)),
                }
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Writes this key to a new key file (mode 0600), as [`SecretKey::load`] reads
    /// it; an existing file is left alone and is an error.
    pub fn write_new(&self, key_file: &Path) -> Result<(), CryptoError> {
        let io = |source| CryptoError::KeyFile {
            path: key_file.to_path_buf(),
            source,
        };
        let mut file = create_private(key_file).map_err(io)?;
        writeln!(file, "{}", B64.encode(self.0)).map_err(io)?;
        file.sync_all().map_err(io)
    }

    /// Whether `other` opens what this key seals: the same key.
    pub fn same_as(&self, other: &SecretKey) -> bool {
        self.seal(b"key check")
            .is_ok_and(|sealed| other.open(&sealed).is_ok())
    }

    /// Encrypts `plain` into the sealed text form.
    pub fn seal(&self, plain: &[u8]) -> Result<String, CryptoError> {
        let cipher = ChaCha20Poly1305::new(&self.0);
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, plain)
            .map_err(|e| CryptoError::Encrypt(e.to_string()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// Decrypts a value made by [`SecretKey::seal`].
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(CryptoError::Decrypt)?;
        let bytes = B64.decode(body).map_err(|_| CryptoError::Decrypt)?;
        if bytes.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        ChaCha20Poly1305::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| CryptoError::Decrypt)
    }

    /// Seals a connection's credentials.
    pub fn seal_credentials(&self, credentials: &Credentials) -> Result<String, CryptoError> {
        let plain = serde_json::to_vec(&Sealed::from(credentials))
            .map_err(|e| CryptoError::Encrypt(e.to_string()))?;
        self.seal(&plain)
    }

    /// Opens credentials sealed by [`SecretKey::seal_credentials`].
    pub fn open_credentials(&self, sealed: &str) -> Result<Credentials, CryptoError> {
        let plain = self.open(sealed)?;
        let parsed: Sealed = serde_json::from_slice(&plain).map_err(|_| CryptoError::Decrypt)?;
        Ok(parsed.into())
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// The serialised form of [`Credentials`], private so that credentials have no
/// public `Serialize` and cannot slip into a listing.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind")]
enum Sealed {
    Basic {
        access_key: String,
        access_key_secret: String,
    },
    OAuth {
        client_id: String,
        client_secret: String,
        tokens: Option<serde_json::Value>,
        api_base_url: Option<String>,
    },
}

impl From<&Credentials> for Sealed {
    fn from(c: &Credentials) -> Sealed {
        match c.clone() {
            Credentials::Basic {
                access_key,
                access_key_secret,
            } => Sealed::Basic {
                access_key,
                access_key_secret,
            },
            Credentials::OAuth(o) => Sealed::OAuth {
                client_id: o.client_id,
                client_secret: o.client_secret,
                tokens: o.tokens,
                api_base_url: o.api_base_url,
            },
        }
    }
}

impl From<Sealed> for Credentials {
    fn from(s: Sealed) -> Credentials {
        match s {
            Sealed::Basic {
                access_key,
                access_key_secret,
            } => Credentials::Basic {
                access_key,
                access_key_secret,
            },
            Sealed::OAuth {
                client_id,
                client_secret,
                tokens,
                api_base_url,
            } => Credentials::OAuth(OAuthCredentials {
                client_id,
                client_secret,
                tokens,
                api_base_url,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_written_to_a_new_file_loads_back_and_an_existing_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.db.key");
        let key = SecretKey::generate();

        key.write_new(&file).unwrap();
        let loaded = SecretKey::load(None, &file).unwrap();

        assert!(loaded.same_as(&key));
        assert!(!SecretKey::generate().same_as(&key));
        assert!(key.write_new(&file).is_err(), "never overwrites a key file");
    }

    use super::*;

    #[test]
    fn sealed_credentials_open_with_the_same_key_only() {
        let key = SecretKey::generate();
        let creds = Credentials::Basic {
            access_key: "AK".into(),
            access_key_secret: "very-secret".into(),
        };
        let sealed = key.seal_credentials(&creds).unwrap();
        assert!(sealed.starts_with("v1.") && !sealed.contains("very-secret"));
        assert_eq!(key.open_credentials(&sealed).unwrap(), creds);
        let other = SecretKey::generate();
        assert!(matches!(
            other.open_credentials(&sealed),
            Err(CryptoError::Decrypt)
        ));
        assert!(key.open("v1.AAAA").is_err() && key.open("garbage").is_err());
    }

    #[test]
    fn keys_parse_from_base64_and_hex() {
        let hex = "00".repeat(31) + "ff";
        assert!(SecretKey::parse(&hex, "test").is_ok());
        assert!(SecretKey::parse(&B64.encode([7u8; 32]), "test").is_ok());
        let short = SecretKey::parse(&B64.encode([7u8; 16]), "test").unwrap_err();
        assert!(short.to_string().contains("16 bytes"), "{short}");
        assert!(SecretKey::parse("not a key!", "test").is_err());
    }

    #[test]
    fn key_file_is_created_once_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite.key");
        let first = SecretKey::load(None, &path).unwrap();
        let second = SecretKey::load(Some("  "), &path).unwrap();
        let sealed = first.seal(b"x").unwrap();
        assert_eq!(second.open(&sealed).unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let from_env = SecretKey::load(Some(&"ab".repeat(32)), &path).unwrap();
        assert!(from_env.open(&sealed).is_err());
    }
}
