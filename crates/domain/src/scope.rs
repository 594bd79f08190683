//! What an API token may do: the token a Prometheus scrape needs must not be a
//! full admin. The rule is a pure function of the request's method and path.

use crate::spelled_enum;

spelled_enum!(
    /// An API token's scope.
    TokenScope, "token scope" {
        Read => "read",
        Metrics => "metrics",
        Admin => "admin",
    }
);

impl TokenScope {
    /// Whether a request of `method` (upper case) to `path` is within the scope:
    /// `admin` everything; `read` reading only (`GET`/`HEAD`: the API, downloads,
    /// `/metrics`); `metrics` reading `/metrics` only.
    pub fn allows(self, method: &str, path: &str) -> bool {
        let reads = matches!(method, "GET" | "HEAD");
        match self {
            TokenScope::Admin => true,
            TokenScope::Read => reads,
            TokenScope::Metrics => reads && path == "/metrics",
        }
    }

    /// What a token of this scope may do, for messages and the tokens page.
    pub fn describe(self) -> &'static str {
        match self {
            TokenScope::Admin => "everything an admin may do",
            TokenScope::Read => "read the API, downloads and /metrics; no changes",
            TokenScope::Metrics => "read /metrics only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TokenScope::{self, *};

    #[test]
    fn sec8_each_scope_allows_exactly_its_requests() {
        let table: &[(TokenScope, &str, &str, bool)] = &[
            (Admin, "POST", "/api/v1/connections", true),
            (Admin, "GET", "/metrics", true),
            (Read, "GET", "/api/v1/jobs", true),
            (Read, "HEAD", "/exports/abc", true),
            (Read, "GET", "/metrics", true),
            (Read, "POST", "/api/v1/connections/1/sync", false),
            (Read, "PUT", "/api/v1/connections/1/settings", false),
            (Read, "DELETE", "/api/v1/connections/1", false),
            (Metrics, "GET", "/metrics", true),
            (Metrics, "GET", "/api/v1/jobs", false),
            (Metrics, "GET", "/exports/abc", false),
            (Metrics, "POST", "/metrics", false),
        ];
        for (scope, method, path, allowed) in table {
            assert_eq!(
                scope.allows(method, path),
                *allowed,
                "{scope} {method} {path}"
            );
        }
    }

    #[test]
    fn scopes_are_spelled_in_lower_case() {
        assert_eq!("metrics".parse::<TokenScope>().unwrap(), Metrics);
        assert_eq!(Read.to_string(), "read");
        assert!("Everything".parse::<TokenScope>().is_err());
    }
}
