//! Where generated calls sit in time, and their ids.
//!
//! Start times are spread over the window `[anchor - days, anchor)` in index order
//! (slot `i` of `n` equal slots plus a jitter smaller than a slot), so calls are
//! sorted by start time and a time window maps to an index range by binary search
//! over a pure function — no call list is ever held in memory. Ids grow with the
//! index and decode back to it, so `callIds` filters need no lookup table.

use chrono::{DateTime, TimeZone, Utc};

use super::hash::{draw, mix, Stream};

/// Width of the id range each call index owns; ids grow with the index (as Gong's
/// do with time) but their low digits look random.
const ID_STRIDE: u64 = 1_000_003;

/// Where generated calls sit in time.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    /// Seed.
    pub seed: u64,
    /// The Gong account played ([`crate::SimConfig::account`]): salts the call ids.
    pub account: u64,
    /// Number of calls.
    pub n: u64,
    /// Window start, ms since the epoch.
    pub start_ms: i64,
    /// Window length in ms.
    pub window_ms: i64,
}

impl Spread {
    /// Start time of call `i`, ms since the epoch; strictly increasing in `i`
    /// whenever a slot is at least 1 ms wide.
    pub fn start_ms(&self, i: u64) -> i64 {
        let n = self.n.max(1) as i128;
        let base = (i as i128 * self.window_ms as i128 / n) as i64;
        let slot = (self.window_ms as i128 / n) as i64;
        let jitter = if slot > 0 {
            (draw(self.seed, Stream::Start, i) % slot as u64) as i64
        } else {
            0
        };
        self.start_ms + base + jitter
    }

    /// The first index whose start is at or after `t_ms` (`n` when none is).
    pub fn first_at_or_after(&self, t_ms: i64) -> u64 {
        let (mut lo, mut hi) = (0u64, self.n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.start_ms(mid) < t_ms {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn id_base(&self) -> u64 {
        7_000_000_000_000_000_000 + mix(self.id_seed()) % 100_000_000_000_000_000
    }

    fn id_seed(&self) -> u64 {
        account_seed(self.seed, self.account)
    }

    /// The Gong id of call `i` (19 digits).
    pub fn call_id(&self, i: u64) -> String {
        let low = draw(self.id_seed(), Stream::CallId, i) % ID_STRIDE;
        (self.id_base() + i * ID_STRIDE + low).to_string()
    }

    /// The index of a call id, if it is one of the first `n`.
    pub fn index_of(&self, id: &str) -> Option<u64> {
        self.decode(id).filter(|i| *i < self.n)
    }

    /// The index an id was made for by [`Spread::call_id`], whatever `n` is: calls
    /// made while running take the indices after `n`, so their ids follow the
    /// initial ones and never collide with them.
    pub fn decode(&self, id: &str) -> Option<u64> {
        let d = id.parse::<u64>().ok()?.checked_sub(self.id_base())?;
        let i = d / ID_STRIDE;
        (d % ID_STRIDE == draw(self.id_seed(), Stream::CallId, i) % ID_STRIDE).then_some(i)
    }
}

/// The seed of what tells Gong accounts apart (workspace and call ids): the seed
/// itself for account 0, so that the default simulator is unchanged.
pub fn account_seed(seed: u64, account: u64) -> u64 {
    if account == 0 {
        seed
    } else {
        seed ^ mix(account)
    }
}

/// The anchor for a window ending at `now`: `now` truncated to the hour.
pub fn default_anchor(now: DateTime<Utc>) -> DateTime<Utc> {
    let secs = now.timestamp() - now.timestamp() % 3_600;
    Utc.timestamp_opt(secs, 0).single().unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(n: u64) -> Spread {
        Spread {
            seed: 42,
            account: 0,
            n,
            start_ms: 1_700_000_000_000,
            window_ms: 60 * 86_400_000,
        }
    }

    #[test]
    fn starts_are_sorted_and_inside_the_window() {
        let s = spread(1_000_000);
        let mut prev = i64::MIN;
        for i in (0..1_000_000).step_by(997).chain(999_992..1_000_000) {
            let t = s.start_ms(i);
            assert!(t > prev && t >= s.start_ms && t < s.start_ms + s.window_ms);
            prev = t;
        }
    }

    #[test]
    fn a_time_maps_back_to_the_first_index_at_or_after_it() {
        let s = spread(10_000);
        for i in [0u64, 1, 77, 5_000, 9_999] {
            assert_eq!(s.first_at_or_after(s.start_ms(i)), i);
            assert_eq!(s.first_at_or_after(s.start_ms(i) + 1), i + 1);
        }
        assert_eq!(s.first_at_or_after(i64::MIN), 0);
        assert_eq!(s.first_at_or_after(i64::MAX), 10_000);
    }

    #[test]
    fn call_ids_are_19_digits_and_decode_to_their_index() {
        let s = spread(1_000_000);
        for i in [0u64, 5, 999_999] {
            let id = s.call_id(i);
            assert_eq!(id.len(), 19);
            assert_eq!(s.index_of(&id), Some(i));
        }
        assert_eq!(s.index_of("123"), None);
        assert_eq!(s.index_of("not a number"), None);
        let off_by_one = (s.call_id(5).parse::<u64>().unwrap() + 1).to_string();
        assert_eq!(s.index_of(&off_by_one), None);
    }
}
