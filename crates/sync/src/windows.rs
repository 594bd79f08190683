//! Which meetings a job asks Gong for (S7): the retry list by call id, then one time
//! window from the checkpoint minus the look-back (or the backfill on a first sync),
//! widened to 30 days once a week for reconciliation. Pure functions of "now".

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use gong_timeline_gong::CallsFilter;
use gong_timeline_store::{Checkpoint, Settings};

/// How often a job re-reads the last [`RECONCILE_DAYS`] days.
pub const RECONCILE_EVERY_DAYS: i64 = 7;
/// How far a reconciliation pass reaches back.
pub const RECONCILE_DAYS: i64 = 30;
/// How long a failed meeting stays on the retry list.
pub const RETRY_DAYS: i64 = 30;

/// The time window of one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Inclusive start (meeting start time).
    pub from: DateTime<Utc>,
    /// Exclusive end: the job's start, so meetings still being processed by Gong
    /// come back in the next job's look-back.
    pub to: DateTime<Utc>,
    /// True when this window is the weekly reconciliation (or a first backfill that
    /// covers it).
    pub reconciles: bool,
}

impl Window {
    /// How Gong is asked for this window's calls.
    pub fn calls_filter(&self) -> CallsFilter {
        CallsFilter::window(self.from, self.to)
    }
}

/// Where the backfill window of `backfill_days` starts for a job started at `now`:
/// nothing older is fetched, kept or re-evaluated.
pub fn backfill_start(now: DateTime<Utc>, backfill_days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(backfill_days))
}

/// The window of a job started at `now`.
pub fn plan_window(now: DateTime<Utc>, checkpoint: &Checkpoint, settings: &Settings) -> Window {
    let backfill_from = backfill_start(now, settings.backfill_days);
    let Some(last) = checkpoint.last_meeting_started else {
        // The first backfill counts as a reconciliation, whatever its length.
        return Window {
            from: backfill_from,
            to: now,
            reconciles: true,
        };
    };
    let incremental_from = last - Duration::hours(i64::from(settings.lookback_hours));
    let reconcile_due = checkpoint
        .last_reconciled_at
        .is_none_or(|at| now - at >= Duration::days(RECONCILE_EVERY_DAYS));
    if reconcile_due {
        // Never further back than the admin's backfill: a short backfill means "no history".
        let reach = RECONCILE_DAYS.min(i64::from(settings.backfill_days));
        let from = incremental_from.min(now - Duration::days(reach));
        Window {
            from,
            to: now,
            reconciles: true,
        }
    } else {
        Window {
            from: incremental_from.min(now),
            to: now,
            reconciles: false,
        }
    }
}

/// The window of a re-sync from `from` (M3), bounded by the backfill. It reconciles
/// when it reaches as far back as the weekly pass would.
pub fn resync_window(
    now: DateTime<Utc>,
    from: DateTime<Utc>,
    backfill_from: DateTime<Utc>,
) -> Window {
    let from = from.max(backfill_from).min(now);
    let reach = Duration::days(RECONCILE_DAYS).min(now - backfill_from);
    Window {
        from,
        to: now,
        reconciles: from <= now - reach,
    }
}

/// The start of a re-sync from the day an admin picked (M3), at 00:00 UTC. A day
/// after today is refused: Gong has no meeting there yet, and a mistyped year would
/// otherwise look like "nothing new".
pub fn resync_start(day: NaiveDate, today: NaiveDate) -> Result<DateTime<Utc>, ResyncInFuture> {
    if day > today {
        return Err(ResyncInFuture { day, today });
    }
    Ok(day.and_time(NaiveTime::MIN).and_utc())
}

/// [`resync_start`] of a day as typed in a form or an API body (`YYYY-MM-DD`).
pub fn resync_day(text: &str, today: NaiveDate) -> Result<DateTime<Utc>, ResyncDayError> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ResyncDayError::NotADate(text.to_string()))?;
    Ok(resync_start(day, today)?)
}

/// A re-sync day that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResyncDayError {
    /// Not `YYYY-MM-DD`.
    #[error("'{0}' is not a date; pick the day to re-sync from (YYYY-MM-DD)")]
    NotADate(String),
    /// After today.
    #[error(transparent)]
    InFuture(#[from] ResyncInFuture),
}

/// A re-sync asked to start after today.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{day} is after today ({today}, UTC): pick the day to re-sync from, today or earlier")]
pub struct ResyncInFuture {
    /// The day asked for.
    pub day: NaiveDate,
    /// Today, in UTC.
    pub today: NaiveDate,
}

/// Whether a look-back's first page settles it (S7, M3). The look-back is there for
/// calls Gong finishes processing late: they turn up as calls the store does not
/// have. When Gong counts as many calls in the window as the store keeps, and the
/// first page brought none it did not have, nothing turned up late and the rest of
/// the window is not read again. Any other count (a late call, a broken call, a call
/// deleted in Gong) reads the whole window, as before; the weekly reconciliation
/// always does.
pub fn look_back_settled(gong_total: Option<i64>, stored_before: u64, stored_after: u64) -> bool {
    let Some(total) = gong_total.and_then(|t| u64::try_from(t).ok()) else {
        return false;
    };
    total == stored_before && stored_after == stored_before
}

#[cfg(test)]
mod tests {
    #[test]
    fn m3_a_resync_starts_at_midnight_utc_of_a_day_up_to_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let start = super::resync_start(today, today).expect("today is fine");
        assert_eq!(start.to_rfc3339(), "2026-12-02T00:00:00+00:00");
        let earlier = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap();
        assert!(super::resync_start(earlier, today).is_ok());
    }

    #[test]
    fn m3_a_typed_resync_day_must_be_a_date_up_to_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(super::resync_day(" 2026-11-01 ", today).is_ok());
        assert_eq!(
            super::resync_day("last week", today)
                .unwrap_err()
                .to_string(),
            "'last week' is not a date; pick the day to re-sync from (YYYY-MM-DD)"
        );
        assert!(matches!(
            super::resync_day("2027-01-01", today),
            Err(super::ResyncDayError::InFuture(_))
        ));
    }

    #[test]
    fn m3_a_resync_from_a_future_day_is_refused_saying_why() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let typo = NaiveDate::from_ymd_opt(2027, 12, 1).unwrap();
        let refused = super::resync_start(typo, today).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "2027-12-01 is after today (2026-12-02, UTC): pick the day to re-sync from, today or earlier"
        );
    }

    use super::*;
    use chrono::TimeZone;

    #[test]
    fn m3_a_look_back_gong_counts_as_stored_is_settled_by_its_first_page() {
        assert!(look_back_settled(Some(1700), 1700, 1700));
    }

    #[test]
    fn m3_a_late_call_or_a_missing_count_reads_the_whole_look_back() {
        assert!(
            !look_back_settled(Some(1701), 1700, 1700),
            "a late call elsewhere"
        );
        assert!(
            !look_back_settled(Some(1700), 1699, 1700),
            "a late call on page 1"
        );
        assert!(
            !look_back_settled(Some(1699), 1700, 1700),
            "a call deleted in Gong"
        );
        assert!(!look_back_settled(None, 1700, 1700), "Gong sent no count");
        assert!(!look_back_settled(Some(-1), 0, 0));
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    #[test]
    fn s7_first_sync_backfills_the_configured_days() {
        let w = plan_window(
            now(),
            &Checkpoint::default(),
            &Settings {
                backfill_days: 90,
                ..Settings::default()
            },
        );
        assert_eq!(w.from, now() - Duration::days(90));
        assert_eq!(w.to, now());
        assert!(w.reconciles);
    }

    #[test]
    fn s7_later_syncs_start_at_the_checkpoint_minus_the_lookback() {
        let cp = Checkpoint {
            last_meeting_started: Some(now() - Duration::hours(4)),
            last_reconciled_at: Some(now() - Duration::days(1)),
            ..Checkpoint::default()
        };
        let w = plan_window(now(), &cp, &Settings::default());
        assert_eq!(w.from, now() - Duration::hours(28));
        assert!(!w.reconciles);
    }

    #[test]
    fn s7_reconciliation_never_reaches_past_a_short_backfill() {
        let settings = Settings {
            backfill_days: 1,
            ..Settings::default()
        };
        assert!(plan_window(now(), &Checkpoint::default(), &settings).reconciles);
        let cp = Checkpoint {
            last_meeting_started: Some(now() - Duration::hours(4)),
            last_reconciled_at: Some(now() - Duration::days(8)),
            ..Checkpoint::default()
        };
        let w = plan_window(now(), &cp, &settings);
        assert_eq!(
            w.from,
            now() - Duration::hours(28),
            "look-back wins over a 1-day reach"
        );
    }

    #[test]
    fn s7_a_weekly_pass_reconciles_the_last_30_days() {
        let cp = Checkpoint {
            last_meeting_started: Some(now() - Duration::hours(4)),
            last_reconciled_at: Some(now() - Duration::days(8)),
            ..Checkpoint::default()
        };
        let w = plan_window(now(), &cp, &Settings::default());
        assert_eq!(w.from, now() - Duration::days(30));
        assert!(w.reconciles);
    }

    #[test]
    fn a_resync_reconciles_only_when_it_reaches_back_as_far_as_the_weekly_pass() {
        let backfill_from = now() - Duration::days(365);
        let short = resync_window(now(), now() - Duration::days(3), backfill_from);
        assert!(!short.reconciles);
        let long = resync_window(now(), now() - Duration::days(40), backfill_from);
        assert!(long.reconciles);
        assert_eq!(long.from, now() - Duration::days(40));
    }

    #[test]
    fn a_resync_never_reaches_past_the_backfill_and_then_covers_all_of_it() {
        let backfill_from = now() - Duration::days(10);
        let w = resync_window(now(), now() - Duration::days(40), backfill_from);
        assert_eq!(w.from, backfill_from);
        assert!(w.reconciles);
    }
}
