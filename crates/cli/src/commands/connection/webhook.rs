//! `connection webhook`: sets up Gong's webhook for a connection (mode, key
//! rotation) and prints the URL to paste into Gong's automation rule.

use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use gong_timeline_store::Store;
use gong_timeline_sync::webhooks::{self, AuthChoice, WebhookChange, WebhookView};

use crate::args::{ConnectionWebhookArgs, Format};

/// Runs `connection webhook`.
pub async fn run(store: &Arc<dyn Store>, args: ConnectionWebhookArgs) -> anyhow::Result<()> {
    let connection = crate::commands::connection_named(store, &args.name).await?;
    let public_url = public_url(&args.public_url)?;
    let auth = match (&args.public_key_file, args.no_jwt) {
        (Some(path), _) => Some(AuthChoice::SignedJwt(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the public key file {}", path.display()))?,
        )),
        (None, true) => Some(AuthChoice::UrlKeyOnly),
        (None, false) => None,
    };
    let change = WebhookChange {
        auth,
        rotate: args.rotate,
    };
    let now = Utc::now();
    webhooks::configure(store, connection.id, change, now)
        .await
        .with_context(|| {
            format!(
                "the webhook of connection '{}' was not changed",
                connection.name
            )
        })?;
    let view = webhooks::view(store, connection.id, &public_url, now)
        .await?
        .context("the webhook set-up was not found after saving it")?;
    let after =
        serde_json::json!({"authentication": view.authentication, "key_rotated": args.rotate});
    crate::commands::audited(
        store,
        gong_timeline_sync::audit::Change::new(
            gong_timeline_domain::audit::AuditAction::WebhookSetUp,
            super::target(&connection.name),
        )
        .after(&after),
    )
    .await;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        Format::Table => print_view(&connection.name, &view, args.rotate),
    }
    Ok(())
}

/// `--public-url` checked: an http(s) URL without credentials.
fn public_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.username().is_empty());
    let url = url.with_context(|| {
        format!("--public-url '{raw}' is not an http(s) URL; give the URL Gong reaches `serve` at, e.g. https://timeline.example.com (as `serve --public-url`)")
    })?;
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn print_view(name: &str, view: &WebhookView, rotated: bool) {
    println!("{}", view.url);
    println!("Connection:      {name}");
    println!("Authentication:  {}", view.authentication);
    let when = |t: Option<chrono::DateTime<Utc>>| {
        t.map_or("never".to_string(), |t| {
            t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        })
    };
    println!("Last webhook:    {}", when(view.last_received_at));
    println!("Last test:       {}", when(view.last_test_at));
    if rotated {
        println!("The key is new: the old URL no longer works; paste this one into Gong.");
    } else {
        println!(
            "Paste the URL into Gong: Company settings → Automation rules → action \"Send to webhook\"."
        );
    }
}
