//! Taking over orphaned jobs (S8, M4, D1): a job In progress whose lease lapsed, or
//! whose process is gone from this host, belongs to a replica that stopped. Every
//! replica's scheduler sweeps for them; the first to start the connection's next job
//! wins (starting marks the orphan Failed, "interrupted", and bumps the lease
//! generation, so the stopped owner can write nothing more), and that job resumes
//! after the orphan's last committed page.
//!
//! A replica can also die between claiming a connection's schedule slot and starting
//! its job: the slot is claimed and no job exists. Once the slot is a lease old, a
//! sweep claims it again (as the slot plus one microsecond: of several replicas one
//! gets that claim, and a restart within the slot still sees it taken) and runs it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use gong_timeline_domain::schedule::latest_slot_at_or_before;
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::{Connection, ConnectionId, ConnectionStatus, Job, JobFilter};

use crate::lease::is_dead_local_owner;
use crate::progress::ignore;
use crate::runner::{Engine, JobRequest, JobSummary, CONCURRENT_JOBS};
use crate::SyncError;

/// Most In progress jobs looked at by one sweep.
const SWEEP_LIMIT: u32 = 1000;

/// Whether `job` (In progress) is an orphan at `now`: its lease lapsed, or its owner
/// is a process of this host that no longer runs. Never this engine's own.
pub fn is_orphan(job: &Job, own: &str, now: DateTime<Utc>) -> bool {
    let owner = job.lease_owner.as_deref();
    if owner == Some(own) {
        return false;
    }
    let lapsed = job.lease_expires_at.is_none_or(|until| until <= now);
    lapsed || owner.is_some_and(is_dead_local_owner)
}

/// Runs a job, now, for each connection whose running job is an orphan, resuming
/// where the orphan stopped; [`CONCURRENT_JOBS`] at a time. Returns the jobs this
/// replica ran (another replica may win a connection: it is skipped).
pub async fn take_over_orphans(engine: &Engine) -> Result<Vec<JobSummary>, SyncError> {
    let now = engine.now();
    let running = engine
        .store()
        .list_jobs(JobFilter {
            statuses: vec![JobStatus::InProgress],
            limit: Some(SWEEP_LIMIT),
            ..JobFilter::default()
        })
        .await?;
    let orphans: Vec<Job> = running
        .into_iter()
        .filter(|job| is_orphan(job, engine.lease_owner(), now))
        .collect();
    let taken = futures::stream::iter(orphans)
        .map(|orphan| take_over(engine, orphan))
        .buffer_unordered(CONCURRENT_JOBS)
        .filter_map(|s| async move { s })
        .collect()
        .await;
    Ok(taken)
}

async fn take_over(engine: &Engine, orphan: Job) -> Option<JobSummary> {
    let owner = orphan.lease_owner.as_deref().unwrap_or("nobody");
    tracing::info!(job_id = orphan.id.get(), connection = %orphan.connection, owner, "Taking over a job whose process stopped.");
    let request = JobRequest::new(orphan.trigger);
    match engine
        .run_request(orphan.connection_id, request, &ignore)
        .await
    {
        Ok(summary) => Some(summary),
        Err(SyncError::AlreadyRunning(_)) => None, // another replica took it first
        Err(error) => {
            tracing::warn!(job_id = orphan.id.get(), %error, "Could not take over the job.");
            None
        }
    }
}

/// Runs the scheduled job of each connection whose slot was claimed (by a replica
/// that then stopped) but whose job never started, once the slot is a lease old.
pub async fn run_unstarted_slots(engine: &Engine) -> Result<Vec<JobSummary>, SyncError> {
    let now = engine.now();
    let slot = latest_slot_at_or_before(now);
    if now < slot + engine.lease_ttl() {
        return Ok(Vec::new()); // a claimant may still be starting its job
    }
    let store = engine.store();
    let started: HashSet<ConnectionId> = store
        .list_jobs(JobFilter {
            from: Some(slot),
            limit: Some(u32::MAX),
            ..JobFilter::default()
        })
        .await?
        .into_iter()
        .map(|job| job.connection_id)
        .collect();
    let mut lost = Vec::new();
    for connection in store.list_connections().await? {
        if !started.contains(&connection.id) && unstarted(engine, &connection, slot).await? {
            lost.push(connection);
        }
    }
    let ran = futures::stream::iter(lost)
        .map(|connection| run_lost_slot(engine, connection, slot))
        .buffer_unordered(CONCURRENT_JOBS)
        .filter_map(|s| async move { s })
        .collect()
        .await;
    Ok(ran)
}

/// Claimed for `slot`, not synced since, enabled: its claimant never started it.
async fn unstarted(
    engine: &Engine,
    connection: &Connection,
    slot: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let store = engine.store();
    if connection.status == ConnectionStatus::Pending
        || connection.last_sync_at.is_some_and(|last| last >= slot)
        || store.schedule_claim(connection.id).await? != Some(slot)
    {
        return Ok(false);
    }
    Ok(store.get_settings(connection.id).await?.enabled)
}

async fn run_lost_slot(
    engine: &Engine,
    connection: Connection,
    slot: DateTime<Utc>,
) -> Option<JobSummary> {
    // Its claimant may have started the job since the sweep looked.
    let since = JobFilter {
        from: Some(slot),
        connection_id: Some(connection.id),
        limit: Some(1),
        ..JobFilter::default()
    };
    if !matches!(engine.store().list_jobs(since).await, Ok(jobs) if jobs.is_empty()) {
        return None;
    }
    let again = slot + chrono::Duration::microseconds(1);
    match engine
        .store()
        .claim_schedule_slot(connection.id, again)
        .await
    {
        Ok(true) => {}
        Ok(false) => return None, // another replica runs it
        Err(error) => {
            tracing::warn!(connection = %connection.name, %error, "Could not claim a lost slot.");
            return None;
        }
    }
    tracing::info!(connection = %connection.name, %slot, "Running a scheduled job whose claimant stopped before starting it.");
    match engine
        .run_job(connection.id, Trigger::Schedule, &ignore)
        .await
    {
        Ok(summary) => Some(summary),
        Err(SyncError::AlreadyRunning(_)) => None, // its claimant was only slow
        Err(error) => {
            tracing::warn!(connection = %connection.name, %error, "Could not run the lost slot's job.");
            None
        }
    }
}
