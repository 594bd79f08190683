//! Erasing a person by email from the web (G2): the address checked, the store's one
//! transaction, the receipt. Asking Gong to erase too (`erase --also-in-gong`) can
//! take hours, so it stays with the command line.

use chrono::{DateTime, Utc};
use gong_timeline_store::{AdminId, ErasureReceipt, Store};

use crate::error::ApiError;

/// Who a receipt made from the web names.
pub fn requested_by(admin_id: AdminId) -> String {
    format!("admin #{admin_id} (web)")
}

/// Erases `email` (or counts what would go, for a dry run); a malformed address is a
/// 422 naming the `email` field, and nothing changes.
pub async fn erase(
    store: &dyn Store,
    email: &str,
    requested_by: String,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ErasureReceipt, ApiError> {
    let request =
        gong_timeline_sync::erasure::request(email, requested_by, dry_run, now).map_err(|e| {
            ApiError::invalid(
                "email",
                format!("{e}; give the person's address, e.g. jane@example.com"),
            )
        })?;
    Ok(store.erase_email(&request).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_from_the_web_names_the_admin() {
        assert_eq!(requested_by(3), "admin #3 (web)");
    }
}
