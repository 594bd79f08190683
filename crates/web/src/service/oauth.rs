//! The OAuth flow of a connection (C1): an OAuth connection created by name (for
//! [`super::connections::create`]) → Authorize → Gong's consent page → callback with
//! a single-use `state` → token exchange. The customer API host from the token
//! response is checked by [`super::hosts`].

use gong_timeline_gong::reqwest as reqwest_client;
use gong_timeline_gong::OAuthClient;
use gong_timeline_store::{
    AdminId, Connection, ConnectionId, ConnectionStatus, Credentials, NewConnection,
    OAuthCredentials, PendingOAuth,
};

use super::hosts;
use crate::auth::secret::{digest, random_token};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Scopes a meetings sync needs.
pub const SCOPES: &[&str] = &[
    "api:calls:read:extensive",
    "api:calls:read:basic",
    "api:users:read",
    "api:calls:read:media-url",
    // Transcripts are opt-in per connection (S9); asked for up front, so turning
    // them on later needs no second approval in Gong.
    "api:calls:read:transcript",
    // The call outcomes' sentiment (S9), read once a day; without it outcomes show
    // none, and the sync goes on.
    "api:call-outcomes:read",
    // The workspace ids tell which Gong account a connection reaches (S10).
    "api:workspaces:read",
];

fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(gong_timeline_sync::connections::ConnectionError::InvalidName.into());
    }
    Ok(name.to_string())
}

/// Creates an OAuth connection, Pending until authorised.
pub async fn create_oauth(state: &AppState, name: &str) -> ApiResult<Connection> {
    let name = check_name(name)?;
    let app = state.config.oauth.as_ref().ok_or_else(|| {
        ApiError::invalid(
            "kind",
            "no Gong OAuth app is configured: start serve with GONG_CLIENT_ID and GONG_CLIENT_SECRET, or use an access key",
        )
    })?;
    gong_timeline_sync::connections::name_free(state.store.as_ref(), &name, None).await?;
    let connection = state
        .store
        .create_connection(NewConnection {
            name,
            base_url: state.config.oauth_base_url.clone(),
            credentials: Credentials::OAuth(OAuthCredentials {
                client_id: app.client_id.clone(),
                client_secret: app.client_secret.clone(),
                tokens: None,
                api_base_url: None,
            }),
            status: ConnectionStatus::Pending,
            created_at: state.now(),
        })
        .await?;
    Ok(connection)
}

/// The HTTP client of the token exchange (timeouts, no redirects).
fn token_client(config: &gong_timeline_gong::ClientConfig) -> ApiResult<reqwest_client::Client> {
    OAuthClient::http_client(config)
        .map_err(|e| ApiError::Internal(format!("cannot build the HTTP client: {e}")))
}

fn app_for(state: &AppState, connection: &Connection, oauth: &OAuthCredentials) -> OAuthClient {
    OAuthClient::new(
        oauth.client_id.clone(),
        oauth.client_secret.clone(),
        state.config.redirect_uri(),
    )
    .with_oauth_base_url(connection.base_url.clone())
}

async fn oauth_parts(
    state: &AppState,
    id: ConnectionId,
) -> ApiResult<(Connection, OAuthCredentials)> {
    let connection = super::lookup::connection(state, id).await?;
    match state.store.connection_credentials(id).await? {
        Credentials::OAuth(oauth) => Ok((connection, oauth)),
        Credentials::Basic { .. } => Err(ApiError::Conflict(format!(
            "'{}' uses an access key; only OAuth connections are authorised with Gong",
            connection.name
        ))),
    }
}

/// Who may complete an authorisation: the log-in session that clicked Authorize,
/// or — when an API token asked — any session of that token's admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartedBy {
    /// A session, by its token digest.
    Session(String),
    /// An admin (the flow was started with an API token).
    Admin(AdminId),
}

impl StartedBy {
    /// Who `requester` is.
    pub fn of(requester: &AdminSession) -> StartedBy {
        if requester.token_hash.is_empty() {
            StartedBy::Admin(requester.admin_id)
        } else {
            StartedBy::Session(requester.token_hash.clone())
        }
    }

    /// As kept with the pending authorisation in the store.
    fn encode(&self) -> String {
        match self {
            StartedBy::Session(hash) => format!("session:{hash}"),
            StartedBy::Admin(id) => format!("admin:{id}"),
        }
    }

    /// Reads [`StartedBy::encode`]'s text; `None` for anything else.
    fn decode(text: &str) -> Option<StartedBy> {
        match text.split_once(':')? {
            ("session", hash) if !hash.is_empty() => Some(StartedBy::Session(hash.to_string())),
            ("admin", id) => id.parse().ok().map(StartedBy::Admin),
            _ => None,
        }
    }

    /// Whether the callback's `requester` may complete a flow this started.
    fn admits(&self, requester: &AdminSession) -> bool {
        match self {
            StartedBy::Session(hash) => {
                !requester.token_hash.is_empty()
                    && crate::auth::secret::constant_time_eq(hash, &requester.token_hash)
            }
            StartedBy::Admin(id) => *id == requester.admin_id,
        }
    }
}

/// Appended to [`StartedBy::encode`]'s text when the flow asked to replace the
/// connection that syncs the same Gong account (S10).
const REPLACE_MARK: &str = "|replace";

/// How long a consent page's `state` is accepted.
const STATE_LIFETIME: chrono::Duration = chrono::Duration::minutes(15);

/// Takes the pending authorisation of the `state` Gong sent back (single use, in the
/// store, so that any replica can receive the redirect).
pub async fn take_state(state: &AppState, st: &str) -> ApiResult<Option<PendingOAuth>> {
    if st.is_empty() {
        return Ok(None);
    }
    Ok(state
        .store
        .take_oauth_state(&digest(st), state.now())
        .await?)
}

/// The consent page URL for `id`, with a fresh single-use `state` bound to whoever
/// asked ([`StartedBy`]): a link started by someone else cannot be completed in an
/// admin's browser (CSRF on the OAuth flow).
///
/// With `replace`, the authorisation takes the place of a connection that syncs the
/// same Gong account, keeping its activities, instead of being refused (S10).
pub async fn authorize_url(
    state: &AppState,
    id: ConnectionId,
    requester: &AdminSession,
    replace: bool,
) -> ApiResult<String> {
    let (connection, oauth) = oauth_parts(state, id).await?;
    let issued = random_token();
    let now = state.now();
    state
        .store
        .create_oauth_state(
            PendingOAuth {
                state_hash: digest(&issued),
                connection_id: id,
                started_by: format!(
                    "{}{}",
                    StartedBy::of(requester).encode(),
                    if replace { REPLACE_MARK } else { "" }
                ),
                expires_at: now + STATE_LIFETIME,
            },
            now,
        )
        .await?;
    app_for(state, &connection, &oauth)
        .authorize_url(&issued, SCOPES)
        .map(|u| u.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The pending authorisation of Gong's `st`, if `requester` may complete it: known,
/// unexpired, unused (it is spent now) and started by them; and whether it asked to
/// replace (S10).
async fn admitted(
    state: &AppState,
    st: &str,
    requester: &AdminSession,
) -> ApiResult<(PendingOAuth, bool)> {
    let refused = || {
        ApiError::invalid(
            "state",
            "this authorisation link is unknown, expired, already used or was started in another log-in session; click Authorize again",
        )
    };
    let pending = take_state(state, st).await?.ok_or_else(refused)?;
    let (by, replace) = match pending.started_by.strip_suffix(REPLACE_MARK) {
        Some(by) => (by, true),
        None => (pending.started_by.as_str(), false),
    };
    let started_by = StartedBy::decode(by).ok_or_else(refused)?;
    if !started_by.admits(requester) {
        tracing::warn!(
            "An OAuth callback from another session than the one that started it was refused."
        );
        return Err(refused());
    }
    Ok((pending, replace))
}

/// Handles Gong's redirect: checks `state` (once), exchanges `code`, checks the
/// customer API host, stores the tokens (encrypted) and marks the connection
/// Authorised.
pub async fn callback(
    state: &AppState,
    code: Option<&str>,
    st: &str,
    requester: &AdminSession,
) -> ApiResult<Connection> {
    let (pending, replace) = admitted(state, st, requester).await?;
    let id = pending.connection_id;
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| {
        ApiError::invalid(
            "code",
            "Gong sent no authorisation code (was access denied?)",
        )
    })?;
    let (connection, oauth) = oauth_parts(state, id).await?;
    let http = token_client(&state.config.gong)?;
    let tokens = app_for(state, &connection, &oauth)
        .exchange_code(&http, code)
        .await
        .map_err(|e| ApiError::BadGateway(format!("Gong refused the authorisation: {e}")))?;
    let api_base_url = match &tokens.api_base_url {
        Some(url) => Some(hosts::check(
            url,
            &state.config.allowed_gong_hosts,
            "api_base_url",
        )?),
        None => None,
    };
    let value = serde_json::to_value(&tokens).map_err(|e| ApiError::Internal(e.to_string()))?;
    let before = oauth.clone();
    let credentials = OAuthCredentials {
        tokens: Some(value),
        api_base_url: api_base_url.clone(),
        ..oauth
    };
    authorised(state, id, credentials).await?;
    let settled = settle_account(
        state,
        &connection,
        api_base_url.as_deref(),
        replace,
        requester,
    )
    .await;
    if let Err(refused) = settled {
        state
            .store
            .update_credentials(id, Credentials::OAuth(before))
            .await?;
        state
            .store
            .set_connection_status(id, connection.status)
            .await?;
        state.inner.media_clients.lock().await.remove(&id);
        return Err(refused);
    }
    tracing::info!(connection = %connection.name, "Connection authorised.");
    let change = gong_timeline_sync::audit::Change::new(
        gong_timeline_domain::audit::AuditAction::ConnectionAuthorised,
        super::audit::connection(&connection.name),
    );
    super::audit::record(state, requester, change).await;
    Ok(connection)
}

/// S10: the Gong account the new tokens reach; refused when another live connection
/// syncs it, unless `replace`, when this one takes its place and activities.
async fn settle_account(
    state: &AppState,
    connection: &Connection,
    api_base_url: Option<&str>,
    replace: bool,
    requester: &AdminSession,
) -> ApiResult<()> {
    use gong_timeline_sync::connections;
    let template = state.engine.gong_config();
    let account =
        connections::oauth_account(&state.store, template, connection, api_base_url).await?;
    let store = state.store.as_ref();
    let replaced =
        connections::claim_account(store, &account, Some(connection.id), replace).await?;
    connections::settle_account(store, connection.id, &account, &replaced, state.now()).await?;
    let names: Vec<String> = replaced.into_iter().map(|c| c.name).collect();
    super::audit::record_replaced(state, requester, &names, &connection.name).await;
    Ok(())
}

/// Stores the tokens and marks the connection Authorised; its cached media client
/// (with the old tokens) is dropped.
async fn authorised(state: &AppState, id: ConnectionId, oauth: OAuthCredentials) -> ApiResult<()> {
    state
        .store
        .update_credentials(id, Credentials::OAuth(oauth))
        .await?;
    state
        .store
        .set_connection_status(id, ConnectionStatus::Authorised)
        .await?;
    state.inner.media_clients.lock().await.remove(&id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(admin: i64, token_hash: &str) -> AdminSession {
        AdminSession {
            admin_id: AdminId::from(admin),
            username: format!("admin{admin}"),
            channel: gong_timeline_domain::audit::AuditChannel::Ui,
            role: gong_timeline_store::Role::Admin,
            csrf: String::new(),
            token_hash: token_hash.to_string(),
        }
    }

    #[test]
    fn who_started_a_flow_survives_the_store_and_nothing_else_reads_as_one() {
        for started in [
            StartedBy::Session("abc".into()),
            StartedBy::Admin(AdminId::from(3)),
        ] {
            assert_eq!(StartedBy::decode(&started.encode()), Some(started));
        }
        for text in ["", "session:", "admin:x", "root:1", "abc"] {
            assert_eq!(StartedBy::decode(text), None, "{text}");
        }
    }

    #[test]
    fn a_session_flow_is_completed_only_by_that_session_a_token_flow_by_its_admin() {
        let by_session = StartedBy::of(&session(1, "abc"));
        assert!(by_session.admits(&session(1, "abc")));
        assert!(!by_session.admits(&session(1, "other")));
        assert!(!by_session.admits(&session(1, "")));

        let by_token = StartedBy::of(&session(1, ""));
        assert_eq!(by_token, StartedBy::Admin(AdminId::from(1)));
        assert!(by_token.admits(&session(1, "any session")));
        assert!(!by_token.admits(&session(2, "any session")));
    }
}
