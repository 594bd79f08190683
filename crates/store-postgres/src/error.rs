//! Maps sqlx errors into [`StoreError`]: a lock wait that timed out, a deadlock or a
//! serialisation failure becomes [`StoreError::Locked`], a write refused as read-only
//! [`StoreError::ReadOnly`], everything else a
//! [`StoreError::Backend`] naming what the store was doing.

use gong_timeline_store::StoreError;

/// SQLSTATEs meaning "another transaction is in the way; try again".
const RETRY_STATES: [&str; 4] = ["55P03", "40P01", "40001", "57014"];
/// SQLSTATE of a write in a read-only transaction (a hot standby, or
/// `default_transaction_read_only`).
const READ_ONLY_STATE: &str = "25006";

/// Converts an sqlx error, naming what the store was doing.
pub(crate) fn db_error(context: &'static str, error: sqlx::Error) -> StoreError {
    if is_locked(&error) {
        return StoreError::Locked;
    }
    if matches!(&error, sqlx::Error::Database(db) if db.code().as_deref() == Some(READ_ONLY_STATE))
    {
        return StoreError::ReadOnly;
    }
    StoreError::Backend {
        context,
        source: Box::new(error),
    }
}

/// True for lock timeouts, deadlocks and serialisation failures. (A pool that found
/// no connection in time is a server that is down or overloaded, not a lock: it
/// stays a [`StoreError::Backend`] naming what was being done.)
pub(crate) fn is_locked(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| RETRY_STATES.contains(&code.as_ref())),
        _ => false,
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
