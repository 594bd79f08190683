//! The sync schedule (S6): fixed UTC slots at 00:00, 04:00, 08:00, 12:00, 16:00, 20:00.
//!
//! Pure functions of "now", so the scheduler in `serve` only sleeps until
//! [`next_slot_after`] and asks [`due_slot`] what to run; tests pass any instant.
//!
//! - A slot is due when it passed after the connection's last run and no later than now:
//!   `last_run < slot <= now`. Missing several slots (the server was down) runs **once**,
//!   for the latest of them.
//! - `last_run` is when the connection's last job started, whatever its trigger: a manual
//!   sync at 05:00 does not cancel the 08:00 slot, while a sync that started exactly at
//!   04:00 is the 04:00 slot's run.
//! - A connection that never ran is due at once (the latest slot), so turning the
//!   "Sync Gong Meetings" toggle on does not wait up to four hours.

use chrono::{DateTime, TimeDelta, Utc};

/// Hours between two slots.
pub const SLOT_HOURS: i64 = 4;

const SLOT_SECONDS: i64 = SLOT_HOURS * 3600;

/// The slot at or before `now` (`now` itself when it is exactly a slot).
pub fn latest_slot_at_or_before(now: DateTime<Utc>) -> DateTime<Utc> {
    // Slots are multiples of four hours since the Unix epoch, which began at 00:00 UTC.
    let into_slot = now.timestamp().rem_euclid(SLOT_SECONDS);
    now - TimeDelta::seconds(into_slot)
        - TimeDelta::nanoseconds(now.timestamp_subsec_nanos().into())
}

/// The first slot strictly after `now`.
pub fn next_slot_after(now: DateTime<Utc>) -> DateTime<Utc> {
    latest_slot_at_or_before(now) + TimeDelta::hours(SLOT_HOURS)
}

/// The slot to run now, if one passed since `last_run` (see the module docs).
pub fn due_slot(last_run: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let slot = latest_slot_at_or_before(now);
    match last_run {
        Some(last) if last >= slot => None,
        _ => Some(slot),
    }
}

/// Alias of [`due_slot`], by the name the engine issue uses.
pub fn due_slots(last_run: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    due_slot(last_run, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, day, h, m, s).unwrap()
    }

    #[test]
    fn s6_slots_are_every_four_hours_from_midnight_utc() {
        let mut slot = at(5, 0, 0, 0);
        let hours: Vec<u32> = (0..7)
            .map(|_| {
                let h = chrono::Timelike::hour(&slot);
                slot = next_slot_after(slot);
                h
            })
            .collect();
        assert_eq!(hours, [0, 4, 8, 12, 16, 20, 0]);
        assert_eq!(slot, at(6, 4, 0, 0));
    }

    #[test]
    fn s6_latest_slot_includes_the_exact_boundary() {
        assert_eq!(latest_slot_at_or_before(at(5, 8, 0, 0)), at(5, 8, 0, 0));
        assert_eq!(latest_slot_at_or_before(at(5, 11, 59, 59)), at(5, 8, 0, 0));
        let just_before = at(5, 8, 0, 0) - TimeDelta::nanoseconds(1);
        assert_eq!(latest_slot_at_or_before(just_before), at(5, 4, 0, 0));
        let just_after = at(5, 8, 0, 0) + TimeDelta::milliseconds(1);
        assert_eq!(latest_slot_at_or_before(just_after), at(5, 8, 0, 0));
    }

    #[test]
    fn s6_next_slot_is_strictly_after_now_and_crosses_midnight() {
        assert_eq!(next_slot_after(at(5, 8, 0, 0)), at(5, 12, 0, 0));
        assert_eq!(next_slot_after(at(5, 7, 59, 59)), at(5, 8, 0, 0));
        assert_eq!(next_slot_after(at(5, 20, 0, 1)), at(6, 0, 0, 0));
        let end_of_month = Utc.with_ymd_and_hms(2024, 2, 29, 23, 0, 0).unwrap();
        assert_eq!(next_slot_after(end_of_month), at(1, 0, 0, 0));
    }

    #[test]
    fn s6_a_slot_is_due_once_after_it_passes() {
        let last = at(5, 4, 0, 30);
        assert_eq!(due_slot(Some(last), at(5, 7, 59, 59)), None);
        assert_eq!(due_slot(Some(last), at(5, 8, 0, 0)), Some(at(5, 8, 0, 0)));
        // The 08:00 run happened: nothing more is due until 12:00.
        assert_eq!(due_slot(Some(at(5, 8, 0, 0)), at(5, 9, 0, 0)), None);
    }

    #[test]
    fn s6_missed_slots_run_once_for_the_latest() {
        let last = at(4, 20, 0, 5);
        assert_eq!(
            due_slots(Some(last), at(5, 13, 0, 0)),
            Some(at(5, 12, 0, 0))
        );
    }

    #[test]
    fn s6_a_manual_run_between_slots_does_not_cancel_the_next_slot() {
        assert_eq!(
            due_slot(Some(at(5, 5, 0, 0)), at(5, 8, 0, 1)),
            Some(at(5, 8, 0, 0))
        );
    }

    #[test]
    fn s6_a_connection_that_never_ran_is_due_at_once() {
        assert_eq!(due_slot(None, at(5, 10, 0, 0)), Some(at(5, 8, 0, 0)));
    }
}
