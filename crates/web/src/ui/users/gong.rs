//! Add Users › Add User from External Systems: connection type GONG_IO → a
//! connection → its Gong users with their mapping status (Conflicts first, or one
//! status; a mapping to an inactive user is flagged, as its meetings fail).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Extension;
use gong_timeline_domain::{MappingStatus, UserStatus};
use gong_timeline_store::{Connection, ConnectionId, User, UserId, UserMapping};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, page, pager};
use crate::ui::paging::PER_PAGE;

/// The only external system type.
pub const GONG_IO: &str = "GONG_IO";

#[derive(Deserialize)]
pub(crate) struct UsersQuery {
    connection: Option<ConnectionId>,
    page: Option<u32>,
    resolved: Option<String>,
    #[serde(default)]
    status: String,
}

/// Conflicts first: they need the admin; then failures, then the settled ones.
fn rank(status: MappingStatus) -> u8 {
    match status {
        MappingStatus::Conflict => 0,
        MappingStatus::Failed => 1,
        MappingStatus::Created => 2,
        MappingStatus::Mapped => 3,
    }
}

/// `GET /users`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<UsersQuery>,
) -> PageResult<Markup> {
    Ok(list_page(&state, &s, &q).await?)
}

/// The mappings of status `wanted` (all: `None`), Conflicts first.
fn listed(mut mappings: Vec<UserMapping>, wanted: Option<MappingStatus>) -> Vec<UserMapping> {
    mappings.retain(|m| wanted.is_none_or(|w| m.status == w));
    mappings.sort_by_key(|m| rank(m.status));
    mappings
}

/// Page `page_no` (from 1) of `all`, and whether a next page has more.
fn page_of<T>(all: &[T], page_no: u32) -> (&[T], bool) {
    let start = (((page_no.max(1) - 1) * PER_PAGE) as usize).min(all.len());
    let end = (start + PER_PAGE as usize).min(all.len());
    (&all[start..end], all.len() > end)
}

async fn list_page(state: &AppState, s: &AdminSession, q: &UsersQuery) -> Result<Markup, ApiError> {
    let connections = state.store.list_connections().await?;
    let wanted: Option<MappingStatus> = match q.status.trim() {
        "" => None,
        s => Some(s.parse().map_err(|e| ApiError::invalid("status", e))?),
    };
    if let Some(id) = q
        .connection
        .filter(|id| !connections.iter().any(|c| c.id == *id))
    {
        // A deleted or mistyped connection has no mappings to show, not "none yet".
        return Err(ApiError::NotFound(format!(
            "there is no connection {id} (it may have been deleted); pick one from the list"
        )));
    }
    let mappings = match q.connection {
        Some(id) => state.store.list_mappings(id).await?,
        None => Vec::new(),
    };
    let any = !mappings.is_empty();
    let mappings = listed(mappings, wanted);
    let page_no = q.page.unwrap_or(1).max(1);
    let (shown, more) = page_of(&mappings, page_no);
    let users: HashMap<UserId, User> = if mappings.is_empty() {
        HashMap::new()
    } else {
        state
            .store
            .list_users()
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    Ok(page(
        "User management",
        s,
        html! {
            @if connections.is_empty() {
                (layout::empty("no-connections", "No connection yet", html! {
                    p { "Gong users appear here once a Gong connection exists and has synced." }
                    a.button.primary href="/connectors" { "Create a connection" }
                }))
            }
            p { a href="/users/timeline" id="timeline-users-link" { "Timeline users" } " — search the Timeline's own users by name, email, license type and status." }
            (external_users_form(&connections, q.connection, wanted))
            @if let Some(g) = &q.resolved { (resolved_notice(g, &mappings, &users)) }
            @if let Some(conn) = q.connection {
                (gong_users_table(conn, shown, &users, any, mappings.is_empty()))
                (pager(page_no, more, |p| format!("/users?connection_type={GONG_IO}&connection={conn}&status={}&page={p}", crate::auth::session::urlencode(&q.status))))
            }
        },
    ))
}

/// Add Users › Add User from External Systems: the connection and the status to list.
fn external_users_form(
    connections: &[Connection],
    chosen: Option<ConnectionId>,
    wanted: Option<MappingStatus>,
) -> Markup {
    html! {
        form.card method="get" action="/users" id="external-users" {
            h2 { "Add Users › Add User from External Systems" }
            label { "Connection Type " select name="connection_type" id="connection-type" { option value=(GONG_IO) selected { (GONG_IO) } } }
            label { "Connection "
                select name="connection" id="connection" {
                    @for c in connections { option value=(c.id) selected[chosen == Some(c.id)] { (c.name) } }
                }
            }
            label { "Status "
                select name="status" id="mapping-status" {
                    option value="" { "All (Conflicts first)" }
                    @for st in [MappingStatus::Conflict, MappingStatus::Failed, MappingStatus::Created, MappingStatus::Mapped] {
                        option value=(st) selected[wanted == Some(st)] { (st) }
                    }
                }
            }
            button.primary type="submit" id="load-users" { "Load users" }
        }
    }
}

/// After a conflict was resolved: who is now mapped to whom.
fn resolved_notice(
    gong_user_id: &str,
    mappings: &[UserMapping],
    users: &HashMap<UserId, User>,
) -> Markup {
    let resolved = mappings.iter().find(|m| m.gong_user_id == gong_user_id);
    html! {
        p.notice id="resolved" {
            "Gong user "
            @if let Some(m) = resolved { strong { (m.gong_name) } " <" (m.gong_email.clone().unwrap_or_default()) ">" } @else { (gong_user_id) }
            " is mapped"
            @if let Some(u) = resolved.and_then(|m| m.user_id).and_then(|id| users.get(&id)) { " to " (u.name) " <" (u.email) ">" }
            ". Meetings that failed on it are retried at the next sync."
        }
    }
}

/// One page of a connection's Gong users; `any`: whether it has mappings at all,
/// `none_listed`: whether none has the status asked for.
fn gong_users_table(
    conn: ConnectionId,
    mappings: &[UserMapping],
    users: &HashMap<UserId, User>,
    any: bool,
    none_listed: bool,
) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label="Gong users" { table id="gong-users" {
            thead { tr { th { "Gong user" } th { "Email" } th { "Status" } th { "Timeline user" } } }
            tbody {
                @for m in mappings {
                    tr.gong-user data-gong-user=(m.gong_user_id) {
                        td data-label="Gong user" { (m.gong_name) br; span.muted { (m.gong_user_id) } }
                        td data-label="Email" { (m.gong_email.clone().unwrap_or_default()) }
                        td.status data-label="Status" {
                            @if m.status == MappingStatus::Conflict {
                                a.conflict href={ "/users/" (conn) "/resolve/" (m.gong_user_id) } { (layout::badge(layout::mapping_tone(m.status), m.status)) " Resolve" }
                            } @else { (layout::badge(layout::mapping_tone(m.status), m.status)) @if m.manual { " (manual)" } }
                        }
                        td data-label="Timeline user" { @if let Some(u) = m.user_id.and_then(|id| users.get(&id)) {
                            (u.name) " <" (u.email) "> · " (u.license_type)
                            @if u.status == UserStatus::Inactive {
                                " " span.inactive-user { (layout::badge(layout::Tone::Bad, "Inactive")) " their meetings fail until the user is active again or mapped to another user" }
                            }
                        } }
                    }
                }
                @if !any { tr { td colspan="4" { "No Gong users are mapped yet: they load at the connection's first sync." } } }
                @else if none_listed { tr { td colspan="4" id="no-users" { "No Gong user has this status." } } }
            }
        } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(gong_user_id: &str, status: MappingStatus) -> UserMapping {
        UserMapping {
            connection_id: Default::default(),
            gong_user_id: gong_user_id.to_string(),
            gong_email: None,
            gong_name: gong_user_id.to_uppercase(),
            status,
            user_id: None,
            suggested: Vec::new(),
            manual: false,
            updated_at: Default::default(),
        }
    }

    #[test]
    fn conflicts_come_first_then_failures_and_a_status_lists_only_its_own() {
        let all = vec![
            mapping("m", MappingStatus::Mapped),
            mapping("c", MappingStatus::Conflict),
            mapping("r", MappingStatus::Created),
            mapping("f", MappingStatus::Failed),
        ];
        let ids = |v: Vec<UserMapping>| v.into_iter().map(|m| m.gong_user_id).collect::<Vec<_>>();
        assert_eq!(ids(listed(all.clone(), None)), ["c", "f", "r", "m"]);
        assert_eq!(ids(listed(all, Some(MappingStatus::Failed))), ["f"]);
    }

    #[test]
    fn a_page_past_the_end_is_empty_and_only_a_full_page_with_more_has_a_next() {
        let all: Vec<u32> = (0..PER_PAGE + 1).collect();
        assert_eq!(page_of(&all, 1), (&all[..PER_PAGE as usize], true));
        assert_eq!(page_of(&all, 2), (&all[PER_PAGE as usize..], false));
        assert_eq!(page_of(&all, 9), (&all[..0], false));
        assert_eq!(page_of(&all, 0), page_of(&all, 1));
    }
}
