//! The live credentials of one client: a fixed Basic header, or an OAuth token set that
//! is refreshed shortly before it expires and once after a 401.
//!
//! Gong's refresh tokens are single-use, so two concurrent refreshes would burn the
//! token twice and leave the connection needing re-authorisation. Refreshes of one
//! client are serialised by a tokio mutex; refreshes of every client of a connection,
//! in any process, by the sink's lock ([`TokenSink::rotate`]), held from reading the
//! latest saved set until the new one is saved.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

use super::oauth::TokenRetry;
use super::{basic_header, Credentials, OAuthClient, OAuthTokens, RefreshStep, TokenSink};
use crate::error::GongError;

/// The `Authorization` header of one request and the API host it must go to.
#[derive(Clone)]
pub(crate) struct Authorization {
    pub header: SecretString,
    /// The customer's API host from the token response, when known.
    pub base_url: Option<String>,
}

pub(crate) enum Auth {
    Basic(SecretString),
    OAuth(Box<OAuthSession>),
}

pub(crate) struct OAuthSession {
    client: OAuthClient,
    sink: Arc<dyn TokenSink>,
    tokens: tokio::sync::Mutex<OAuthTokens>,
    margin: Duration,
    retry: TokenRetry,
}

impl Auth {
    pub(crate) fn new(credentials: Credentials, margin: Duration, retry: TokenRetry) -> Self {
        match credentials {
            Credentials::Basic { access_key, secret } => Auth::Basic(SecretString::from(
                basic_header(&access_key, secret.expose_secret()),
            )),
            Credentials::OAuth {
                tokens,
                client,
                sink,
            } => Auth::OAuth(Box::new(OAuthSession {
                client,
                sink,
                tokens: tokio::sync::Mutex::new(tokens),
                margin,
                retry,
            })),
        }
    }

    pub(crate) fn is_oauth(&self) -> bool {
        matches!(self, Auth::OAuth(_))
    }

    /// Credentials for the next request, refreshing first when the token is about to expire.
    pub(crate) async fn authorization(
        &self,
        http: &reqwest::Client,
    ) -> Result<Authorization, GongError> {
        match self {
            Auth::Basic(header) => Ok(Authorization {
                header: header.clone(),
                base_url: None,
            }),
            Auth::OAuth(session) => session.authorization(http).await,
        }
    }

    /// After a 401 on `rejected`: refreshes unless another request already did. Returns
    /// false for Basic credentials, which cannot be refreshed.
    pub(crate) async fn refresh_after_rejection(
        &self,
        http: &reqwest::Client,
        rejected: &Authorization,
    ) -> Result<bool, GongError> {
        match self {
            Auth::Basic(_) => Ok(false),
            Auth::OAuth(session) => session
                .refresh_unless_changed(http, rejected)
                .await
                .map(|()| true),
        }
    }

    pub(crate) async fn tokens(&self) -> Option<OAuthTokens> {
        match self {
            Auth::Basic(_) => None,
            Auth::OAuth(session) => Some(session.tokens.lock().await.clone()),
        }
    }
}

impl OAuthSession {
    async fn authorization(&self, http: &reqwest::Client) -> Result<Authorization, GongError> {
        let mut tokens = self.tokens.lock().await;
        if tokens.expires_within(self.margin, Utc::now()) {
            tracing::info!(expires_at = %tokens.expires_at, "Gong access token expires soon; refreshing.");
            self.refresh_locked(http, &mut tokens).await?;
        }
        Ok(bearer(&tokens))
    }

    async fn refresh_unless_changed(
        &self,
        http: &reqwest::Client,
        rejected: &Authorization,
    ) -> Result<(), GongError> {
        let mut tokens = self.tokens.lock().await;
        // Another request may have refreshed while this one waited for the lock.
        if bearer(&tokens).header.expose_secret() != rejected.header.expose_secret() {
            return Ok(());
        }
        tracing::info!("Gong rejected the access token; refreshing once.");
        self.refresh_locked(http, &mut tokens).await
    }

    /// Refreshes through the sink's lock ([`TokenSink::rotate`]): under it, adopts a
    /// set another client saved that is still good, else spends the newest refresh
    /// token; the new set is saved before it is used.
    async fn refresh_locked(
        &self,
        http: &reqwest::Client,
        tokens: &mut OAuthTokens,
    ) -> Result<(), GongError> {
        let mine = tokens.clone();
        let step: RefreshStep<'_> =
            Box::new(move |stored| Box::pin(self.refresh_step(http, mine, stored)));
        if let Some(in_effect) = self.sink.rotate(step).await? {
            *tokens = in_effect;
        }
        Ok(())
    }

    /// The step run under the lock: `None` adopts `stored`, `Some` is a fresh set.
    async fn refresh_step(
        &self,
        http: &reqwest::Client,
        mine: OAuthTokens,
        stored: Option<OAuthTokens>,
    ) -> Result<Option<OAuthTokens>, GongError> {
        let current = match stored {
            Some(stored)
                if stored.refresh_token.expose_secret() != mine.refresh_token.expose_secret() =>
            {
                if !stored.expires_within(self.margin, Utc::now()) {
                    tracing::info!(expires_at = %stored.expires_at, "Adopted Gong tokens another client refreshed.");
                    return Ok(None);
                }
                // Theirs is newer but expiring too: refresh with *their* refresh token,
                // the only one Gong still accepts.
                stored
            }
            _ => mine,
        };
        let fresh = self
            .client
            .refresh_with(http, &current, &self.retry)
            .await?;
        tracing::info!(expires_at = %fresh.expires_at, "Gong tokens refreshed.");
        Ok(Some(fresh))
    }
}

fn bearer(tokens: &OAuthTokens) -> Authorization {
    Authorization {
        header: SecretString::from(format!("Bearer {}", tokens.access_token.expose_secret())),
        base_url: tokens.api_base_url.clone(),
    }
}
