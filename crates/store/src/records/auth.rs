//! Web admin accounts, their login sessions and Bearer API tokens.
//!
//! The store keeps only hashes: an argon2 hash of each password (made by the web
//! layer) and a SHA-256 hex digest of each session and API token. The plain tokens
//! exist only in the browser's cookie or the API client's configuration.

use super::{AdminId, ApiTokenId};
use chrono::{DateTime, Utc};
use gong_timeline_domain::TokenScope;
use serde::{Deserialize, Serialize};

gong_timeline_domain::spelled_enum!(
    /// What an account may do (A1): `admin` every right; `member` reads the
    /// Timeline, companies, activities and recordings; `viewer` reads the Timeline
    /// without recordings.
    Role, "role" {
        Admin => "admin",
        Member => "member",
        Viewer => "viewer",
    }
);

/// An account of the web UI and API (an admin, or a Timeline reader with a
/// narrower [`Role`]).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admin {
    /// Store id.
    pub id: AdminId,
    /// Login name, unique (case-insensitive).
    pub username: String,
    /// The password's argon2 PHC string; never shown.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// What it may do.
    pub role: Role,
    /// When an admin removed its sign-in ([`crate::Store::remove_sign_in`]); `None`
    /// while it may sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_removed_at: Option<DateTime<Utc>>,
}

impl Admin {
    /// Whether the account may sign in (with a password, single sign-on, a session
    /// or an API token): its sign-in was not removed.
    pub fn can_sign_in(&self) -> bool {
        self.sign_in_removed_at.is_none()
    }
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("role", &self.role)
            .field("sign_in_removed_at", &self.sign_in_removed_at)
            .finish()
    }
}

/// A login session of an admin: the cookie's hash and the CSRF token of its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 hex of the session cookie's value; unique.
    pub token_hash: String,
    /// The admin logged in.
    pub admin_id: AdminId,
    /// The CSRF token every form of this session carries.
    pub csrf_token: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

/// An OAuth authorisation in progress: the digest of the `state` sent to Gong's
/// consent page, kept in the database so that whichever replica receives Gong's
/// redirect can check it, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOAuth {
    /// SHA-256 hex of the `state` value; unique.
    pub state_hash: String,
    /// The connection being authorised.
    pub connection_id: crate::ConnectionId,
    /// Who started the flow, as the web layer wrote it (opaque here).
    pub started_by: String,
    /// When the state stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// A Bearer token of the JSON API, created by an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Store id.
    pub id: ApiTokenId,
    /// A label ("ci", "reporting").
    pub name: String,
    /// SHA-256 hex of the token; never shown.
    #[serde(skip_serializing)]
    pub token_hash: String,
    /// The admin who made it.
    pub admin_id: AdminId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// What it may do; tokens made before scopes existed are `admin`.
    pub scope: TokenScope,
    /// When a request last used it (to spot forgotten tokens).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether the token still works at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|end| now < end)
    }
}

/// An API token to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// A label.
    pub name: String,
    /// SHA-256 hex of the token; unique.
    pub token_hash: String,
    /// The admin who makes it.
    pub admin_id: AdminId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// What it may do.
    pub scope: TokenScope,
}
