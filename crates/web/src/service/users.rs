//! Users for the User management pages and the API: a Gong user's mapping with its
//! suggested users, resolving a conflict by hand (U7), and the Timeline-user search.

use gong_timeline_domain::{LicenseType, UserStatus};
use gong_timeline_store::{ConnectionId, User, UserId, UserMapping};
use gong_timeline_sync::mappings::{self, ResolveError};

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn unknown_gong_user(conn: ConnectionId, gong_user_id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "Gong user {gong_user_id} is not known to connection {conn}"
    ))
}

/// A Gong user's mapping and the users it may be mapped to: the suggested ones, or,
/// when none is kept, every Timeline user with the Gong user's email.
pub async fn conflict(
    state: &AppState,
    conn: ConnectionId,
    gong_user_id: &str,
) -> ApiResult<(UserMapping, Vec<User>)> {
    let mapping = state
        .store
        .list_mappings(conn)
        .await?
        .into_iter()
        .find(|m| m.gong_user_id == gong_user_id)
        .ok_or_else(|| unknown_gong_user(conn, gong_user_id))?;
    let mut suggested = Vec::new();
    for id in &mapping.suggested {
        if let Some(u) = state.store.get_user(*id).await? {
            suggested.push(u);
        }
    }
    if suggested.is_empty() {
        if let Some(email) = &mapping.gong_email {
            suggested = state.store.users_by_email(email).await?;
        }
    }
    Ok((mapping, suggested))
}

/// Maps a Gong user to one of its suggested users (U7); nothing picked is invalid
/// input on `user_id`.
pub async fn resolve_mapping(
    state: &AppState,
    conn: ConnectionId,
    gong_user_id: &str,
    user_id: Option<UserId>,
    by: &AdminSession,
) -> ApiResult<UserMapping> {
    let user_id =
        user_id.ok_or_else(|| ApiError::invalid("user_id", "pick one of the suggested users"))?;
    let connection = super::lookup::connection(state, conn).await?;
    let mapping = mappings::resolve_by_hand(
        state.store.as_ref(),
        conn,
        gong_user_id,
        user_id,
        state.now(),
    )
    .await?
    .map_err(|e| match e {
        ResolveError::UnknownGongUser(_) => unknown_gong_user(conn, gong_user_id),
        other => ApiError::invalid("user_id", other),
    })?;
    let target = super::audit::gong_user(&mapping.gong_user_id, &connection.name);
    let after = serde_json::json!({"user_id": user_id, "status": mapping.status});
    let change = Change::new(AuditAction::MappingResolved, target).after(&after);
    super::audit::record(state, by, change).await;
    Ok(mapping)
}

/// The Timeline users matching a search (name or email contains it, any case), a
/// license type and a status.
pub fn matching<'a>(
    users: &'a [User],
    q: &str,
    license: Option<LicenseType>,
    status: Option<UserStatus>,
) -> Vec<&'a User> {
    let q = q.trim().to_lowercase();
    users
        .iter()
        .filter(|u| {
            q.is_empty()
                || u.name.to_lowercase().contains(&q)
                || u.email.to_lowercase().contains(&q)
        })
        .filter(|u| license.is_none_or(|l| u.license_type == l))
        .filter(|u| status.is_none_or(|s| u.status == s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, name: &str, email: &str, license: LicenseType, status: UserStatus) -> User {
        User {
            id: UserId::from(id),
            email: email.to_string(),
            name: name.to_string(),
            license_type: license,
            status,
            fields: Default::default(),
            created_by_sync: false,
        }
    }

    fn names(found: Vec<&User>) -> Vec<&str> {
        found.into_iter().map(|u| u.name.as_str()).collect()
    }

    #[test]
    fn the_search_matches_name_or_email_in_any_case_and_every_filter_given() {
        let users = [
            user(
                1,
                "Ada Lovelace",
                "ada@acme.com",
                LicenseType::Full,
                UserStatus::Active,
            ),
            user(
                2,
                "Bob",
                "BOB@acme.com",
                LicenseType::Viewer,
                UserStatus::Inactive,
            ),
            user(
                3,
                "Carol",
                "carol@other.com",
                LicenseType::Full,
                UserStatus::Inactive,
            ),
        ];

        assert_eq!(
            names(matching(&users, "  ", None, None)),
            ["Ada Lovelace", "Bob", "Carol"]
        );
        assert_eq!(
            names(matching(&users, "LOVE", None, None)),
            ["Ada Lovelace"]
        );
        assert_eq!(
            names(matching(&users, "acme", None, None)),
            ["Ada Lovelace", "Bob"]
        );
        assert_eq!(
            names(matching(
                &users,
                "",
                Some(LicenseType::Full),
                Some(UserStatus::Inactive)
            )),
            ["Carol"]
        );
        assert!(matching(&users, "acme", Some(LicenseType::Guest), None).is_empty());
    }
}
