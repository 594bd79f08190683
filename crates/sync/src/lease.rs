//! Lease owners: who runs a job. An owner names its host and process, so that a job
//! whose process died on this host (killed, crashed) is recognised at once instead of
//! blocking its connection until the lease expires (S8).

use chrono::{DateTime, Utc};
use gong_timeline_domain::JobStatus;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use gong_timeline_store::{ConnectionId, Fence, JobFilter, JobFinish, JobId, Lease, Store};

use crate::clock::Clock;
use crate::SyncError;

/// The lease owner of this process: `host:pid`.
pub fn this_process() -> String {
    format!("{}:{}", host_name(), std::process::id())
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// True when `owner` is a process of this host that no longer runs.
pub fn is_dead_local_owner(owner: &str) -> bool {
    let Some((host, pid)) = owner.rsplit_once(':') else {
        return false;
    };
    if host != host_name() || !std::path::Path::new("/proc/self").exists() {
        return false;
    }
    match pid.parse::<u32>() {
        Ok(pid) => {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        }
        Err(_) => false,
    }
}

/// Marks Failed the connection's In progress jobs whose owner process is gone from this
/// host. Returns how many were released.
pub async fn release_dead_jobs(
    store: &dyn Store,
    connection_id: ConnectionId,
    now: DateTime<Utc>,
) -> gong_timeline_store::Result<usize> {
    let running = store
        .list_jobs(JobFilter {
            statuses: vec![JobStatus::InProgress],
            connection_id: Some(connection_id),
            ..JobFilter::default()
        })
        .await?;
    let mut released = 0;
    for job in running {
        let Some(owner) = job
            .lease_owner
            .as_deref()
            .filter(|o| is_dead_local_owner(o))
        else {
            continue;
        };
        let message = format!("Interrupted: the process running it ({owner}) stopped; the next sync resumed from the checkpoint.");
        store
            .finish_job(
                job.id,
                JobFinish {
                    status: JobStatus::Failed,
                    counts: job.counts,
                    finished_at: now,
                    message: Some(message),
                    // Its Gong requests died with its process.
                    gong: job.gong,
                    // Only if the dead owner still holds it: a live take-over wins.
                    fence: Some(Fence {
                        owner: owner.to_string(),
                        generation: job.lease_generation,
                    }),
                },
            )
            .await
            .or_else(|e| match e {
                gong_timeline_store::StoreError::LeaseLost { .. } => Ok(()),
                e => Err(e),
            })?;
        released += 1;
    }
    Ok(released)
}

/// Keeps a job's lease alive for the job's whole life — provisioning, the retry pass and
/// 429 waits included — from a background task; the job checks it between pages.
pub(crate) struct LeaseKeeper {
    lost: Arc<std::sync::atomic::AtomicBool>,
    job_id: JobId,
    task: tokio::task::JoinHandle<()>,
}

impl LeaseKeeper {
    /// Heartbeats `owner`'s lease of the job every third of `ttl`, on `clock`.
    pub(crate) fn start(
        store: Arc<dyn Store>,
        owner: String,
        ttl: chrono::Duration,
        clock: Clock,
        job_id: JobId,
    ) -> LeaseKeeper {
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = lost.clone();
        let every = (ttl / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(60));
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let lease = Lease {
                    owner: owner.clone(),
                    expires_at: clock() + ttl,
                };
                match store.heartbeat(job_id, lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        flag.store(true, Ordering::Relaxed);
                        return;
                    }
                    // A busy database now is no reason to give the job up; try next beat.
                    Err(error) => {
                        tracing::warn!(job_id = job_id.get(), %error, "Lease heartbeat failed.")
                    }
                }
            }
        });
        LeaseKeeper { lost, job_id, task }
    }

    /// An error once another process took the job over: the caller must stop.
    pub(crate) fn check(&self) -> Result<(), SyncError> {
        if self.lost.load(Ordering::Relaxed) {
            Err(SyncError::LeaseLost(self.job_id))
        } else {
            Ok(())
        }
    }
}

impl Drop for LeaseKeeper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s8_a_vanished_local_process_is_a_dead_owner() {
        let me = this_process();
        assert!(!is_dead_local_owner(&me), "this process is alive");
        let host = me.rsplit_once(':').unwrap().0;
        assert!(
            is_dead_local_owner(&format!("{host}:4000000000")),
            "no such pid"
        );
        assert!(
            !is_dead_local_owner("other-host:1"),
            "other hosts are never judged"
        );
        assert!(!is_dead_local_owner("pid-12"));
    }
}
