//! `connection authorize`: the OAuth 2.0 authorization-code flow from a terminal.
//! Prints Gong's consent URL, receives the redirect on a local port, checks the
//! single-use `state`, exchanges the code and stores the tokens (encrypted).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use gong_timeline_gong::{OAuthClient, PendingAuthorizations};
use gong_timeline_store::{Connection, ConnectionStatus, Credentials, OAuthCredentials, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::args::ConnectionAuthorizeArgs;

/// Scopes a meetings sync needs (reference §2.3).
pub const SCOPES: &[&str] = &[
    "api:calls:read:extensive",
    "api:calls:read:basic",
    "api:users:read",
    "api:calls:read:media-url",
];

/// Runs the flow for `connection`.
pub async fn run(
    store: &Arc<dyn Store>,
    connection: &Connection,
    oauth_url: &str,
    args: &ConnectionAuthorizeArgs,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let redirect_uri = format!("http://{}/oauth/callback", listener.local_addr()?);
    let app = OAuthClient::new(
        args.client_id.clone(),
        args.client_secret.clone(),
        redirect_uri,
    )
    .with_oauth_base_url(oauth_url);
    let pending = PendingAuthorizations::<()>::new(Duration::from_secs(600));
    let state = pending.issue(());
    let url = app.authorize_url(&state, SCOPES)?;
    println!("Open this URL as a Gong technical administrator and click Allow:\n\n  {url}\n");
    println!("Waiting for Gong's redirect on {} ...", args.listen);
    let (code, browser) = receive_code(&listener, &pending).await?;
    let stored = async {
        let http = OAuthClient::http_client(&gong_timeline_gong::ClientConfig::default())?;
        let tokens = app.exchange_code(&http, &code).await?;
        let credentials = Credentials::OAuth(OAuthCredentials {
            client_id: args.client_id.clone(),
            client_secret: args.client_secret.clone(),
            api_base_url: tokens.api_base_url.clone(),
            tokens: Some(serde_json::to_value(&tokens)?),
        });
        store.update_credentials(connection.id, credentials).await?;
        store
            .set_connection_status(connection.id, ConnectionStatus::Authorised)
            .await?;
        anyhow::Ok(())
    }
    .await;
    // The browser learns how it went only once it is known.
    match &stored {
        Ok(()) => {
            browser
                .answer(
                    "200 OK",
                    &format!(
                        "gong-timeline: connection '{}' is authorised; you can close this tab.",
                        connection.name
                    ),
                )
                .await
        }
        Err(error) => {
            browser
                .answer(
                    "502 Bad Gateway",
                    &format!("gong-timeline could not finish the authorisation: {error:#}. See the terminal."),
                )
                .await
        }
    }
    stored?;
    println!(
        "Connection '{}' is authorised. Sync it with: gong-timeline sync --connection '{}'",
        connection.name, connection.name
    );
    Ok(())
}

/// Waits for the redirect that carries this flow's `state` and a code. A request
/// with another `state` (a stray or forged tab) is refused and the wait goes on; a
/// redirect without a code (consent refused) ends the flow.
async fn receive_code(
    listener: &TcpListener,
    pending: &PendingAuthorizations<()>,
) -> anyhow::Result<(String, Browser)> {
    loop {
        let (browser, params) = receive_redirect(listener).await?;
        let got_state = params.get("state").map(String::as_str).unwrap_or_default();
        if let Err(error) = pending.consume(got_state) {
            if pending.is_empty() {
                // Our own state expired (or was used): no redirect can succeed now.
                browser
                    .answer(
                        "400 Bad Request",
                        "gong-timeline: this authorisation expired (it lasts 10 minutes). Run `connection authorize` again.",
                    )
                    .await;
                anyhow::bail!(
                    "the authorisation expired before Gong's redirect came back (it lasts 10 minutes); run `connection authorize` again"
                );
            }
            eprintln!("Ignored a redirect that is not this authorisation's: {error}");
            browser
                .answer(
                    "400 Bad Request",
                    &format!("gong-timeline: {error} Use the URL printed in the terminal."),
                )
                .await;
            continue;
        }
        let Some(code) = params.get("code") else {
            let why = params
                .get("error")
                .map(|e| format!(" (Gong said: {e})"))
                .unwrap_or_default();
            browser
                .answer(
                    "400 Bad Request",
                    &format!("gong-timeline was not authorised{why}. Run `connection authorize` again to retry."),
                )
                .await;
            anyhow::bail!("Gong's redirect carried no code (was the consent refused?){why}");
        };
        return Ok((code.clone(), browser));
    }
}

/// The browser tab waiting on the redirect's answer.
struct Browser(TcpStream);

impl Browser {
    /// Answers with a plain-text page; a tab closed meanwhile is no error.
    async fn answer(mut self, status: &str, body: &str) {
        let reply = format!(
            "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        if let Err(error) = self.0.write_all(reply.as_bytes()).await {
            tracing::debug!(%error, "the browser left before the answer");
        }
    }
}

/// Accepts connections until one is the redirect; returns its tab and its query.
async fn receive_redirect(
    listener: &TcpListener,
) -> anyhow::Result<(Browser, HashMap<String, String>)> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        let mut buf = vec![0u8; 8192];
        let n = socket.read(&mut buf).await?;
        let head = String::from_utf8_lossy(&buf[..n]);
        let target = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        let Some(query) = target.strip_prefix("/oauth/callback?") else {
            socket
                .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                .await?;
            continue;
        };
        let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        return Ok((Browser(socket), params));
    }
}
