//! Webhook batches grouped in the log (#20 item 3): with webhooks on, every pushed
//! call is a 1-meeting job, and dozens of them would bury the scheduled and manual
//! jobs. Consecutive webhook batches of one connection started in the same UTC hour
//! show as one row that expands (`<details>`) to the batches. Pure, unit-tested.

use chrono::{DateTime, Duration, DurationRound, Utc};
use gong_timeline_domain::Trigger;
use gong_timeline_store::Job;

/// A row of the log's job table: a job, or a run of webhook batches.
#[derive(Debug, PartialEq)]
pub(super) enum Row<'a> {
    /// One job, shown as it is.
    Job(&'a Job),
    /// Two or more consecutive webhook batches of one connection in one hour.
    Batches(Batches<'a>),
}

/// A run of webhook batches and what they add up to.
#[derive(Debug, PartialEq)]
pub(super) struct Batches<'a> {
    /// The batches, in the page's order (newest first).
    pub jobs: Vec<&'a Job>,
    /// The UTC hour they started in.
    pub hour: DateTime<Utc>,
}

impl Batches<'_> {
    /// Meetings the batches read.
    pub fn meetings(&self) -> u64 {
        self.jobs.iter().map(|j| j.counts.fetched).sum()
    }

    /// Meetings that failed.
    pub fn failed(&self) -> u64 {
        self.jobs.iter().map(|j| j.counts.failed).sum()
    }

    /// "12 webhook batches, 12 meetings, 3 failed".
    pub fn summary(&self) -> String {
        let n = self.jobs.len();
        let meetings = self.meetings();
        format!(
            "{n} webhook batches, {meetings} {}, {} failed",
            if meetings == 1 { "meeting" } else { "meetings" },
            self.failed()
        )
    }

    /// "2026-12-07 09:00–10:00 UTC".
    pub fn hour_text(&self) -> String {
        let end = self.hour + Duration::hours(1);
        format!(
            "{}–{} UTC",
            self.hour.format("%Y-%m-%d %H:%M"),
            end.format("%H:%M")
        )
    }
}

/// The UTC hour a job started in.
fn hour_of(job: &Job) -> DateTime<Utc> {
    job.started_at
        .duration_trunc(Duration::hours(1))
        .unwrap_or(job.started_at)
}

/// Whether `job` continues the run that `first` started.
fn same_run(first: &Job, job: &Job) -> bool {
    job.trigger == Trigger::Webhook
        && job.connection_id == first.connection_id
        && hour_of(job) == hour_of(first)
}

/// The page's jobs as rows: runs of two or more webhook batches grouped, every
/// other job alone, the order kept.
pub(super) fn rows(jobs: &[Job]) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < jobs.len() {
        let first = &jobs[i];
        let run = match first.trigger {
            Trigger::Webhook => jobs[i..].iter().take_while(|j| same_run(first, j)).count(),
            _ => 1,
        };
        if run >= 2 {
            out.push(Row::Batches(Batches {
                jobs: jobs[i..i + run].iter().collect(),
                hour: hour_of(first),
            }));
        } else {
            out.push(Row::Job(first));
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use gong_timeline_domain::JobStatus;
    use gong_timeline_store::JobCounts;
    use gong_timeline_store::{ConnectionId, JobId};

    use super::*;

    fn job(id: i64, connection_id: i64, trigger: Trigger, (h, m): (u32, u32), failed: u64) -> Job {
        Job {
            id: JobId::new(id),
            connection_id: ConnectionId::new(connection_id),
            connection: "acme".into(),
            trigger,
            status: if failed > 0 {
                JobStatus::Failed
            } else {
                JobStatus::Success
            },
            started_at: Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap(),
            finished_at: None,
            counts: JobCounts {
                fetched: 1,
                failed,
                created: 1 - failed,
                ..JobCounts::default()
            },
            message: None,
            gong: None,
            lease_owner: None,
            lease_expires_at: None,
            lease_generation: id,
        }
    }

    fn shape(rows: &[Row]) -> Vec<Vec<i64>> {
        rows.iter()
            .map(|r| match r {
                Row::Job(j) => vec![j.id.get()],
                Row::Batches(b) => b.jobs.iter().map(|j| j.id.get()).collect(),
            })
            .collect()
    }

    #[test]
    fn consecutive_webhook_batches_of_one_connection_in_one_hour_are_one_row() {
        use Trigger::{Manual, Webhook};
        let jobs = [
            job(9, 1, Webhook, (10, 5), 0),
            job(8, 1, Webhook, (9, 50), 1),
            job(7, 1, Webhook, (9, 40), 0),
            job(6, 2, Webhook, (9, 35), 0),
            job(5, 1, Webhook, (9, 30), 1),
            job(4, 1, Manual, (9, 20), 0),
            job(3, 1, Webhook, (9, 10), 0),
            job(2, 1, Webhook, (9, 5), 0),
            job(1, 1, Webhook, (9, 1), 0),
        ];
        let rows = rows(&jobs);
        assert_eq!(
            shape(&rows),
            vec![
                vec![9],
                vec![8, 7],
                vec![6],
                vec![5],
                vec![4],
                vec![3, 2, 1]
            ],
            "another hour, another connection or a manual job ends a run"
        );
        let Row::Batches(b) = &rows[1] else {
            panic!("a run")
        };
        assert_eq!(b.summary(), "2 webhook batches, 2 meetings, 1 failed");
        assert_eq!(b.hour_text(), "2026-12-07 09:00–10:00 UTC");
    }
}
