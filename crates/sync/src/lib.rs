//! The sync engine: a job is a pipeline of named stages that takes Gong meetings to
//! Timeline activities and logs every one of them.
//!
//! # Layout
//! - [`runner`]: [`Engine::run_job`] and [`Engine::run_request`] — lease, start, the
//!   job's passes, finish.
//! - [`connect`]: a Gong client for a stored connection (credentials, host, rotated
//!   OAuth tokens saved before use); [`connections`]: the connection lifecycle (C5, C6).
//! - [`error`]: [`SyncError`], why a job could not start or had to stop.
//! - [`preview`]: the settings preview (T3, T5), evaluated locally.
//! - [`job`]: a started job's stages: [`job::plan`] (which passes, pure),
//!   [`job::source`] (batches), [`job::writer`] (a batch through the stages),
//!   [`job::page`] (page evaluation, pure), [`job::sink`] (fenced page commits),
//!   `job::passes` (each pass's I/O), [`job::cursor`] (where a pass resumes).
//! - [`provision`] (pure) and [`provision_job`] (I/O): Gong users → Timeline users (U1–U6).
//! - [`context`]: the in-memory maps a job resolves against.
//! - [`evaluate`]: what local evaluation (M2) runs against: the context from the
//!   store, the settings in it, the settings fingerprint.
//! - [`windows`]: which meetings a job asks for (S7): checkpoint, look-back, reconciliation.
//! - [`convert`]: Gong's wire format → the domain's meeting, a page at a time.
//! - [`stages`]: private → company → author → filters → activity, per meeting.
//! - [`audit`]: recording an admin's change in the audit log, secrets removed (A4).
//! - [`clock`]: where "now" comes from.
//! - [`outcomes`]: the company's call outcomes and their sentiment, read once a day (S9).
//! - [`mappings`]: manual resolution of a Gong user's mapping (U7).
//! - [`settings`]: validation of a connection's settings (T2–T4).
//! - [`scheduler`]: the fixed four-hourly UTC slots (S6).
//! - [`erasure`]: an erasure request, and erasing in Gong too, followed until done (G2).
//! - [`pending`]: stored meetings not on the Timeline, grouped by why, with the fix.
//! - [`quota`]: the quota governor: a ledger per connection that counts and admits
//!   Gong requests by purpose and lane, in the store (Q1, Q2, Q4).
//! - [`retention`]: the retention job, purging what is older than the period (G3).
//! - [`lease`]: lease owners (`host:pid`), and releasing jobs whose process died (S8).
//! - [`takeover`]: running again, on this replica, the jobs another one stopped holding.
//! - [`transcripts`]: Gong's transcripts of a batch of calls, speakers named, to store (S9).
//! - [`export`]: the execution log as a formula-safe .xlsx (L4).
//! - [`progress`]: events for progress bars.
//! - [`views`]: the one JSON shape per entity that the CLI and the API both print.
//! - [`webhooks`]: Gong pushes processed calls; they are queued and re-read in batches (W1–W3).
#![forbid(unsafe_code)]

pub mod audit;
pub mod clock;
pub mod connect;
pub mod connections;
pub mod context;
pub mod convert;
pub mod erasure;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod job;
pub mod lease;
pub mod mappings;
pub mod outcomes;
pub mod pending;
pub mod preview;
pub mod progress;
pub mod provision;
pub mod provision_job;
pub mod quota;
pub mod retention;
pub mod runner;
pub mod scheduler;
pub mod settings;
pub mod stages;
pub mod takeover;
pub mod transcripts;
pub mod views;
pub mod webhooks;
pub mod windows;

#[cfg(test)]
mod testing;

pub use error::SyncError;
pub use progress::{Progress, ProgressFn};
pub use runner::{Clock, Engine, EngineOptions, EngineStats, JobRequest, JobSummary};

/// The result of a task the engine spawned to overlap its work; a panic in it goes on
/// in the caller, as if the work had run there.
pub(crate) fn joined<T>(result: Result<T, tokio::task::JoinError>) -> T {
    match result {
        Ok(value) => value,
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(join) => panic!("a task of the engine was cancelled: {join}"),
    }
}
