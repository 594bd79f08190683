//! Roles (A1) and what they may reach: one table of routes, checked on every
//! request by the pages' guard (`ui::guard`) and the API's guard
//! ([`super::require_api`]), and the role a license type gives by default.
//!
//! - `admin`: everything (today's rights).
//! - `member`: reads the Timeline, companies, activities and recordings; nothing of
//!   connectors, settings, imports, the log, users, tokens, the audit log, privacy.
//! - `viewer`: reads the Timeline without recordings.
//!
//! Granting, changing and removing an account's sign-in, and the token scopes a
//! role may make, are `service::roles`.

use axum::http::Method;
use gong_timeline_domain::LicenseType;
use gong_timeline_store::Role;

use crate::error::ApiError;

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
}
