//! OAuth 2.0 state: authorization codes, access tokens and single-use refresh tokens.
//!
//! Pure bookkeeping over an explicit `now`, so expiry and rotation are unit-tested
//! without waiting. Refresh tokens rotate: using one removes it and issues a new
//! pair; reusing it is `invalid_grant`, as Gong does.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

/// Every scope the simulator knows; Basic auth and an authorize request without a
/// `scope` get all of them.
pub const ALL_SCOPES: &str =
    "api:calls:read:basic api:calls:read:extensive api:calls:read:media-url \
api:calls:read:transcript api:call-outcomes:read \
api:users:read api:settings:trackers:read api:workspaces:read \
api:data-privacy:read api:data-privacy:delete";

/// A freshly issued pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// Bearer token.
    pub access_token: String,
    /// Single-use refresh token.
    pub refresh_token: String,
    /// Granted scopes.
    pub scope: String,
}

/// Why a token request failed (rendered as an OAuth error body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// Unknown, used or revoked code or refresh token, or a redirect mismatch.
    #[error("{0}")]
    InvalidGrant(String),
    /// A grant type other than the two supported.
    #[error("unsupported grant_type '{0}'")]
    UnsupportedGrantType(String),
    /// A required parameter is missing.
    #[error("missing parameter '{0}'")]
    InvalidRequest(&'static str),
}

/// The state of a presented access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// Valid, with these scopes.
    Valid(String),
    /// Past its lifetime.
    Expired,
    /// Revoked by the admin.
    Revoked,
    /// Never issued.
    Unknown,
}

#[derive(Debug, Clone)]
struct Code {
    scope: String,
    redirect_uri: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Access {
    scope: String,
    expires_at: DateTime<Utc>,
    revoked: bool,
}

/// All OAuth state of the simulator.
#[derive(Debug, Default)]
pub struct TokenStore {
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, String>,
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{:032x}", rand::random::<u128>())
}

impl TokenStore {
    /// Issues an authorization code valid for ten minutes.
    pub fn issue_code(&mut self, scope: &str, redirect_uri: &str, now: DateTime<Utc>) -> String {
        let code = random_token("code-");
        let scope = if scope.trim().is_empty() {
            ALL_SCOPES
        } else {
            scope
        };
        self.codes.insert(
            code.clone(),
            Code {
                scope: scope.to_string(),
                redirect_uri: redirect_uri.to_string(),
                expires_at: now + Duration::minutes(10),
            },
        );
        code
    }

    fn issue_pair(&mut self, scope: String, now: DateTime<Utc>, ttl_secs: u64) -> TokenPair {
        let pair = TokenPair {
            access_token: random_token("sim-at-"),
            refresh_token: random_token("sim-rt-"),
            scope: scope.clone(),
        };
        let expires_at = now + Duration::seconds(ttl_secs as i64);
        self.access.insert(
            pair.access_token.clone(),
            Access {
                scope: scope.clone(),
                expires_at,
                revoked: false,
            },
        );
        self.refresh.insert(pair.refresh_token.clone(), scope);
        pair
    }

    /// Exchanges a code (single use) for a pair.
    pub fn exchange_code(
        &mut self,
        code: &str,
        redirect_uri: Option<&str>,
        now: DateTime<Utc>,
        ttl_secs: u64,
    ) -> Result<TokenPair, GrantError> {
        let grant = self.codes.remove(code).ok_or_else(|| {
            GrantError::InvalidGrant("Authorization code is invalid or was already used".into())
        })?;
        if grant.expires_at <= now {
            return Err(GrantError::InvalidGrant(
                "Authorization code has expired".into(),
            ));
        }
        if redirect_uri.is_some_and(|r| r != grant.redirect_uri) {
            return Err(GrantError::InvalidGrant(
                "redirect_uri does not match the authorization request".into(),
            ));
        }
        Ok(self.issue_pair(grant.scope, now, ttl_secs))
    }

    /// Rotates a refresh token: the old one stops working, a new pair is issued.
    pub fn refresh(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        ttl_secs: u64,
    ) -> Result<TokenPair, GrantError> {
        let scope = self.refresh.remove(token).ok_or_else(|| {
            GrantError::InvalidGrant(
                "Refresh token is invalid, expired, or was already used".into(),
            )
        })?;
        Ok(self.issue_pair(scope, now, ttl_secs))
    }

    /// Checks a bearer token.
    pub fn check(&self, token: &str, now: DateTime<Utc>) -> TokenCheck {
        match self.access.get(token) {
            None => TokenCheck::Unknown,
            Some(a) if a.revoked => TokenCheck::Revoked,
            Some(a) if a.expires_at <= now => TokenCheck::Expired,
            Some(a) => TokenCheck::Valid(a.scope.clone()),
        }
    }

    /// Revokes every access token and forgets every code and refresh token: the
    /// client must re-authorise.
    pub fn revoke_all(&mut self) {
        self.access.values_mut().for_each(|a| a.revoked = true);
        self.refresh.clear();
        self.codes.clear();
    }

    /// Expires every access token now (refresh tokens keep working).
    pub fn expire_all(&mut self, now: DateTime<Utc>) {
        self.access
            .values_mut()
            .for_each(|a| a.expires_at = a.expires_at.min(now));
    }
}

/// Whether a granted scope list includes `needed`.
pub fn has_scope(granted: &str, needed: &str) -> bool {
    granted.split_whitespace().any(|s| s == needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_single_use() {
        let now = Utc::now();
        let mut s = TokenStore::default();
        let code = s.issue_code("", "http://cb", now);
        let pair = s.exchange_code(&code, Some("http://cb"), now, 60).unwrap();
        assert!(
            s.exchange_code(&code, None, now, 60).is_err(),
            "codes are single use"
        );
        let next = s.refresh(&pair.refresh_token, now, 60).unwrap();
        assert_ne!(next.refresh_token, pair.refresh_token);
        assert!(matches!(
            s.refresh(&pair.refresh_token, now, 60),
            Err(GrantError::InvalidGrant(_))
        ));
        assert!(s.refresh(&next.refresh_token, now, 60).is_ok());
    }

    #[test]
    fn access_tokens_expire_and_can_be_revoked() {
        let now = Utc::now();
        let mut s = TokenStore::default();
        let code = s.issue_code("api:users:read", "http://cb", now);
        let pair = s.exchange_code(&code, None, now, 60).unwrap();
        assert_eq!(
            s.check(&pair.access_token, now),
            TokenCheck::Valid("api:users:read".into())
        );
        assert_eq!(
            s.check(&pair.access_token, now + Duration::seconds(61)),
            TokenCheck::Expired
        );
        s.expire_all(now);
        assert_eq!(s.check(&pair.access_token, now), TokenCheck::Expired);
        assert!(
            s.refresh(&pair.refresh_token, now, 60).is_ok(),
            "expiry keeps refresh tokens"
        );
        s.revoke_all();
        assert_eq!(s.check(&pair.access_token, now), TokenCheck::Revoked);
        assert_eq!(s.check("nope", now), TokenCheck::Unknown);
    }

    #[test]
    fn a_mismatched_redirect_uri_is_refused() {
        let now = Utc::now();
        let mut s = TokenStore::default();
        let code = s.issue_code("", "http://cb", now);
        assert!(s
            .exchange_code(&code, Some("http://evil"), now, 60)
            .is_err());
        assert!(has_scope(ALL_SCOPES, "api:calls:read:media-url"));
    }
}
