//! Timeline users: the Timeline's own users, searchable by name or email, by license
//! type and status; each one's sign-in (A1): the role of their account, or the form
//! that grants one (the license type's default role offered first) and shows its
//! initial password once. The sign-in accounts, each with its role's form and, after
//! a confirmation page, the removal of its sign-in.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::{Extension, Form};
use gong_timeline_domain::UserStatus;
use gong_timeline_store::{Admin, AdminId, Role, User, UserId};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::roles;
use crate::service::users::matching;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, csrf_input, page};

#[derive(Deserialize, Default)]
pub(crate) struct TimelineUsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    status: String,
    /// The account whose role was just changed.
    #[serde(default)]
    changed: String,
    /// The account whose sign-in was just removed.
    #[serde(default)]
    removed: String,
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
    let all_accounts = state.store.list_admins().await?;
    let accounts: HashMap<String, Role> = all_accounts
        .iter()
        .map(|a| (a.username.to_lowercase(), a.role))
        .collect();
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
            @if !q.changed.is_empty() {
                p.notice id="role-changed" role="status" { "Role changed: " (q.changed) " now signs in as " (accounts.get(&q.changed.to_lowercase()).map(|r| r.to_string()).unwrap_or_default()) "." }
            }
            @if !q.removed.is_empty() {
                p.notice id="sign-in-removed" role="status" { "Sign-in removed: " (q.removed) " can no longer sign in, and their sessions and API tokens have ended." }
            }
            (accounts_table(&s, &all_accounts))
            p.muted { (shown.len()) " of " (users.len()) " users" }
            div.table-wrap role="region" tabindex="0" aria-label="Timeline users" { table id="timeline-users" {
                thead { tr { th { "Id" } th { "Name" } th { "Email" } th { "License type" } th { "Status" } th { "Sign-in" } } }
                tbody {
                    @for u in &shown {
                        tr.timeline-user data-status=(u.status) {
                            td data-label="Id" { (u.id) } td data-label="Name" { (u.name) } td data-label="Email" { (u.email) } td data-label="License type" { (u.license_type) }
                            td data-label="Status" { (layout::badge(if u.status == UserStatus::Active { layout::Tone::Ok } else { layout::Tone::Neutral }, u.status)) }
                            td data-label="Sign-in" { (sign_in(&s, u, accounts.get(&u.email.to_lowercase()).copied())) }
                        }
                    }
                     @if shown.is_empty() { tr { td colspan="6" id="no-users" { "No user matches." } } }
                }
            } }
        },
    ))
}

/// Every sign-in account with its role, the form that changes it and the link that
/// removes its sign-in (A1; not for one's own account). The last admin is neither
/// demoted nor removed (the server refuses it).
fn accounts_table(s: &AdminSession, accounts: &[Admin]) -> Markup {
    html! {
        section.card id="accounts" aria-labelledby="accounts-title" {
            h2 id="accounts-title" { "Sign-in accounts" }
            div.table-wrap { table id="account-roles" {
                thead { tr { th { "Account" } th { "Role" } th { "Change role" } th { "Sign-in" } } }
                tbody {
                    @for a in accounts {
                        tr.account-row data-account=(a.username) {
                            td { (a.username) }
                            td { (layout::badge(layout::Tone::Info, a.role)) }
                            td {
                                form.inline method="post" action={ "/users/accounts/" (a.id) "/role" } {
                                    (csrf_input(s))
                                    select name="role" aria-label={ "New role for " (a.username) } {
                                        @for role in Role::ALL { option value=(role) selected[a.role == *role] { (role) } }
                                    }
                                    " "
                                    button type="submit" aria-label={ "Change role of " (a.username) } { "Change role" }
                                }
                            }
                            td {
                                @if a.id == s.admin_id {
                                    span.muted { "Your account" }
                                } @else {
                                    a.button.danger href={ "/users/accounts/" (a.id) "/remove" } aria-label={ "Remove sign-in of " (a.username) } { "Remove sign-in" }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

/// A user's sign-in cell: the role of their account, or the form granting one.
fn sign_in(s: &AdminSession, u: &User, account: Option<Role>) -> Markup {
    if let Some(role) = account {
        return html! { span.account data-role=(role) { (layout::badge(layout::Tone::Info, role)) } };
    }
    let default = crate::auth::roles::default_role(u.license_type);
    html! {
        form.grant method="post" action={ "/users/timeline/" (u.id) "/access" } {
            (csrf_input(s))
            select name="role" aria-label={ "Role for " (u.email) } {
                @if default.is_none() { option value="" selected { "Choose a role…" } }
                @for role in Role::ALL { option value=(role) selected[default == Some(*role)] { (role) } }
            }
            " "
            button type="submit" aria-label={ "Grant sign-in to " (u.email) } { "Grant sign-in" }
        }
    }
}

/// The grant form's fields.
#[derive(Deserialize)]
pub(crate) struct GrantForm {
    #[serde(default)]
    role: String,
}

/// `POST /users/timeline/{id}/access`: an account for the user (their email, the
/// role chosen) and its initial password, shown once.
pub(crate) async fn grant(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<UserId>,
    Form(f): Form<GrantForm>,
) -> PageResult<Markup> {
    let role = roles::role_of(&f.role)?;
    let granted = roles::grant(&state, &s, id, role).await?;
    Ok(page(
        "Sign-in granted",
        &s,
        html! {
            div.notice id="granted" role="status" {
                p { strong { (granted.account.username) } " may sign in as " strong { (granted.account.role) } "." }
                p { "Initial password — copy it now and hand it over safely, it is not shown again:" }
                code id="initial-password" { (granted.password) }
            }
            p { a href="/users/timeline" { "Back to Timeline users" } }
        },
    ))
}

/// `POST /users/accounts/{id}/role`: changes an account's role (A1); the last admin
/// stays admin (a 409 saying so).
pub(crate) async fn change_role(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<AdminId>,
    Form(f): Form<GrantForm>,
) -> PageResult<Redirect> {
    let role = roles::role_of(&f.role)?
        .ok_or_else(|| ApiError::invalid("role", "choose a role: admin, member or viewer"))?;
    let account = roles::change_role(&state, &s, id, role).await?;
    let name: String = url::form_urlencoded::byte_serialize(account.username.as_bytes()).collect();
    Ok(Redirect::to(&format!(
        "/users/timeline?changed={name}#accounts"
    )))
}

/// `GET /users/accounts/{id}/remove`: the confirmation before removing an account's
/// sign-in (A1).
pub(crate) async fn confirm_remove(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<AdminId>,
) -> PageResult<Markup> {
    let account = state
        .store
        .admin_by_id(id)
        .await?
        .filter(|a| a.can_sign_in())
        .ok_or_else(|| ApiError::missing("account", id))?;
    Ok(page(
        &format!("Remove the sign-in of '{}'?", account.username),
        &s,
        html! {
            form.card method="post" action={ "/users/accounts/" (id) "/remove" } id="remove-sign-in-form" {
                (csrf_input(&s))
                p { "Remove the sign-in of '" (account.username) "' (" (account.role) ")? They can no longer sign in, with a password or single sign-on; their open sessions and their API tokens stop working at once. Their Timeline user stays; granting sign-in again from Timeline users gives them a new password." }
                div.actions {
                    button.danger type="submit" id="confirm-remove-sign-in" { "Remove sign-in" }
                    a href="/users/timeline#accounts" id="cancel-remove-sign-in" { "Cancel" }
                }
            }
        },
    ))
}

/// `POST /users/accounts/{id}/remove` (the confirmation's button): removes the
/// sign-in; one's own and the last admin's are kept (a 409 saying so).
pub(crate) async fn remove_sign_in(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<AdminId>,
) -> PageResult<Redirect> {
    let account = roles::remove_sign_in(&state, &s, id).await?;
    let name: String = url::form_urlencoded::byte_serialize(account.username.as_bytes()).collect();
    Ok(Redirect::to(&format!(
        "/users/timeline?removed={name}#accounts"
    )))
}
