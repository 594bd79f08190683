//! API tokens, as the tokens page, the API and `gong-timeline admin token` make them:
//! a random `gtk_…` value shown once, its SHA-256 digest stored, a scope and an
//! optional expiry.

use chrono::{DateTime, Utc};
use gong_timeline_domain::audit::AuditAction;
use gong_timeline_domain::TokenScope;
use gong_timeline_store::{AdminId, ApiToken, ApiTokenId, NewApiToken, Store};
use gong_timeline_sync::audit::Change;

use crate::auth::secret::{digest, random_token};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;

/// The longest expiry offered (ten years).
pub const MAX_DAYS: i64 = 3650;

/// What a new token is.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    /// Its label, 1 to 100 characters.
    pub name: &'a str,
    /// Its scope.
    pub scope: TokenScope,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a token for `admin_id`; returns it with its plain value (shown once). Its
/// scope is no wider than the owner's role (A3): a member's or viewer's is `read`.
pub async fn create(
    store: &dyn Store,
    admin_id: AdminId,
    request: TokenRequest<'_>,
    now: DateTime<Utc>,
) -> Result<(ApiToken, String), ApiError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid(
            "name",
            "enter a name of 1 to 100 characters",
        ));
    }
    let owner = store
        .admin_by_id(admin_id)
        .await?
        .filter(|a| a.can_sign_in())
        .ok_or_else(|| ApiError::missing("account", admin_id))?;
    super::roles::check_scope(owner.role, request.scope)?;
    let plain = format!("gtk_{}", random_token());
    let token = store
        .create_api_token(NewApiToken {
            name: name.to_string(),
            token_hash: digest(&plain),
            admin_id,
            created_at: now,
            expires_at: request.expires_at,
            scope: request.scope,
        })
        .await?;
    Ok((token, plain))
}

/// [`create`] for the signed-in admin `by`, recorded in the audit log (its name,
/// scope and expiry; never its value).
pub async fn create_by(
    state: &AppState,
    by: &AdminSession,
    request: TokenRequest<'_>,
) -> Result<(ApiToken, String), ApiError> {
    let (token, plain) = create(state.store.as_ref(), by.admin_id, request, state.now()).await?;
    let after = serde_json::json!({"name": token.name, "scope": token.scope, "expires_at": token.expires_at});
    let change = Change::new(
        AuditAction::TokenCreated,
        super::audit::token(&token.name, &by.username),
    );
    super::audit::record(state, by, change.after(&after)).await;
    Ok((token, plain))
}

/// Revokes token `id`, recorded in the audit log; an unknown id is a 404.
pub async fn revoke(state: &AppState, by: &AdminSession, id: ApiTokenId) -> Result<(), ApiError> {
    let token = state
        .store
        .list_api_tokens()
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::missing("API token", id))?;
    state.store.delete_api_token(id).await?;
    let owner = match state.store.admin_by_id(token.admin_id).await? {
        Some(admin) => admin.username,
        None => format!("#{}", token.admin_id),
    };
    let before = serde_json::json!({"name": token.name, "scope": token.scope, "expires_at": token.expires_at});
    let change = Change::new(
        AuditAction::TokenRevoked,
        super::audit::token(&token.name, &owner),
    );
    super::audit::record(state, by, change.before(&before)).await;
    Ok(())
}

/// The scope a form or a request chose; empty is `read`, the least that is useful.
pub fn scope_of(text: &str) -> Result<TokenScope, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(TokenScope::Read);
    }
    text.parse().map_err(|_| {
        ApiError::invalid(
            "scope",
            format!("choose a scope: read, metrics or admin (not '{text}')"),
        )
    })
}

/// The end of a token that lasts `days` from `now`; empty: it does not expire.
pub fn expiry(now: DateTime<Utc>, days: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let days = days.trim();
    if days.is_empty() {
        return Ok(None);
    }
    match days.parse::<i64>() {
        Ok(n) if (1..=MAX_DAYS).contains(&n) => Ok(Some(now + chrono::Duration::days(n))),
        _ => Err(ApiError::invalid(
            "expires_in_days",
            format!("enter a whole number of days from 1 to {MAX_DAYS}, or leave it empty for a token that does not expire"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sec8_a_scope_is_chosen_by_name_and_defaults_to_read() {
        assert_eq!(scope_of("").unwrap(), TokenScope::Read);
        assert_eq!(scope_of(" metrics ").unwrap(), TokenScope::Metrics);
        assert_eq!(scope_of("admin").unwrap(), TokenScope::Admin);
        let refused = scope_of("root").unwrap_err();
        assert_eq!(refused.field(), Some("scope"));
        assert!(refused.to_string().contains("read, metrics or admin"));
    }
}
