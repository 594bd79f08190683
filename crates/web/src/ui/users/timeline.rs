//! Timeline users: the Timeline's own users, searchable by name or email, by license
//! type and status.

use axum::extract::{Query, State};
use axum::Extension;
use gong_timeline_domain::UserStatus;
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::users::matching;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, page};

#[derive(Deserialize, Default)]
pub(crate) struct TimelineUsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    status: String,
}

/// `GET /users/timeline`: the Timeline's users, searchable, by license and status.
pub(crate) async fn timeline_users(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<TimelineUsersQuery>,
) -> PageResult<Markup> {
    let license = match q.license.trim() {
        "" => None,
        l => Some(l.parse().map_err(|e| ApiError::invalid("license", e))?),
    };
    let status = match q.status.trim() {
        "" => None,
        v => Some(v.parse().map_err(|e| ApiError::invalid("status", e))?),
    };
    let users = state.store.list_users().await?;
    let shown = matching(&users, &q.q, license, status);
    Ok(page(
        "Timeline users",
        &s,
        html! {
            form.card method="get" action="/users/timeline" id="timeline-users-filter" {
                label for="user-search" { "Search (name or email)" }
                input type="search" name="q" id="user-search" value=(q.q);
                label for="user-license" { "License type" }
                select name="license" id="user-license" {
                    option value="" { "Any" }
                    @for l in gong_timeline_domain::LicenseType::ALL { option value=(l) selected[license == Some(*l)] { (l) } }
                }
                label for="user-status" { "Status" }
                select name="status" id="user-status" {
                    option value="" { "Any" }
                    @for st in UserStatus::ALL { option value=(st) selected[status == Some(*st)] { (st) } }
                }
                button.primary type="submit" id="filter-users" { "Apply" }
            }
            p.muted { (shown.len()) " of " (users.len()) " users" }
            div.table-wrap { table id="timeline-users" {
                thead { tr { th { "Id" } th { "Name" } th { "Email" } th { "License type" } th { "Status" } } }
                tbody {
                    @for u in &shown {
                        tr.timeline-user data-status=(u.status) {
                            td { (u.id) } td { (u.name) } td { (u.email) } td { (u.license_type) }
                            td { (layout::badge(if u.status == UserStatus::Active { layout::Tone::Ok } else { layout::Tone::Neutral }, u.status)) }
                        }
                    }
                    @if shown.is_empty() { tr { td colspan="5" id="no-users" { "No user matches." } } }
                }
            } }
        },
    ))
}
