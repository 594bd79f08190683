//! Maps sqlx errors into [`StoreError`]: a busy or locked database becomes
//! [`StoreError::Locked`], a read-only one [`StoreError::ReadOnly`], everything else a [`StoreError::Backend`] naming what the
//! store was doing.

use gong_timeline_store::StoreError;

/// SQLite's primary result codes for a busy or locked database.
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
/// SQLite's primary result code for a write to a read-only database.
const SQLITE_READONLY: i64 = 8;

/// Converts an sqlx error, naming what the store was doing.
pub(crate) fn db_error(context: &'static str, error: sqlx::Error) -> StoreError {
    if is_locked(&error) {
        return StoreError::Locked;
    }
    if primary_code(&error) == Some(SQLITE_READONLY) {
        return StoreError::ReadOnly;
    }
    StoreError::Backend {
        context,
        source: Box::new(error),
    }
}

/// True for SQLITE_BUSY / SQLITE_LOCKED (any extended code) and a pool that found
/// no free connection in time.
pub(crate) fn is_locked(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::PoolTimedOut)
        || primary_code(error).is_some_and(|code| matches!(code, SQLITE_BUSY | SQLITE_LOCKED))
}

/// SQLite's primary result code (the low byte of an extended code) of a database error.
fn primary_code(error: &sqlx::Error) -> Option<i64> {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|code| code & 0xff),
        _ => None,
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
