//! Single-use token rotation under a per-connection lock: the shape of
//! [`Store::rotate_oauth_tokens`](crate::Store::rotate_oauth_tokens).
//!
//! Gong's refresh tokens are single-use. Of several processes (replicas, or two jobs
//! and a page of one) that find a connection's access token expiring, exactly one may
//! spend the refresh token; the others must use what it got. The store therefore runs
//! the caller's refresh step *while it holds the connection's token lock*, handing it
//! the token set re-read after the lock was taken: the step either keeps that set
//! (another process rotated meanwhile) or spends its refresh token and answers the new
//! set, which the store saves before it lets the lock go.

use std::future::Future;
use std::pin::Pin;

use crate::error::BoxError;

/// A token set to save: the connection's opaque OAuth token JSON, and the customer
/// API host when the token response named one.
#[derive(Debug, Clone, PartialEq)]
pub struct RotatedTokens {
    /// The new token set (the store keeps it sealed, as it is).
    pub tokens: serde_json::Value,
    /// `api_base_url_for_customer`, when given; `None` keeps the stored host.
    pub api_base_url: Option<String>,
}

/// What a refresh step answers: `Ok(None)` keeps the stored set, `Ok(Some(new))`
/// saves `new`; an error saves nothing and comes back as
/// [`StoreError::Rotation`](crate::StoreError::Rotation).
pub type RotationFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<RotatedTokens>, BoxError>> + Send + 'a>>;

/// The refresh step: called once, under the lock, with the stored token set.
pub type TokenRotation<'a> =
    Box<dyn FnOnce(Option<serde_json::Value>) -> RotationFuture<'a> + Send + 'a>;
