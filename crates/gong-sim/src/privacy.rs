//! Calls that leave Gong after they were served: deleted by hand in Gong (tests set
//! them with `Controls::delete_calls`), or erased by Gong's data-privacy erasure.
//! Gone calls are call indices, so the paging leaves them out of pages and totals.
//!
//! The erasure, as the simulator plays it: an erase request for an address is
//! accepted (or refused when it would delete too many calls, like Gong's
//! data-integrity protection), completes [`ERASE_DELAY`] later on the simulator's
//! clock, and from then on every call with a party of that address is gone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::data::model::SimCall;

/// How long an accepted erasure takes (Gong: "not immediate, may take several hours").
pub const ERASE_DELAY: Duration = Duration::seconds(1);
/// The most calls one erase request may delete; more is refused with a 400.
pub const ERASE_CALL_LIMIT: usize = 50;

/// One accepted erase request: the calls it takes, and when.
#[derive(Debug, Clone)]
struct Erasure {
    calls: Vec<u64>,
    done_at: DateTime<Utc>,
}

/// The calls deleted and the erase requests accepted so far.
#[derive(Debug, Default)]
pub struct Privacy {
    erasures: Mutex<Vec<Erasure>>,
    deleted: Mutex<HashSet<u64>>,
    /// Calls made private after they were served (by id).
    made_private: Mutex<HashSet<String>>,
    /// Whether any call may have left: the paging skips the locks until then.
    any: AtomicBool,
}

impl Privacy {
    /// Accepts an erase request that takes the calls `indices`, done at `now` plus
    /// [`ERASE_DELAY`].
    pub fn accept(&self, indices: Vec<u64>, now: DateTime<Utc>) {
        let mut erasures = self.erasures.lock().unwrap_or_else(|e| e.into_inner());
        erasures.push(Erasure {
            calls: indices,
            done_at: now + ERASE_DELAY,
        });
        self.any.store(true, Ordering::Relaxed);
    }

    /// Deletes calls by index, as a Gong admin would.
    pub fn delete(&self, indices: impl IntoIterator<Item = u64>) {
        let mut deleted = self.deleted.lock().unwrap_or_else(|e| e.into_inner());
        deleted.extend(indices);
        self.any.store(true, Ordering::Relaxed);
    }

    /// Makes calls private, as their owner could in Gong at any time.
    pub fn make_private(&self, ids: impl IntoIterator<Item = String>) {
        let mut private = self.made_private.lock().unwrap_or_else(|e| e.into_inner());
        private.extend(ids);
    }

    /// `call` as Gong has it now: private if it was made private since.
    pub fn as_now(&self, mut call: SimCall) -> SimCall {
        let private = self.made_private.lock().unwrap_or_else(|e| e.into_inner());
        if private.contains(&call.id) {
            call.is_private = true;
        }
        call
    }

    /// The indices of the calls gone at `now`; `None` when none ever left.
    pub fn gone(&self, now: DateTime<Utc>) -> Option<HashSet<u64>> {
        if !self.any.load(Ordering::Relaxed) {
            return None;
        }
        let mut gone = self
            .deleted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let erasures = self.erasures.lock().unwrap_or_else(|e| e.into_inner());
        for erasure in erasures.iter().filter(|e| e.done_at <= now) {
            gone.extend(&erasure.calls);
        }
        Some(gone)
    }
}

/// Whether a party of `call` has the address (any letter case).
pub fn mentions(call: &SimCall, email: &str) -> bool {
    call.parties.iter().any(|p| {
        p.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    })
}
