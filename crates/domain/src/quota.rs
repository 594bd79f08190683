//! Gong's quota (Q1–Q4): what each request to Gong is for, the lanes requests are
//! spent in, a connection's budget over a rolling 24 hours, when a paused lane may
//! go on, what a backfill will cost, and the daily usage report. Pure.
//!
//! Gong allows a company 10,000 requests a day, shared by every integration the
//! customer runs; a connection may spend its budget (by default half of that). The
//! lanes keep the cheap, urgent requests going when the budget runs low: a lane may
//! spend only while the last 24 hours' usage is under its ceiling, so backfills
//! stop first and webhook re-reads last.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::schedule;

/// Gong's default company-wide daily quota.
pub const GONG_DAILY_QUOTA: u32 = 10_000;
/// A connection's default daily budget: half of Gong's quota (Q1).
pub const DEFAULT_DAILY_BUDGET: u32 = GONG_DAILY_QUOTA / 2;
/// Gong's default per-second rate.
pub const DEFAULT_PER_SECOND: f64 = 3.0;
/// The most requests per second one may set (Gong raises limits on request).
pub const MAX_PER_SECOND: f64 = 100.0;
/// The largest daily budget one may set (Gong raises limits on request).
pub const MAX_DAILY_BUDGET: u32 = 1_000_000;
/// Usage is counted in buckets of this many minutes.
pub const BUCKET_MINUTES: i64 = 10;
/// Calls per page of `POST /v2/calls/extensive` (Gong's page size).
pub const CALLS_PER_PAGE: u64 = 100;

/// What a request to Gong was for (Q4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Gong's users, read before every job (U1–U6).
    Users,
    /// A time window read whole: an interrupted incremental window resumed.
    Window,
    /// The incremental window: the checkpoint minus the look-back (S7).
    LookBack,
    /// The weekly 30-day reconciliation (M3).
    Reconciliation,
    /// Calls on the retry list re-read by id (M3).
    Retry,
    /// Calls Gong pushed, re-read by id (W2).
    Webhook,
    /// A recording's media URL, loaded when an activity is viewed (S5).
    Media,
    /// Calls asked for again to tell deleted ones apart (G1).
    DeletionCheck,
    /// Gong's data-privacy erase and its follow-up (G2).
    Erase,
    /// Transcripts of calls on the Timeline, 100 calls a request (S9): below the
    /// incremental window, since a call is on the Timeline without one.
    Transcripts,
    /// The first sync's history, beyond the reconciliation span (S7).
    Backfill,
    /// An admin's re-sync from a date (M3).
    Resync,
    /// Checking credentials and the workspace when a connection is set up (C5).
    Setup,
    /// The company's settings in Gong, read at most once a day per connection: the
    /// call outcomes and their sentiment (S9).
    Settings,
}

impl Purpose {
    /// Every purpose, in the order reports list them.
    pub const ALL: [Purpose; 14] = [
        Purpose::Users,
        Purpose::Webhook,
        Purpose::Media,
        Purpose::Erase,
        Purpose::Setup,
        Purpose::Settings,
        Purpose::LookBack,
        Purpose::Window,
        Purpose::Retry,
        Purpose::Reconciliation,
        Purpose::DeletionCheck,
        Purpose::Transcripts,
        Purpose::Backfill,
        Purpose::Resync,
    ];

    /// The lane its requests are spent in (Q2).
    pub fn lane(self) -> Lane {
        match self {
            Purpose::Users
            | Purpose::Webhook
            | Purpose::Media
            | Purpose::Erase
            | Purpose::Setup
            | Purpose::Settings => Lane::First,
            Purpose::LookBack | Purpose::Window | Purpose::Retry => Lane::Incremental,
            Purpose::Reconciliation | Purpose::DeletionCheck | Purpose::Transcripts => Lane::Checks,
            Purpose::Backfill | Purpose::Resync => Lane::History,
        }
    }

    /// The name stored and shown (`look_back`, `deletion_check`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Users => "users",
            Purpose::Window => "window",
            Purpose::LookBack => "look_back",
            Purpose::Reconciliation => "reconciliation",
            Purpose::Retry => "retry",
            Purpose::Webhook => "webhook",
            Purpose::Media => "media",
            Purpose::DeletionCheck => "deletion_check",
            Purpose::Transcripts => "transcripts",
            Purpose::Erase => "erase",
            Purpose::Backfill => "backfill",
            Purpose::Resync => "resync",
            Purpose::Setup => "setup",
            Purpose::Settings => "settings",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Users => "Users",
            Purpose::Window => "Window",
            Purpose::LookBack => "Look-back",
            Purpose::Reconciliation => "Reconciliation",
            Purpose::Retry => "By-id retry",
            Purpose::Webhook => "Webhook",
            Purpose::Media => "Media",
            Purpose::DeletionCheck => "Deletion check",
            Purpose::Transcripts => "Transcripts",
            Purpose::Erase => "Erase",
            Purpose::Backfill => "Backfill",
            Purpose::Resync => "Re-sync",
            Purpose::Setup => "Set-up",
            Purpose::Settings => "Gong settings",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored purpose name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a request purpose")]
pub struct UnknownPurpose(pub String);

impl FromStr for Purpose {
    type Err = UnknownPurpose;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPurpose(s.to_owned()))
    }
}

/// A priority lane (Q2): lower lanes pause first when the budget runs low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Webhook re-reads, users, media, erasure, set-up: up to the whole budget.
    First,
    /// The incremental window and by-id retries: up to 95 %.
    Incremental,
    /// Reconciliation and deletion checks: up to 85 %.
    Checks,
    /// Backfill and re-syncs: up to 70 %.
    History,
}

impl Lane {
    /// Every lane, the first to spend first.
    pub const ALL: [Lane; 4] = [Lane::First, Lane::Incremental, Lane::Checks, Lane::History];

    /// The name stored and shown (`first`, `incremental`, `checks`, `history`).
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::First => "first",
            Lane::Incremental => "incremental",
            Lane::Checks => "checks",
            Lane::History => "history",
        }
    }

    /// The share of the budget, in percent, the last 24 hours' usage must stay under
    /// for this lane to spend.
    pub fn ceiling_percent(self) -> u32 {
        match self {
            Lane::First => 100,
            Lane::Incremental => 95,
            Lane::Checks => 85,
            Lane::History => 70,
        }
    }

    /// The usage (requests in the last 24 hours) under which this lane may spend.
    pub fn ceiling(self, daily_budget: u32) -> u64 {
        u64::from(daily_budget) * u64::from(self.ceiling_percent()) / 100
    }
}

/// A connection's share of Gong's quota (Q1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuotaSettings {
    /// Requests this deployment may send in any 24 hours.
    pub daily_budget: u32,
    /// Requests per second at most.
    pub per_second: f64,
}

impl Default for QuotaSettings {
    fn default() -> Self {
        QuotaSettings {
            daily_budget: DEFAULT_DAILY_BUDGET,
            per_second: DEFAULT_PER_SECOND,
        }
    }
}

/// Quota settings that cannot be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuotaError {
    /// The daily budget is 0 or too large.
    #[error("the daily budget must be from 1 to {MAX_DAILY_BUDGET} requests (got {0}); Gong allows {GONG_DAILY_QUOTA} a day unless it raised the company's limit")]
    DailyBudget(u64),
    /// The rate is not a positive number up to the maximum.
    #[error("the rate must be more than 0 and at most {MAX_PER_SECOND} requests per second (got {0}); Gong allows 3 unless it raised the company's limit")]
    PerSecond(f64),
}

impl QuotaSettings {
    /// Checked settings.
    pub fn new(daily_budget: u64, per_second: f64) -> Result<QuotaSettings, QuotaError> {
        let daily_budget = u32::try_from(daily_budget)
            .ok()
            .filter(|b| (1..=MAX_DAILY_BUDGET).contains(b))
            .ok_or(QuotaError::DailyBudget(daily_budget))?;
        if !(per_second.is_finite() && per_second > 0.0 && per_second <= MAX_PER_SECOND) {
            return Err(QuotaError::PerSecond(per_second));
        }
        Ok(QuotaSettings {
            daily_budget,
            per_second,
        })
    }

    /// These settings with a partial change (a field not given keeps its value),
    /// checked as [`QuotaSettings::new`] checks: the one rule of the CLI and the web.
    pub fn with(
        self,
        daily_budget: Option<u64>,
        per_second: Option<f64>,
    ) -> Result<QuotaSettings, QuotaError> {
        QuotaSettings::new(
            daily_budget.unwrap_or(u64::from(self.daily_budget)),
            per_second.unwrap_or(self.per_second),
        )
    }

    /// The budget as a share of Gong's default quota, in percent.
    pub fn share_percent(&self) -> f64 {
        f64::from(self.daily_budget) * 100.0 / f64::from(GONG_DAILY_QUOTA)
    }
}

/// Requests counted in one bucket, for one purpose and endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestCount {
    /// The bucket's start ([`bucket_of`]).
    pub bucket: DateTime<Utc>,
    /// What they were for.
    pub purpose: Purpose,
    /// Gong's endpoint, e.g. `/v2/calls/extensive`.
    pub endpoint: String,
    /// How many.
    pub requests: u64,
}

/// The bucket a request sent at `at` is counted in.
pub fn bucket_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::minutes(BUCKET_MINUTES))
        .unwrap_or(at)
}

/// Whether a bucket still counts at `now`: any part of it lies in the last 24 hours
/// (so a request is counted a little longer than 24 hours, never shorter).
fn in_window(bucket: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    bucket + Duration::minutes(BUCKET_MINUTES) > now - Duration::hours(24)
}

/// The earliest bucket that may still count at `now`: what the governor reads.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    bucket_of(now - Duration::hours(24))
}

/// Requests in the rolling 24 hours before `now`.
pub fn used(counts: &[RequestCount], now: DateTime<Utc>) -> u64 {
    counts
        .iter()
        .filter(|c| in_window(c.bucket, now))
        .map(|c| c.requests)
        .sum()
}

/// Whether `lane` may send one more request with `used` requests in the last 24 hours.
pub fn may_spend(lane: Lane, used: u64, budget: &QuotaSettings) -> bool {
    used < lane.ceiling(budget.daily_budget)
}

/// When `lane` may spend again: the first instant at which enough of today's requests
/// have left the rolling window to bring usage under the lane's ceiling, given the
/// counts at `now`.
pub fn frees_at(
    counts: &[RequestCount],
    lane: Lane,
    budget: &QuotaSettings,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let ceiling = lane.ceiling(budget.daily_budget);
    let mut by_bucket: BTreeMap<DateTime<Utc>, u64> = BTreeMap::new();
    for c in counts.iter().filter(|c| in_window(c.bucket, now)) {
        *by_bucket.entry(c.bucket).or_default() += c.requests;
    }
    let mut left: u64 = by_bucket.values().sum();
    let expiry =
        |bucket: DateTime<Utc>| bucket + Duration::hours(24) + Duration::minutes(BUCKET_MINUTES);
    for (bucket, requests) in &by_bucket {
        if left < ceiling {
            break;
        }
        left -= requests;
        if left < ceiling {
            return expiry(*bucket).max(now);
        }
    }
    if left < ceiling {
        return now;
    }
    // A lane with no room at all (a budget of 1 leaves the lower lanes none): a day on.
    expiry(bucket_of(now))
}

/// When a paused job goes on: the first scheduled slot (S6) at or after `frees`.
pub fn resumes_at(frees: DateTime<Utc>) -> DateTime<Utc> {
    let slot = schedule::latest_slot_at_or_before(frees);
    if slot == frees {
        slot
    } else {
        schedule::next_slot_after(frees)
    }
}

/// The cost of reading `calls` calls from Gong (Q3), spent in `lane` at `now` with
/// `used` requests in the last 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Calls Gong reports in the window.
    pub calls: u64,
    /// Requests they take: pages of 100, plus Gong's users.
    pub requests: u64,
    /// Days of the lane's share of the budget they take.
    pub days: f64,
    /// When the last request is sent, at the earliest.
    pub finishes_at: DateTime<Utc>,
}

/// [`Estimate`] of reading `calls` calls in `lane`.
pub fn estimate(
    calls: u64,
    lane: Lane,
    used: u64,
    budget: &QuotaSettings,
    now: DateTime<Utc>,
) -> Estimate {
    let requests = calls.div_ceil(CALLS_PER_PAGE) + 1;
    let per_day = lane.ceiling(budget.daily_budget).max(1);
    let room_now = per_day.saturating_sub(used);
    let pace = |n: u64| Duration::milliseconds((n as f64 * 1000.0 / budget.per_second) as i64);
    let finishes_at = if requests <= room_now {
        now + pace(requests)
    } else {
        let later = requests - room_now;
        // Each later day's share, read from the slot the budget frees it at.
        let whole_days = later.div_ceil(per_day) as i64;
        let last_day = later - (whole_days as u64 - 1) * per_day;
        resumes_at(now + Duration::days(whole_days)) + pace(last_day)
    };
    Estimate {
        calls,
        requests,
        days: requests as f64 / per_day as f64,
        finishes_at,
    }
}

/// One row of the usage report (Q4): requests of one UTC day, purpose and endpoint,
/// as Gong's own API usage report counts them (per day and endpoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyUsage {
    /// The UTC day.
    pub day: NaiveDate,
    /// What they were for.
    pub purpose: Purpose,
    /// Gong's endpoint.
    pub endpoint: String,
    /// How many.
    pub requests: u64,
}

/// The counts summed per UTC day, purpose and endpoint: newest day first, purposes
/// in [`Purpose::ALL`]'s order.
pub fn daily(counts: &[RequestCount]) -> Vec<DailyUsage> {
    let mut sums: BTreeMap<(NaiveDate, usize, String), u64> = BTreeMap::new();
    for c in counts {
        let order = Purpose::ALL
            .iter()
            .position(|p| *p == c.purpose)
            .unwrap_or(0);
        *sums
            .entry((c.bucket.date_naive(), order, c.endpoint.clone()))
            .or_default() += c.requests;
    }
    let mut rows: Vec<DailyUsage> = sums
        .into_iter()
        .map(|((day, order, endpoint), requests)| DailyUsage {
            day,
            purpose: Purpose::ALL[order],
            endpoint,
            requests,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.day));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap()
    }

    fn count(bucket: DateTime<Utc>, purpose: Purpose, requests: u64) -> RequestCount {
        RequestCount {
            bucket,
            purpose,
            endpoint: "/v2/calls/extensive".into(),
            requests,
        }
    }

    fn budget(daily: u32) -> QuotaSettings {
        QuotaSettings {
            daily_budget: daily,
            per_second: 3.0,
        }
    }

    #[test]
    fn q4_purposes_round_trip_through_their_stored_names() {
        for p in Purpose::ALL {
            assert_eq!(p.as_str().parse::<Purpose>(), Ok(p));
        }
        assert!("lookback".parse::<Purpose>().is_err());
    }

    #[test]
    fn q2_lanes_follow_the_priority_order_of_the_rule() {
        assert_eq!(Purpose::Webhook.lane(), Lane::First);
        assert_eq!(Purpose::Users.lane(), Lane::First);
        assert_eq!(Purpose::LookBack.lane(), Lane::Incremental);
        assert_eq!(Purpose::Reconciliation.lane(), Lane::Checks);
        assert_eq!(Purpose::DeletionCheck.lane(), Lane::Checks);
        assert_eq!(Purpose::Backfill.lane(), Lane::History);
        assert_eq!(Purpose::Resync.lane(), Lane::History);
        let b = budget(5_000);
        // At 80 % used, history waits, checks and everything above go on.
        assert!(!may_spend(Lane::History, 4_000, &b));
        assert!(may_spend(Lane::Checks, 4_000, &b));
        assert!(may_spend(Lane::First, 4_999, &b));
        assert!(!may_spend(Lane::First, 5_000, &b));
    }

    #[test]
    fn q1_the_window_rolls_over_24_hours_of_ten_minute_buckets() {
        let now = at(12, 5);
        let counts = [
            count(at(12, 0) - Duration::hours(24), Purpose::Users, 7),
            count(at(11, 50) - Duration::hours(24), Purpose::Users, 100),
            count(at(12, 0), Purpose::Backfill, 3),
        ];
        // The bucket of 12:00 yesterday still overlaps the window, 11:50's does not.
        assert_eq!(used(&counts, now), 10);
        assert_eq!(bucket_of(at(12, 9)), at(12, 0));
        assert_eq!(window_start(now), at(12, 0) - Duration::hours(24));
    }

    #[test]
    fn s9_transcripts_spend_below_the_incremental_window_and_outcomes_in_the_first_lane() {
        assert_eq!(Purpose::Transcripts.lane(), Lane::Checks);
        assert!(Lane::Checks.ceiling_percent() < Lane::Incremental.ceiling_percent());
        assert_eq!(Purpose::Settings.lane(), Lane::First);
    }

    #[test]
    fn q2_a_paused_lane_frees_when_enough_old_requests_leave_the_window() {
        let now = at(15, 0);
        let counts = [
            count(at(1, 0), Purpose::Backfill, 50),
            count(at(2, 0), Purpose::Backfill, 20),
            count(at(14, 0), Purpose::Webhook, 5),
        ];
        let b = budget(100);
        // 75 used; history's ceiling is 70: the 01:00 bucket leaving frees it.
        assert_eq!(
            frees_at(&counts, Lane::History, &b, now),
            at(1, 10) + Duration::hours(24)
        );
        // Five more just sent and a ceiling of 70: still the first bucket (80 - 50 < 70).
        let mut more = counts.to_vec();
        more.push(count(bucket_of(now), Purpose::Backfill, 5));
        assert_eq!(
            frees_at(&more, Lane::History, &b, now),
            at(1, 10) + Duration::hours(24)
        );
        // Not paused at all: now.
        assert_eq!(frees_at(&counts, Lane::First, &b, now), now);
        // The job goes on at the next four-hourly slot.
        assert_eq!(
            resumes_at(at(1, 10) + Duration::hours(24)),
            at(4, 0) + Duration::hours(24)
        );
        assert_eq!(resumes_at(at(4, 0)), at(4, 0));
    }

    #[test]
    fn q3_an_estimate_counts_pages_and_days_at_the_lanes_share() {
        let b = budget(1_000);
        let small = estimate(3_000, Lane::History, 0, &b, at(9, 0));
        assert_eq!(small.requests, 31);
        assert_eq!(small.finishes_at, at(9, 0) + Duration::milliseconds(10_333));
        // 1,000,000 calls: 10,001 requests at 700 a day.
        let big = estimate(1_000_000, Lane::History, 0, &b, at(9, 0));
        assert_eq!(big.requests, 10_001);
        assert!((big.days - 14.287).abs() < 0.01, "{}", big.days);
        assert!(big.finishes_at > at(9, 0) + Duration::days(14));
        assert!(big.finishes_at < at(9, 0) + Duration::days(15));
    }

    #[test]
    fn q4_the_report_sums_per_day_purpose_and_endpoint_newest_first() {
        let counts = [
            count(at(1, 0), Purpose::Backfill, 2),
            count(at(2, 0), Purpose::Backfill, 3),
            count(at(2, 0), Purpose::Users, 1),
            count(at(2, 0) - Duration::days(1), Purpose::Users, 4),
        ];
        let rows = daily(&counts);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].purpose, rows[0].requests), (Purpose::Users, 1));
        assert_eq!((rows[1].purpose, rows[1].requests), (Purpose::Backfill, 5));
        assert_eq!(rows[2].day, at(0, 0).date_naive().pred_opt().unwrap());
    }

    #[test]
    fn q1_settings_are_checked() {
        assert!(QuotaSettings::new(5_000, 3.0).is_ok());
        assert_eq!(QuotaSettings::new(0, 3.0), Err(QuotaError::DailyBudget(0)));
        assert!(matches!(
            QuotaSettings::new(10, f64::NAN),
            Err(QuotaError::PerSecond(_))
        ));
        assert_eq!(QuotaSettings::default().share_percent(), 50.0);
        let changed = QuotaSettings::default()
            .with(None, Some(1.5))
            .expect("valid");
        assert_eq!((changed.daily_budget, changed.per_second), (5_000, 1.5));
        assert_eq!(
            QuotaSettings::default().with(Some(0), None),
            Err(QuotaError::DailyBudget(0))
        );
    }
}
