//! What one webhook request does (W1, W2): find the set-up by the URL key, check
//! Gong's signature when the set-up asks for it — before the body is trusted — then
//! note a test ping, or queue the pushed call's id durably.

use gong_timeline_store::GongCallId;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_store::{ConnectionId, Enqueued, Store, StoreError, WebhookAuth};

use super::setup::webhook_url;
use super::signature::{check_jwt_header, key_hash, JwtRejection, SignedBody};

/// A request that was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A pushed call, queued (or already queued or processed: `duplicate`).
    Queued {
        /// The connection.
        connection_id: ConnectionId,
        /// Gong's call id.
        gong_call_id: GongCallId,
        /// It was queued before: it is processed once.
        duplicate: bool,
    },
    /// Gong's "Test" button: nothing is synced.
    Test {
        /// The connection.
        connection_id: ConnectionId,
    },
}

/// A request that was refused; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    /// No set-up has this key (401).
    #[error("no webhook has this URL key (it was rotated, or the connection deleted)")]
    UnknownKey,
    /// The signed JWT did not check out (401).
    #[error(transparent)]
    Jwt(#[from] JwtRejection),
    /// An authenticated body that is not a Gong call (400).
    #[error("the body is not a Gong webhook call: {0}")]
    BadBody(String),
    /// The store (500).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Rejected {
    /// True for authentication failures (401).
    pub fn is_unauthorised(&self) -> bool {
        matches!(self, Rejected::UnknownKey | Rejected::Jwt(_))
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    is_test: bool,
    #[serde(default)]
    call_data: Option<CallData>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallData {
    meta_data: Option<MetaData>,
}

#[derive(serde::Deserialize)]
struct MetaData {
    id: Option<serde_json::Value>,
}

/// A request whose URL key (and JWT, when the set-up asks for one) checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    connection_id: ConnectionId,
    signed: Option<SignedBody>,
}

/// The checks that need no body: the URL key, then the JWT's signature, expiry and
/// URL. The web layer runs them before it reads the body (401 without reading it).
pub async fn authenticate(
    store: &Arc<dyn Store>,
    public_url: &str,
    key: &str,
    authorization: Option<&str>,
) -> Result<Authenticated, Rejected> {
    let webhook = store
        .webhook_by_key_hash(&key_hash(key))
        .await?
        .ok_or(Rejected::UnknownKey)?;
    let signed = match &webhook.auth {
        WebhookAuth::SignedJwt { public_key_pem } => Some(check_jwt_header(
            authorization,
            public_key_pem,
            &webhook_url(public_url, &webhook.key),
        )?),
        WebhookAuth::UrlKey => None,
    };
    Ok(Authenticated {
        connection_id: webhook.connection_id,
        signed,
    })
}

/// The rest, once the body is read: the JWT's body hash, then a test ping noted or
/// the pushed call's id queued durably.
pub async fn accept(
    store: &Arc<dyn Store>,
    authenticated: Authenticated,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Received, Rejected> {
    if let Some(signed) = &authenticated.signed {
        signed.check(body)?;
    }
    let connection_id = authenticated.connection_id;
    let parsed: Body =
        serde_json::from_slice(body).map_err(|e| Rejected::BadBody(e.to_string()))?;
    if parsed.is_test {
        store.record_webhook_test(connection_id, now).await?;
        return Ok(Received::Test { connection_id });
    }
    let gong_call_id = GongCallId::new(call_id(parsed.call_data)?);
    let enqueued = store
        .enqueue_webhook_call(connection_id, &gong_call_id, now)
        .await?;
    Ok(Received::Queued {
        connection_id,
        gong_call_id,
        duplicate: enqueued == Enqueued::Duplicate,
    })
}

/// The call id of `callData.metaData.id` (Gong sends a string; a number is taken too).
fn call_id(call: Option<CallData>) -> Result<String, Rejected> {
    let id = call
        .and_then(|c| c.meta_data)
        .and_then(|m| m.id)
        .ok_or_else(|| Rejected::BadBody("callData.metaData.id is missing".into()))?;
    let id = match id {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => {
            return Err(Rejected::BadBody(format!(
                "callData.metaData.id is {other}"
            )))
        }
    };
    if id.is_empty() || id.len() > 64 {
        return Err(Rejected::BadBody(
            "callData.metaData.id is empty or too long".into(),
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<String, Rejected> {
        let body: Body = serde_json::from_str(json).expect("json");
        call_id(body.call_data)
    }

    #[test]
    fn the_call_id_is_read_from_meta_data() {
        assert_eq!(
            parse(r#"{"callData":{"metaData":{"id":"77"}}}"#).ok(),
            Some("77".into())
        );
        assert_eq!(
            parse(r#"{"callData":{"metaData":{"id":78}}}"#).ok(),
            Some("78".into())
        );
        assert!(matches!(
            parse(r#"{"callData":{}}"#),
            Err(Rejected::BadBody(_))
        ));
        assert!(matches!(
            parse(r#"{"callData":{"metaData":{"id":" "}}}"#),
            Err(Rejected::BadBody(_))
        ));
        assert!(matches!(
            parse(r#"{"callData":{"metaData":{"id":[1]}}}"#),
            Err(Rejected::BadBody(_))
        ));
    }
}
