//! The live credentials of one client: a fixed Basic header, or an OAuth token set that
//! is refreshed shortly before it expires and once after a 401.
//!
//! Refreshes of one connection are serialised by a tokio mutex held across the refresh
//! and the persist: Gong's refresh tokens are single-use, so two concurrent refreshes
//! would burn the token twice and leave the connection needing re-authorisation.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

use super::oauth::TokenRetry;
use super::{basic_header, Credentials, OAuthClient, OAuthTokens, TokenSink};
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

    /// Refreshes, hands the new set to the sink, and only then adopts it.
    async fn refresh_locked(
        &self,
        http: &reqwest::Client,
        tokens: &mut OAuthTokens,
    ) -> Result<(), GongError> {
        if let Some(stored) = self.sink.latest().await {
            let newer =
                stored.refresh_token.expose_secret() != tokens.refresh_token.expose_secret();
            if newer && !stored.expires_within(self.margin, Utc::now()) {
                tracing::info!(expires_at = %stored.expires_at, "Adopted Gong tokens another client refreshed.");
                *tokens = stored;
                return Ok(());
            }
            if newer {
                // Theirs is newer but expiring too: refresh with *their* refresh token,
                // the only one Gong still accepts.
                *tokens = stored;
            }
        }
        let fresh = self.client.refresh_with(http, tokens, &self.retry).await?;
        self.sink
            .persist(&fresh)
            .await
            .map_err(|source| GongError::TokenPersist { source })?;
        tracing::info!(expires_at = %fresh.expires_at, "Gong tokens refreshed and persisted.");
        *tokens = fresh;
        Ok(())
    }
}

fn bearer(tokens: &OAuthTokens) -> Authorization {
    Authorization {
        header: SecretString::from(format!("Bearer {}", tokens.access_token.expose_secret())),
        base_url: tokens.api_base_url.clone(),
    }
}
