//! The retention period (G3): how long the Timeline keeps what it copied from Gong.
//! Gong keeps calls for the lesser of three years and the customer's contract, so
//! the default is three years; a deployment may keep less.

use chrono::{DateTime, Duration, Utc};

/// Gong's own retention: three years.
pub const DEFAULT_DAYS: u32 = 3 * 365;
/// The longest period one may set: ten years.
pub const MAX_DAYS: u32 = 3650;

/// Activities and stored meetings older than `days` are purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    days: u32,
}

/// A retention period that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the retention period must be from 1 to {MAX_DAYS} days (got {0}); Gong keeps calls for {DEFAULT_DAYS} days at most")]
pub struct RetentionError(pub u32);

impl Retention {
    /// A period of `days` days.
    pub fn days(days: u32) -> Result<Retention, RetentionError> {
        if days == 0 || days > MAX_DAYS {
            return Err(RetentionError(days));
        }
        Ok(Retention { days })
    }

    /// The number of days.
    pub fn as_days(self) -> u32 {
        self.days
    }

    /// What started before this is purged at `now`.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.days))
    }
}

impl Default for Retention {
    fn default() -> Self {
        Retention { days: DEFAULT_DAYS }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_cutoff_is_the_period_before_now() {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        let cutoff = Retention::days(30).unwrap().cutoff(now);
        assert_eq!(cutoff, Utc.with_ymd_and_hms(2026, 11, 6, 12, 0, 0).unwrap());
        assert_eq!(Retention::default().as_days(), 1095);
    }

    #[test]
    fn zero_and_over_ten_years_are_refused_saying_the_range() {
        assert!(Retention::days(0)
            .unwrap_err()
            .to_string()
            .contains("from 1 to 3650 days (got 0)"));
        assert!(Retention::days(3651).is_err());
        assert!(Retention::days(3650).is_ok());
    }
}
