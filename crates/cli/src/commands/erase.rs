//! `erase --email ADDR [--dry-run] [--also-in-gong]` (G2): erases a person here, in
//! one transaction, and prints the receipt.

use std::sync::Arc;

use anyhow::Context;
use gong_timeline_domain::Email;
use gong_timeline_store::{ErasureReceipt, ErasureRequest, Store};

use crate::args::{EraseArgs, Format};
use crate::output::{print_object, write_stdout};

/// Who a receipt says asked, for the command line.
const REQUESTED_BY: &str = "cli";

/// Erases the address and prints the receipt.
pub async fn run(store: &Arc<dyn Store>, args: EraseArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email)
        .with_context(|| "--email: give the person's address, e.g. --email jane@example.com")?;
    let receipt = store
        .erase_email(&ErasureRequest {
            email: email.clone(),
            requested_by: REQUESTED_BY.to_string(),
            dry_run: args.dry_run,
            at: chrono::Utc::now(),
        })
        .await?;
    match args.format {
        Format::Json => print_object(&receipt, Format::Json)?,
        Format::Table => write_stdout(&render(&email, &receipt))?,
    }
    Ok(())
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
