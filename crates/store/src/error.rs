//! [`StoreError`]: every way a store operation fails, phrased for the person who
//! has to act on it. Adapters map their driver's errors into it.

use crate::import::ImportError;
use gong_timeline_domain::JobId;

/// A boxed driver error kept as the cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation failed. Nothing was written when an operation fails.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the write lock longer than the busy timeout.
    #[error(
        "the database is locked by another process; retry or stop the other gong-timeline process"
    )]
    Locked,
    /// The database refuses writes: a read-only file, folder or mount, or a
    /// read-only PostgreSQL server or transaction. Nothing was written.
    #[error("the database is read-only (a read-only file, folder or mount, or a read-only PostgreSQL server), so nothing was written; run this command against a database it can write: a writable file and folder, or a PostgreSQL primary")]
    ReadOnly,
    /// The database cannot be opened or reached.
    #[error("cannot open the database {url}: {reason}")]
    Open {
        /// The database URL (without credentials).
        url: String,
        /// What went wrong and what to do.
        reason: String,
    },
    /// Applying the embedded migrations failed.
    #[error("cannot bring the database schema up to date: {0}; was the file made by a newer gong-timeline?")]
    Migration(String),
    /// A record that was asked for does not exist.
    #[error("{what} {key} does not exist")]
    NotFound {
        /// The kind of record ("connection", "job", ...).
        what: &'static str,
        /// How it was named.
        key: String,
    },
    /// A record with the same unique key exists already.
    #[error("{what} '{key}' already exists; choose another {field}")]
    AlreadyExists {
        /// The kind of record.
        what: &'static str,
        /// The unique field.
        field: &'static str,
        /// Its value.
        key: String,
    },
    /// An import file was refused; nothing from it was stored.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The writer no longer holds the job's lease (the job finished or another
    /// process took it over): nothing was written, and the writer must stop.
    #[error("job {job_id} is no longer this process's to write: its lease was lost (the job finished, or another process took it over after this one stalled); nothing more was written — the job that took over carries on")]
    LeaseLost {
        /// The job.
        job_id: JobId,
    },
    /// A page commit waited for the job's earlier one, which failed: neither was
    /// written ([`crate::Store::commit_pages_after`]).
    #[error(
        "this page was not written because the page before it failed; the job resumes before both"
    )]
    EarlierCommitFailed,
    /// The change would leave no admin who can sign in (A1): the last one is neither
    /// demoted nor loses sign-in. Nothing was written.
    #[error("'{username}' is the last admin and stays admin: make another account admin first")]
    LastAdmin {
        /// The account that stays admin.
        username: String,
    },
    /// The caller passed something the store cannot keep.
    #[error("{0}")]
    Invalid(String),
    /// Stored credentials could not be encrypted or decrypted.
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
    /// A stored value does not parse (a damaged or foreign database).
    #[error("the stored {column} '{value}' cannot be read: {reason}")]
    Corrupt {
        /// Table and column.
        column: &'static str,
        /// The stored value.
        value: String,
        /// Why.
        reason: String,
    },
    /// The refresh step of [`crate::Store::rotate_oauth_tokens`] failed (Gong refused
    /// or could not be reached); nothing was saved and the lock is free again.
    #[error(transparent)]
    Rotation(BoxError),
    /// Any other database failure.
    #[error("database error while {context}: {source}")]
    Backend {
        /// What the store was doing.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
}

impl StoreError {
    /// Whether trying the same operation again later may succeed.
    pub fn is_retriable(&self) -> bool {
        matches!(self, StoreError::Locked | StoreError::Backend { .. })
    }

    /// A [`StoreError::NotFound`].
    pub fn not_found(what: &'static str, key: impl ToString) -> StoreError {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    /// A [`StoreError::Corrupt`].
    pub fn corrupt(column: &'static str, value: &str, reason: impl ToString) -> StoreError {
        StoreError::Corrupt {
            column,
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }
}
