//! Manual resolution of a Gong user's mapping (U7), one rule for the CLI and the web:
//! the admin picks an existing, active user with the Gong user's email (the suggested
//! users); an inactive one would only fail the meetings again (U4).

use chrono::{DateTime, Utc};
use gong_timeline_domain::UserStatus;
use gong_timeline_store::{ConnectionId, Store, StoreError, UserId, UserMapping};

/// Why a manual resolution was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The connection has no such Gong user.
    #[error("the connection has no Gong user {0}")]
    UnknownGongUser(String),
    /// No Timeline user has that id.
    #[error("there is no Timeline user with id {0}")]
    UnknownUser(UserId),
    /// The user is not one of the suggested users.
    #[error("user {user_id} <{email}> does not have the Gong user's email {gong_email}; pick one of the suggested users")]
    NotSuggested {
        /// The user picked.
        user_id: UserId,
        /// Their email.
        email: String,
        /// The Gong user's email.
        gong_email: String,
    },
    /// The user is inactive.
    #[error("user {user_id} <{email}> is inactive: the meetings would fail again (U4); pick an active user")]
    Inactive {
        /// The user picked.
        user_id: UserId,
        /// Their email.
        email: String,
    },
}

/// Maps `gong_user_id` to `user_id` by hand, after checking the choice. The outer
/// error is the store's; the inner one is the admin's to fix.
pub async fn resolve_by_hand(
    store: &dyn Store,
    connection_id: ConnectionId,
    gong_user_id: &str,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<Result<UserMapping, ResolveError>, StoreError> {
    let mappings = store.list_mappings(connection_id).await?;
    let Some(mapping) = mappings.iter().find(|m| m.gong_user_id == gong_user_id) else {
        return Ok(Err(ResolveError::UnknownGongUser(gong_user_id.to_string())));
    };
    let Some(user) = store.get_user(user_id).await? else {
        return Ok(Err(ResolveError::UnknownUser(user_id)));
    };
    if let Some(gong_email) = &mapping.gong_email {
        let suggested =
            mapping.suggested.contains(&user_id) || user.email.eq_ignore_ascii_case(gong_email);
        if !suggested {
            return Ok(Err(ResolveError::NotSuggested {
                user_id,
                email: user.email,
                gong_email: gong_email.clone(),
            }));
        }
    }
    if user.status != UserStatus::Active {
        return Ok(Err(ResolveError::Inactive {
            user_id,
            email: user.email,
        }));
    }
    Ok(Ok(store
        .resolve_mapping(connection_id, gong_user_id, user_id, now)
        .await?))
}
