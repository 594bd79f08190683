//! Which Gong account a connection reaches (S10): two connections to one account
//! would sync its meetings twice, so a new one that reaches an account an existing
//! connection syncs is refused (or replaces it, when asked).
//!
//! # Rules, as interpreted here
//! - An account is known by its **workspace ids** (`GET /v2/workspaces`): two
//!   connections share an account when any workspace id is in both.
//! - OAuth tokens name the account's **customer API host** (`us-NNNNN.api.gong.io`):
//!   two connections with the same customer host share an account too. Gong's
//!   shared hosts (`api.gong.io`, `app.gong.io`) and any other host name no account.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What identifies the Gong account behind a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GongAccount {
    /// The account's workspace ids.
    pub workspace_ids: BTreeSet<String>,
    /// The customer API host Gong named in the OAuth token answer, lower case.
    pub api_host: Option<String>,
}

/// How two connections were found to reach the same account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedBy {
    /// A workspace id both have.
    Workspace(String),
    /// The customer API host both have.
    ApiHost(String),
}

impl fmt::Display for SharedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SharedBy::Workspace(id) => write!(f, "workspace {id}"),
            SharedBy::ApiHost(host) => write!(f, "API host {host}"),
        }
    }
}

impl GongAccount {
    /// The account of these workspace ids and (OAuth) API base URL; a host that is
    /// not a customer host is dropped.
    pub fn new<I, S>(workspace_ids: I, api_base_url: Option<&str>) -> GongAccount
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        GongAccount {
            workspace_ids: workspace_ids
                .into_iter()
                .map(Into::into)
                .filter(|w: &String| !w.trim().is_empty())
                .collect(),
            api_host: api_base_url.and_then(customer_host),
        }
    }

    /// True when nothing identifies the account.
    pub fn is_empty(&self) -> bool {
        self.workspace_ids.is_empty() && self.api_host.is_none()
    }

    /// How `self` and `other` are the same account, if they are.
    pub fn shared_with(&self, other: &GongAccount) -> Option<SharedBy> {
        if let Some(id) = self.workspace_ids.intersection(&other.workspace_ids).next() {
            return Some(SharedBy::Workspace(id.clone()));
        }
        match (&self.api_host, &other.api_host) {
            (Some(a), Some(b)) if a == b => Some(SharedBy::ApiHost(a.clone())),
            _ => None,
        }
    }
}

/// The customer host of a Gong API URL (`https://us-12345.api.gong.io/v2` →
/// `us-12345.api.gong.io`); `None` for Gong's shared hosts and any other host.
pub fn customer_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let label = host.strip_suffix(".api.gong.io")?;
    let customer = !label.is_empty() && !label.contains('.') && label != "api";
    customer.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s10_a_shared_workspace_is_the_same_account() {
        let a = GongAccount::new(["1", "2"], None);
        let b = GongAccount::new(["3", "2"], None);
        assert_eq!(a.shared_with(&b), Some(SharedBy::Workspace("2".into())));
        assert_eq!(a.shared_with(&GongAccount::new(["4"], None)), None);
        assert_eq!(SharedBy::Workspace("2".into()).to_string(), "workspace 2");
    }

    #[test]
    fn s10_the_customer_host_is_the_same_account_but_shared_hosts_are_not() {
        let a = GongAccount::new(Vec::<String>::new(), Some("https://us-4521.api.gong.io"));
        let b = GongAccount::new(["9"], Some("https://US-4521.api.gong.io/v2/"));
        assert_eq!(
            a.shared_with(&b),
            Some(SharedBy::ApiHost("us-4521.api.gong.io".into()))
        );
        assert_eq!(customer_host("https://api.gong.io"), None);
        assert_eq!(customer_host("https://app.gong.io/oauth2"), None);
        assert_eq!(customer_host("http://127.0.0.1:8080"), None);
        assert_eq!(
            customer_host("us-1.api.gong.io:443"),
            Some("us-1.api.gong.io".into())
        );
        let shared = GongAccount::new(Vec::<String>::new(), Some("https://api.gong.io"));
        assert!(shared.is_empty());
        assert_eq!(shared.shared_with(&shared.clone()), None);
    }
}
