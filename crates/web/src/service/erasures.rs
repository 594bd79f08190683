//! Erasing a person by email from the web (G2): the address checked, the store's one
//! transaction, the receipt. Asking Gong to erase too (`erase --also-in-gong`) can
//! take hours, so it stays with the command line.

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_store::{AdminId, ErasureReceipt};
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;

/// Who a receipt made from the web names.
pub fn requested_by(admin_id: AdminId) -> String {
    format!("admin #{admin_id} (web)")
}

/// Erases `email` (or counts what would go, for a dry run); a malformed address is a
/// 422 naming the `email` field, and nothing changes.
///
/// A receipt (not a dry run) is recorded in the audit log by its id, the address's
/// SHA-256 and the counts — never the address.
pub async fn erase(
    state: &AppState,
    by: &AdminSession,
    email: &str,
    dry_run: bool,
) -> Result<ErasureReceipt, ApiError> {
    let request = gong_timeline_sync::erasure::request(
        email,
        requested_by(by.admin_id),
        dry_run,
        state.now(),
    )
    .map_err(|e| {
        ApiError::invalid(
            "email",
            format!("{e}; give the person's address, e.g. jane@example.com"),
        )
    })?;
    let receipt = state.store.erase_email(&request).await?;
    if let Some(id) = receipt.id {
        let after = serde_json::json!({"receipt": id, "email_sha256": receipt.email_sha256, "counts": receipt.counts});
        let change = Change::new(AuditAction::PersonErased, format!("erasure receipt {id}"));
        super::audit::record(state, by, change.after(&after)).await;
    }
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_from_the_web_names_the_admin() {
        assert_eq!(requested_by(AdminId::new(3)), "admin #3 (web)");
    }
}
