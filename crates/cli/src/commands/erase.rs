//! `erase --email ADDR [--dry-run] [--also-in-gong]` (G2): erases a person here, in
//! one transaction, and prints the receipt; then, when asked, has every connection's
//! Gong account erase the address too ([`gong_timeline_sync::erasure`]) and prints
//! how each ended.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::Email;
use gong_timeline_gong::{GongClient, GongError};
use gong_timeline_store::{Connection, ErasureReceipt, Store};
use gong_timeline_sync::erasure::{self, GongErasure};
use gong_timeline_sync::quota::{counted_client, Ledger};

use crate::args::{EraseArgs, Format};
use crate::output::{print_object, write_stdout};

/// Who a receipt says asked, for the command line.
const REQUESTED_BY: &str = "cli";

/// Erases the address and prints the receipt.
pub async fn run(store: &Arc<dyn Store>, args: EraseArgs) -> anyhow::Result<()> {
    let request = erasure::request(
        &args.email,
        REQUESTED_BY.to_string(),
        args.dry_run,
        chrono::Utc::now(),
    )
    .with_context(|| "--email: give the person's address, e.g. --email jane@example.com")?;
    let email = request.email.clone();
    let receipt = store.erase_email(&request).await?;
    if let Some(id) = receipt.id {
        // The address never: its SHA-256 and the counts, as the receipt keeps them.
        let after = serde_json::json!({"receipt": id, "email_sha256": receipt.email_sha256, "counts": receipt.counts});
        let change = gong_timeline_sync::audit::Change::new(
            gong_timeline_domain::audit::AuditAction::PersonErased,
            format!("erasure receipt {id}"),
        )
        .after(&after);
        super::audited(store, change).await;
    }
    match args.format {
        Format::Json => print_object(&receipt, Format::Json)?,
        Format::Table => write_stdout(&render(&email, &receipt))?,
    }
    if !args.also_in_gong {
        return Ok(());
    }
    let wait = Duration::from_secs(args.wait_minutes * 60);
    let mut refused = Vec::new();
    for connection in store.list_connections().await? {
        let client = client(store, &connection).await;
        let outcome = match &client {
            Ok((client, _)) if args.dry_run => {
                show_what_gong_holds(client, &connection, &email).await
            }
            Ok((client, _)) => erase_in_gong(client, &connection, &email, wait).await,
            Err(error) => Err(anyhow::anyhow!("{error:#}")),
        };
        if let Ok((_, ledger)) = &client {
            // Q4: the erase requests count in the connection's usage.
            if let Err(error) = ledger.flush().await {
                eprintln!("warning: connection '{}': the Gong request counts could not be written: {error}", connection.name);
            }
        }
        if let Err(error) = outcome {
            eprintln!("{error:#}");
            refused.push(connection.name);
        }
    }
    if !refused.is_empty() {
        anyhow::bail!(
            "the erasure here is done, but not in the Gong account of connection(s) {}: see the message(s) above, fix what they say and run the command again (the erasure here will find nothing more)",
            refused.join(", ")
        );
    }
    Ok(())
}

async fn client(
    store: &Arc<dyn Store>,
    connection: &Connection,
) -> anyhow::Result<(GongClient, Arc<Ledger>)> {
    let template = super::engine_options().gong;
    counted_client(store, connection, &template, Purpose::Erase)
        .await
        .with_context(|| format!("connection '{}': cannot reach Gong", connection.name))
}

async fn show_what_gong_holds(
    client: &GongClient,
    connection: &Connection,
    email: &Email,
) -> anyhow::Result<()> {
    let data = client
        .data_for_email(email.as_str())
        .await
        .map_err(|e| gong_failed(connection, e))?;
    println!(
        "Gong (connection '{}') holds {} call(s), {} email(s) and {} meeting(s) with {email}; without --dry-run it is asked to erase them.",
        connection.name,
        data.calls.len(),
        data.emails.len(),
        data.meetings.len()
    );
    Ok(())
}

/// Has Gong erase the address and says how it ended.
async fn erase_in_gong(
    client: &GongClient,
    connection: &Connection,
    email: &Email,
    wait: Duration,
) -> anyhow::Result<()> {
    let name = &connection.name;
    let accepted = |request_id: Option<&str>| {
        println!(
            "Gong (connection '{name}') accepted the erasure (Gong's request id {}); waiting for it to finish…",
            request_id.unwrap_or("-")
        );
    };
    let ended = erasure::erase_in_gong(client, email, wait, accepted)
        .await
        .map_err(|e| gong_failed(connection, e))?;
    match ended {
        GongErasure::Done => {
            println!("Gong (connection '{name}') holds nothing more with this address.");
        }
        GongErasure::Pending { calls } => println!(
            "Gong (connection '{name}') still holds {calls} call(s) with this address; Gong can take hours. \
             See what it holds later with `gong-timeline erase --email {email} --also-in-gong --dry-run`."
        ),
    }
    Ok(())
}

/// Gong's refusal, verbatim, with what to do.
fn gong_failed(connection: &Connection, error: GongError) -> anyhow::Error {
    match error {
        GongError::Api {
            status: 400,
            message,
            request_id,
            ..
        } => anyhow::anyhow!(
            "connection '{}': Gong refused to erase the address: \"{message}\" (requestId {request_id}). \
             Gong's data-integrity protection stops erasures that would delete an unusual number of calls: \
             ask Gong support (help@gong.io) to erase it, quoting the request id.",
            connection.name
        ),
        other => anyhow::anyhow!(
            "connection '{}': {other} Nothing was erased in that Gong account.",
            connection.name
        ),
    }
}

/// The receipt as a person reads it: what happened, then one line per table.
fn render(email: &Email, receipt: &ErasureReceipt) -> String {
    let mut text = match receipt.id {
        None => format!("Dry run: erasing {email} would change these rows; nothing was changed.\n"),
        Some(id) => format!(
            "Erased {email} (receipt {id}; the receipt keeps only the address's SHA-256 {}).\n",
            receipt.email_sha256
        ),
    };
    for (table, count) in receipt.counts.rows() {
        text.push_str(&format!("  {table:<16} {count}\n"));
    }
    if receipt.counts.total() == 0 {
        text.push_str("No row held this address.\n");
    }
    text
}
