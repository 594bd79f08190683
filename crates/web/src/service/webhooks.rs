//! A connection's Gong webhook, for its page and the API (#12 item 3): the view
//! (URL, mode, last webhook, last test, queue, freshness) and its changes.

use gong_timeline_store::{ConnectionId, WebhookMode};
use gong_timeline_sync::webhooks::{
    self, AuthChoice, WebhookChange, WebhookSetupError, WebhookView,
};
use serde::Deserialize;

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A change of the set-up: the form's and the API's body.
#[derive(Debug, Default, Deserialize)]
pub struct WebhookBody {
    /// `url_key` or `signed_jwt`; absent keeps the mode.
    #[serde(default)]
    pub mode: Option<String>,
    /// Gong's public key (PEM or base64), with `signed_jwt`.
    #[serde(default)]
    pub public_key: Option<String>,
    /// A new URL key (the old URL stops working).
    #[serde(default, deserialize_with = "flag")]
    pub rotate: bool,
}

/// A form's checkbox or button (`1`, `true`, `on`) or JSON's `true`.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Text(t) => matches!(t.as_str(), "1" | "true" | "on" | "yes"),
    })
}

/// The connection's webhook view; `None` when none is set up.
pub async fn view(state: &AppState, id: ConnectionId) -> ApiResult<Option<WebhookView>> {
    super::lookup::connection(state, id).await?;
    Ok(webhooks::view(&state.store, id, &state.config.public_url, state.now()).await?)
}

/// Applies a change (creating a URL-key set-up when there is none) and returns the view.
pub async fn save(
    state: &AppState,
    id: ConnectionId,
    body: WebhookBody,
    by: &AdminSession,
) -> ApiResult<WebhookView> {
    let connection = super::lookup::connection(state, id).await?;
    let rotated = body.rotate;
    let mode = match body.mode.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<WebhookMode>().map_err(|_| {
            ApiError::invalid(
                "mode",
                format!("'{text}' is not a webhook mode; choose url_key or signed_jwt"),
            )
        })?),
    };
    let auth = mode.map(|mode| match mode {
        WebhookMode::UrlKey => AuthChoice::UrlKeyOnly,
        WebhookMode::SignedJwt => AuthChoice::SignedJwt(body.public_key.unwrap_or_default()),
    });
    let change = WebhookChange {
        auth,
        rotate: body.rotate,
    };
    webhooks::configure(&state.store, id, change, state.now())
        .await
        .map_err(|e| match e {
            WebhookSetupError::Key(key) => ApiError::invalid("public_key", key),
            WebhookSetupError::Store(store) => store.into(),
        })?;
    let view = view(state, id).await?.ok_or_else(|| {
        ApiError::Internal("the webhook set-up was not found after saving it".into())
    })?;
    let after = serde_json::json!({"authentication": view.authentication, "key_rotated": rotated});
    let change = Change::new(
        AuditAction::WebhookSetUp,
        super::audit::connection(&connection.name),
    );
    super::audit::record(state, by, change.after(&after)).await;
    Ok(view)
}
