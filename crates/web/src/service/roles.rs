//! Roles (A1) and what they may reach, for the pages' guard, the API's guard and the
//! tokens (A3): one table of routes, checked on every request.
//!
//! - `admin`: everything (today's rights).
//! - `member`: reads the Timeline, companies, activities and recordings; nothing of
//!   connectors, settings, imports, the log, users, tokens, the audit log, privacy.
//! - `viewer`: reads the Timeline without recordings.
//!
//! A Timeline user signs in once an admin grants it ([`grant`]); the role offered
//! first follows the license type ([`default_role`]). An API token carries at most
//! its owner's role: a `member` or `viewer` makes `read` tokens only, and a token of
//! an owner whose role narrowed since reaches only what the role reaches now (the
//! guard checks both, on every request).

use axum::http::Method;
use gong_timeline_domain::audit::AuditAction;
use gong_timeline_domain::{LicenseType, TokenScope};
use gong_timeline_store::{Admin, AdminId, Role, StoreError, UserId};
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any signed-in account: the Timeline, companies, activities.
    Reader,
    /// Recordings and transcripts (what the call carries): `member` and `admin`.
    Recordings,
    /// Everything else: `admin`.
    Admin,
}

/// Whether `role` may reach a route that needs `need`.
pub fn allows(role: Role, need: Need) -> bool {
    match need {
        Need::Reader => true,
        Need::Recordings => matches!(role, Role::Admin | Role::Member),
        Need::Admin => role == Role::Admin,
    }
}

/// What the route `route` (its template, e.g. `/companies/{id}`, or the whole path
/// of `/api/v1/…`) needs for `method`. Anything not listed is `Admin`: a new route
/// is closed until it is opened here.
pub fn need(method: &Method, route: &str) -> Need {
    let reads = *method == Method::GET || *method == Method::HEAD;
    match route {
        "/" | "/logout" => Need::Reader,
        "/companies" | "/companies/{id}" | "/activities" | "/activities/{id}" if reads => {
            Need::Reader
        }
        "/activities/{id}/recording"
        | "/activities/{id}/transcript"
        | "/api/v1/activities/{id}/transcript"
            if reads =>
        {
            Need::Recordings
        }
        "/api/v1/companies" | "/api/v1/activities" | "/api/v1/activities/{id}" if reads => {
            Need::Reader
        }
        _ => Need::Admin,
    }
}

/// The refusal of a route `role` may not reach.
pub fn refused(role: Role, need: Need) -> ApiError {
    let what = match need {
        Need::Reader => "this page",
        Need::Recordings => "recordings and transcripts",
        Need::Admin => "this page (admins only)",
    };
    ApiError::Forbidden(format!(
        "Your role is '{role}', which may not open {what}. Ask an admin if you need it."
    ))
}

/// The role a Timeline user's license type gives by default: Full and
/// Viewer+Analytics read the Timeline with recordings, Viewer without; others get no
/// sign-in unless an admin picks a role.
pub fn default_role(license: LicenseType) -> Option<Role> {
    match license {
        LicenseType::Full | LicenseType::ViewerAnalytics => Some(Role::Member),
        LicenseType::Viewer => Some(Role::Viewer),
        _ => None,
    }
}

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
    let change = Change::new(
        AuditAction::AdminCreated,
        format!("admin '{}'", account.username),
    );
    super::audit::record(state, by, change.after(&after)).await;
    Ok(Granted { account, password })
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
    fn a1_each_role_reaches_its_routes() {
        let get = Method::GET;
        let table: &[(&str, Need, [bool; 3])] = &[
            ("/companies/{id}", Need::Reader, [true, true, true]),
            (
                "/activities/{id}/recording",
                Need::Recordings,
                [true, true, false],
            ),
            ("/connectors", Need::Admin, [true, false, false]),
            ("/api/v1/activities", Need::Reader, [true, true, true]),
            ("/api/v1/jobs", Need::Admin, [true, false, false]),
            ("/something/new", Need::Admin, [true, false, false]),
        ];
        for (route, wanted, by_role) in table {
            assert_eq!(need(&get, route), *wanted, "{route}");
            for (role, allowed) in [Role::Admin, Role::Member, Role::Viewer]
                .iter()
                .zip(by_role)
            {
                assert_eq!(allows(*role, *wanted), *allowed, "{role} {route}");
            }
        }
        assert_eq!(need(&Method::POST, "/api/v1/activities"), Need::Admin);
    }

    #[test]
    fn a1_the_default_role_follows_the_license_type() {
        assert_eq!(default_role(LicenseType::Full), Some(Role::Member));
        assert_eq!(
            default_role(LicenseType::ViewerAnalytics),
            Some(Role::Member)
        );
        assert_eq!(default_role(LicenseType::Viewer), Some(Role::Viewer));
        for none in [
            LicenseType::InternalCollaborator,
            LicenseType::External,
            LicenseType::Guest,
        ] {
            assert_eq!(default_role(none), None);
        }
    }

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
