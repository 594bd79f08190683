//! Gong's data-privacy erasure, as the simulator plays it: an erase request for an
//! address is accepted (or refused when it would delete too many calls, like Gong's
//! data-integrity protection), completes [`ERASE_DELAY`] later on the simulator's
//! clock, and from then on every call with a party of that address is gone from
//! every call endpoint.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::data::model::SimCall;

/// How long an accepted erasure takes (Gong: "not immediate, may take several hours").
pub const ERASE_DELAY: Duration = Duration::seconds(1);
/// The most calls one erase request may delete; more is refused with a 400.
pub const ERASE_CALL_LIMIT: usize = 50;

/// One accepted erase request.
#[derive(Debug, Clone)]
struct Erasure {
    /// Lowercase address.
    email: String,
    /// When the calls are gone.
    done_at: DateTime<Utc>,
}

/// The erase requests accepted so far.
#[derive(Debug, Default)]
pub struct Privacy {
    erasures: Mutex<Vec<Erasure>>,
    /// Whether any request was accepted: call listings skip the lock until then.
    any: AtomicBool,
}

impl Privacy {
    /// Accepts an erase request for `email` at `now`.
    pub fn accept(&self, email: &str, now: DateTime<Utc>) {
        let mut erasures = self.erasures.lock().unwrap_or_else(|e| e.into_inner());
        erasures.push(Erasure {
            email: email.trim().to_lowercase(),
            done_at: now + ERASE_DELAY,
        });
        self.any.store(true, Ordering::Relaxed);
    }

    /// Whether `call` was erased by a completed request at `now`.
    pub fn erased(&self, call: &SimCall, now: DateTime<Utc>) -> bool {
        if !self.any.load(Ordering::Relaxed) {
            return false;
        }
        let erasures = self.erasures.lock().unwrap_or_else(|e| e.into_inner());
        erasures
            .iter()
            .any(|e| e.done_at <= now && mentions(call, &e.email))
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
