//! Maps sqlx errors into [`StoreError`]: what the dialect calls "another transaction
//! is in the way" becomes [`StoreError::Locked`], a write refused as read-only
//! [`StoreError::ReadOnly`], everything else a [`StoreError::Backend`] naming what the
//! store was doing.

use gong_timeline_store::StoreError;

use super::dialect;

/// Converts an sqlx error, naming what the store was doing.
pub(crate) fn db_error(context: &'static str, error: sqlx::Error) -> StoreError {
    if dialect::is_locked(&error) {
        return StoreError::Locked;
    }
    if dialect::is_read_only(&error) {
        return StoreError::ReadOnly;
    }
    StoreError::Backend {
        context,
        source: Box::new(error),
    }
}

/// True when the error is a UNIQUE or PRIMARY KEY constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// `.ctx("doing x")?` on sqlx results.
pub(crate) trait Ctx<T> {
    /// Maps the error with [`db_error`].
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| db_error(context, e))
    }
}
