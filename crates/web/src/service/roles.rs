//! Accounts and their roles (A1) as admins change them, and the tokens' scopes
//! (A3). What each role may reach, and the role a license type gives by default, is
//! [`crate::auth::roles`] (the guards check it on every request).
//!
//! A Timeline user signs in once an admin grants it ([`grant`]); the role offered
//! first follows the license type ([`default_role`]). An API token carries at most
//! its owner's role: a `member` or `viewer` makes `read` tokens only, and a token of
//! an owner whose role narrowed since reaches only what the role reaches now (the
//! guard checks both, on every request). An account that single sign-on (A2) made is
//! recorded in the audit log by [`record_sso_sign_in`].

use gong_timeline_domain::audit::{AuditAction, AuditChannel};
use gong_timeline_domain::TokenScope;
use gong_timeline_store::{Admin, AdminId, Role, StoreError, UserId};
use gong_timeline_sync::audit::{admin_target, Change};

use crate::auth::oidc::SignedIn;
use crate::auth::roles::default_role;
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The token scopes an owner of `role` may make (A3): no wider than the role.
pub fn scopes(role: Role) -> &'static [TokenScope] {
    match role {
        Role::Admin => TokenScope::ALL,
        Role::Member | Role::Viewer => &[TokenScope::Read],
    }
}

/// `scope` for an owner of `role`, or the refusal naming `scope`.
pub fn check_scope(role: Role, scope: TokenScope) -> ApiResult<()> {
    if scopes(role).contains(&scope) {
        return Ok(());
    }
    Err(ApiError::invalid(
        "scope",
        format!(
            "a token carries at most its owner's role, and the owner's role is '{role}': choose the scope read"
        ),
    ))
}

/// A role as a form or a request names it; empty is `None`.
pub fn role_of(text: &str) -> ApiResult<Option<Role>> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| ApiError::invalid("role", "choose a role: admin, member or viewer")),
    }
}

/// An account made for a Timeline user, and its initial password (shown once).
#[derive(Debug)]
pub struct Granted {
    /// The account (username: the user's email).
    pub account: Admin,
    /// The initial password, shown once.
    pub password: String,
}

/// Grants sign-in to Timeline user `user_id` (A1): an account named by the user's
/// email with `role` (absent: the license type's default; a license type without
/// one needs a role picked), and a random initial password shown once. Recorded in
/// the audit log (who, the role; never the password).
pub async fn grant(
    state: &AppState,
    by: &AdminSession,
    user_id: UserId,
    role: Option<Role>,
) -> ApiResult<Granted> {
    let user = state
        .store
        .get_user(user_id)
        .await?
        .ok_or_else(|| ApiError::missing("Timeline user", user_id))?;
    let role = role.or(default_role(user.license_type)).ok_or_else(|| {
        ApiError::invalid(
            "role",
            format!(
                "a {} license gives no sign-in by default: choose a role to grant one",
                user.license_type
            ),
        )
    })?;
    let password = crate::auth::secret::random_token()[..16].to_string();
    let hash = tokio::task::spawn_blocking({
        let password = password.clone();
        move || crate::auth::secret::hash_password(&password)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::Internal)?;
    let account = state
        .store
        .create_account(&user.email, &hash, role, state.now())
        .await?;
    let after = serde_json::json!({"username": account.username, "role": role, "user_id": user.id});
    let change = Change::new(AuditAction::AdminCreated, admin_target(&account.username));
    super::audit::record(state, by, change.after(&after)).await;
    Ok(Granted { account, password })
}

/// Records in the audit log (A4) the account a single sign-on (A2) made, with the
/// account itself as "who", through the pages; a sign-in to an account that was
/// already there records nothing.
pub async fn record_sso_sign_in(state: &AppState, signed_in: &SignedIn) {
    if !signed_in.created {
        return;
    }
    let account = &signed_in.account;
    let by = AdminSession {
        admin_id: account.id,
        username: account.username.clone(),
        channel: AuditChannel::Ui,
        role: account.role,
        csrf: String::new(),
        token_hash: String::new(),
    };
    let after = serde_json::json!({"username": account.username, "role": account.role, "by": "single sign-on"});
    let change = Change::new(AuditAction::AdminCreated, admin_target(&account.username));
    super::audit::record(state, &by, change.after(&after)).await;
}

/// Changes account `id`'s role (A1), recorded in the audit log (`RoleChanged`, the
/// role before and after). The last admin cannot be demoted (409): an account must be
/// made admin first; the store checks it in the change's own transaction, so two
/// admins demoting each other at once leave one. The account's sessions and tokens
/// reach what the new role reaches from their next request (the guards read the
/// role on every request).
pub async fn change_role(
    state: &AppState,
    by: &AdminSession,
    id: AdminId,
    role: Role,
) -> ApiResult<Admin> {
    let account = state
        .store
        .admin_by_id(id)
        .await?
        .filter(|a| a.can_sign_in())
        .ok_or_else(|| ApiError::missing("account", id))?;
    if account.role == role {
        return Ok(account);
    }
    state.store.set_admin_role(id, role).await?;
    let change = Change::new(
        AuditAction::RoleChanged,
        format!("account '{}'", account.username),
    )
    .before(&serde_json::json!({"role": account.role}))
    .after(&serde_json::json!({"role": role}));
    super::audit::record(state, by, change).await;
    Ok(Admin { role, ..account })
}

/// Removes account `id`'s sign-in (A1): no password or single sign-on signs it in
/// any more and its sessions and API tokens stop working at once. Recorded in the
/// audit log (`SignInRemoved`, the role it had). An admin cannot remove their own
/// sign-in, nor the last admin's (409; the store checks the latter in the removal's
/// own transaction). Granting sign-in again from Timeline users gives it back.
pub async fn remove_sign_in(state: &AppState, by: &AdminSession, id: AdminId) -> ApiResult<Admin> {
    if id == by.admin_id {
        return Err(ApiError::Conflict(
            "You cannot remove your own sign-in: another admin can remove it.".into(),
        ));
    }
    let account = match state.store.remove_sign_in(id, state.now()).await {
        Err(StoreError::NotFound { .. }) => return Err(ApiError::missing("account", id)),
        other => other?,
    };
    let change = Change::new(
        AuditAction::SignInRemoved,
        format!("account '{}'", account.username),
    )
    .before(&serde_json::json!({"role": account.role, "sign_in": true}))
    .after(&serde_json::json!({"sign_in": false}));
    super::audit::record(state, by, change).await;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_a_token_is_no_wider_than_its_owners_role() {
        assert!(check_scope(Role::Admin, TokenScope::Admin).is_ok());
        assert!(check_scope(Role::Member, TokenScope::Read).is_ok());
        for scope in [TokenScope::Admin, TokenScope::Metrics] {
            let refused = check_scope(Role::Member, scope).unwrap_err();
            assert_eq!(refused.field(), Some("scope"));
        }
    }
}
