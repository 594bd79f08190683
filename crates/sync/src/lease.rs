//! Lease owners: who runs a job. An owner names its host and process, so that a job
//! whose process died on this host (killed, crashed) is recognised at once instead of
//! blocking its connection until the lease expires (S8).

use chrono::{DateTime, Utc};
use gong_timeline_domain::JobStatus;
use gong_timeline_store::{ConnectionId, JobFilter, JobFinish, Store};

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
                },
            )
            .await?;
        released += 1;
    }
    Ok(released)
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
