//! What the process keeps of single sign-ons (A2) in [`super::AppState`]: the
//! sign-ins under way ([`Flow`], by `state`) and the provider's discovery document
//! and signing keys ([`ProviderCache`]). `crate::auth::oidc` fills and reads them.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

/// How long the provider's discovery document and signing keys are used before they
/// are read again.
pub const PROVIDER_TTL: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// A sign-in under way.
pub struct Flow {
    pub(crate) nonce: String,
    pub(crate) verifier: String,
    pub(crate) next: String,
    pub(crate) started: Instant,
}

/// What the process knows of the provider, each part with when it was read.
#[derive(Default)]
pub struct ProviderCache {
    pub(crate) discovery: Option<Fetched<Discovery>>,
    pub(crate) keys: Option<Fetched<JwkSet>>,
}

/// A document read from the provider.
pub(crate) struct Fetched<T> {
    pub(crate) value: Arc<T>,
    /// The URL it was read from.
    pub(crate) url: String,
    pub(crate) at: DateTime<Utc>,
}

impl<T> Fetched<T> {
    /// The document, while it is younger than [`PROVIDER_TTL`] and from `url`.
    pub(crate) fn fresh(&self, url: &str, now: DateTime<Utc>) -> Option<Arc<T>> {
        let age = now - self.at;
        (self.url == url && age >= chrono::TimeDelta::zero() && age < PROVIDER_TTL)
            .then(|| self.value.clone())
    }
}

#[derive(Deserialize)]
pub(crate) struct Discovery {
    pub(crate) issuer: String,
    pub(crate) authorization_endpoint: String,
    pub(crate) token_endpoint: String,
    pub(crate) jwks_uri: String,
}
