//! Authentication: HTTP Basic (access key + secret) and OAuth 2.0 with Gong's single-use
//! refresh tokens.
//!
//! - [`oauth`]: the OAuth app ([`OAuthClient`]): authorize URL, code exchange, refresh.
//! - `tokens`: [`OAuthTokens`], the serialisable token set.
//! - [`state`]: single-use `state` values for the authorize round trip.
//! - [`session`]: the live token set of one connection, refreshed under a lock.

pub(crate) mod oauth;
pub(crate) mod session;
pub(crate) mod state;
mod tokens;

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use secrecy::SecretString;

pub use oauth::OAuthClient;
pub use state::PendingAuthorizations;
pub use tokens::OAuthTokens;

use crate::error::{GongError, SinkError};

/// The refresh step a client hands to [`TokenSink::rotate`]: given the token set last
/// saved (read after the sink took its lock), it either answers `Ok(None)` to adopt
/// that set (another client rotated meanwhile) or spends a refresh token at Gong and
/// answers the new set to save.
pub type RefreshStep<'a> = Box<
    dyn FnOnce(Option<OAuthTokens>) -> BoxFuture<'a, Result<Option<OAuthTokens>, GongError>>
        + Send
        + 'a,
>;

/// Receives every new token set before the client uses it.
///
/// Gong's refresh tokens are single-use: once a refresh succeeds the old refresh token is
/// dead, so the new pair must be saved (e.g. encrypted in the store) before any request
/// relies on it. The client uses the new tokens only after `persist` returns `Ok`.
///
/// Any `Fn(OAuthTokens) -> impl Future<Output = Result<(), SinkError>>` is a sink.
pub trait TokenSink: Send + Sync {
    /// Saves `tokens` durably.
    fn persist<'a>(&'a self, tokens: &'a OAuthTokens) -> BoxFuture<'a, Result<(), SinkError>>;

    /// The token set last saved, by any client of this connection. Before refreshing,
    /// the client adopts it when it is newer than its own: another client (another
    /// process, the web layer) may have refreshed already, and refreshing again with the
    /// burnt refresh token would cost the connection its authorisation.
    fn latest(&self) -> BoxFuture<'_, Option<OAuthTokens>> {
        Box::pin(async { None })
    }

    /// Runs `step` as the only refresher of this connection's tokens and returns the
    /// set in effect afterwards (`None`: nothing stored, nothing refreshed). A sink
    /// shared by processes holds a lock they all see (the store's) from before it
    /// reads the latest set until the step's tokens are saved, so no two clients
    /// anywhere spend one refresh token. This default, for a sink of one process,
    /// runs `step` on [`TokenSink::latest`] and persists what it answers.
    fn rotate<'a>(
        &'a self,
        step: RefreshStep<'a>,
    ) -> BoxFuture<'a, Result<Option<OAuthTokens>, GongError>> {
        Box::pin(async move {
            let latest = self.latest().await;
            match step(latest.clone()).await? {
                None => Ok(latest),
                Some(fresh) => {
                    self.persist(&fresh)
                        .await
                        .map_err(|source| GongError::TokenPersist { source })?;
                    Ok(Some(fresh))
                }
            }
        })
    }
}

impl<F, Fut> TokenSink for F
where
    F: Fn(OAuthTokens) -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), SinkError>> + Send + 'static,
{
    fn persist<'a>(&'a self, tokens: &'a OAuthTokens) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(self(tokens.clone()))
    }
}

/// How a client proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// An access key and secret from Gong's API page (HTTP Basic).
    Basic {
        /// Access key.
        access_key: String,
        /// Access key secret.
        secret: SecretString,
    },
    /// OAuth tokens of an authorised connection.
    OAuth {
        /// The current token set (as last persisted).
        tokens: OAuthTokens,
        /// The OAuth app, used to refresh.
        client: OAuthClient,
        /// Where rotated tokens are saved.
        sink: Arc<dyn TokenSink>,
    },
}

impl Credentials {
    /// Basic credentials.
    pub fn basic(access_key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::Basic {
            access_key: access_key.into(),
            secret: SecretString::from(secret.into()),
        }
    }

    /// OAuth credentials.
    pub fn oauth(tokens: OAuthTokens, client: OAuthClient, sink: Arc<dyn TokenSink>) -> Self {
        Self::OAuth {
            tokens,
            client,
            sink,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Basic { access_key, secret } => f
                .debug_struct("Basic")
                .field("access_key", access_key)
                .field("secret", secret)
                .finish(),
            Self::OAuth { tokens, client, .. } => f
                .debug_struct("OAuth")
                .field("tokens", tokens)
                .field("client", client)
                .finish_non_exhaustive(),
        }
    }
}

/// `Basic base64(user:password)`.
pub(crate) fn basic_header(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let creds = Credentials::basic("key-1", "very-secret-value");
        let text = format!("{creds:?}");
        assert!(
            text.contains("key-1") && !text.contains("very-secret-value"),
            "{text}"
        );
    }

    #[test]
    fn the_basic_header_is_base64_of_key_colon_secret() {
        assert_eq!(
            basic_header("sim-access-key", "sim-secret"),
            "Basic c2ltLWFjY2Vzcy1rZXk6c2ltLXNlY3JldA=="
        );
    }
}
