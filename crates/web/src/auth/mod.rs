//! Authentication: admin passwords (argon2), login sessions in an HttpOnly,
//! SameSite=Lax cookie with a per-session CSRF token that every form posts back,
//! and Bearer API tokens. The store keeps only hashes of tokens.
//!
//! - [`secret`]: password hashing, random tokens, token digests.
//! - [`session`]: sessions and their CSRF tokens (read by the pages' guard,
//!   `ui::guard`), log in/out, the API guard (`require_api`).
//! - [`oidc`]: sign-in with an OpenID Connect provider (A2).
//! - [`roles`]: what each role (A1) may reach (the guards' one table of routes), the
//!   default role of a license type.
//! - [`throttle`]: failed log-ins per account and per client address.

pub mod oidc;
pub mod roles;
pub mod secret;
pub mod session;
pub mod throttle;

pub use session::{require_api, AdminSession, SESSION_COOKIE};
