//! Paging: which call indices a filter selects, pages of 100 over them, and the
//! opaque cursor that carries the position between pages.
//!
//! The cursor looks like Gong's (a JWT-like `header.payload.signature`) and carries
//! the next position, the page number, the total and a fingerprint of the filter, so a
//! client that changes the filter between pages gets a 400 instead of silent mixing.

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::data::hash::hash_bytes;
use crate::data::DataSet;
use crate::error::ApiError;
use crate::wire::calls::CallsFilter;
use crate::wire::Records;

/// Gong's fixed page size.
pub const PAGE_SIZE: usize = 100;

const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

/// Position of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Next position in the plan's sequence.
    #[serde(rename = "n")]
    pub next: u64,
    /// Page number of the next page.
    #[serde(rename = "p")]
    pub page: u64,
    /// Total matches (computed on the first page).
    #[serde(rename = "t")]
    pub total: u64,
    /// Fingerprint of the request's filter.
    #[serde(rename = "f")]
    pub fingerprint: u64,
}

impl Cursor {
    /// The opaque string form, signed with `key`.
    pub fn encode(&self, key: u64) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(hash_bytes(key, payload.as_bytes()).to_be_bytes());
        format!("{HEADER}.{payload}.{sig}")
    }

    /// Parses a cursor made by [`Cursor::encode`] with the same key.
    pub fn decode(text: &str, key: u64) -> Option<Cursor> {
        let mut parts = text.split('.');
        let (h, payload, sig) = (parts.next()?, parts.next()?, parts.next()?);
        let expected = URL_SAFE_NO_PAD.encode(hash_bytes(key, payload.as_bytes()).to_be_bytes());
        if h != HEADER || sig != expected || parts.next().is_some() {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// A filter compiled to index terms. Without `callIds` the sequence is the initial
/// calls `lo..hi`, then the new calls in `new`: new calls only ever join its end,
/// so a cursor taken before one appeared still points at the same call.
#[derive(Debug, Default)]
pub struct Plan {
    /// First initial index in the time window.
    pub lo: u64,
    /// One past the last initial index in the time window.
    pub hi: u64,
    /// New calls in the time window, in the order they appeared.
    pub new: Vec<u64>,
    /// Explicit indices (from `callIds`), sorted, inside the time window.
    pub ids: Option<Vec<u64>>,
    /// Owner filter (`primaryUserIds`).
    pub owners: Option<HashSet<String>>,
    /// Calls gone from Gong (deleted, erased), left out.
    pub gone: Option<HashSet<u64>>,
}

impl Plan {
    fn range_len(&self) -> u64 {
        self.hi.saturating_sub(self.lo)
    }

    fn len(&self) -> u64 {
        self.ids.as_ref().map_or_else(
            || self.range_len() + self.new.len() as u64,
            |v| v.len() as u64,
        )
    }

    fn at(&self, pos: u64) -> u64 {
        match &self.ids {
            Some(v) => v[pos as usize],
            None if pos < self.range_len() => self.lo + pos,
            None => self.new[(pos - self.range_len()) as usize],
        }
    }

    fn matches(&self, ds: &DataSet, index: u64) -> bool {
        self.gone.as_ref().is_none_or(|g| !g.contains(&index))
            && self
                .owners
                .as_ref()
                .is_none_or(|o| ds.owner_id(index).is_some_and(|id| o.contains(id)))
    }

    /// Number of matching calls.
    pub fn total(&self, ds: &DataSet) -> u64 {
        if self.owners.is_none() && self.gone.is_none() {
            return self.len();
        }
        (0..self.len())
            .filter(|p| self.matches(ds, self.at(*p)))
            .count() as u64
    }

    /// Up to `size` matching indices from position `pos`, and the position of the
    /// next match after them, if any.
    pub fn page(&self, ds: &DataSet, mut pos: u64, size: usize) -> (Vec<u64>, Option<u64>) {
        let mut out = Vec::with_capacity(size.min(PAGE_SIZE));
        let len = self.len();
        while pos < len {
            let index = self.at(pos);
            if self.matches(ds, index) {
                if out.len() == size {
                    return (out, Some(pos));
                }
                out.push(index);
            }
            pos += 1;
        }
        (out, None)
    }
}

/// One page of a filter's matches.
#[derive(Debug)]
pub struct Selection {
    /// Call indices on this page.
    pub indices: Vec<u64>,
    /// 0-based page number.
    pub page: u64,
    /// Total matches across pages.
    pub total: u64,
    /// Cursor of the next page, when more remain.
    pub cursor: Option<String>,
}

impl Selection {
    /// The `records` block of this page.
    pub fn records(&self, page_size: usize) -> Records {
        Records {
            total_records: self.total,
            current_page_size: page_size as u64,
            current_page_number: self.page,
            cursor: self.cursor.clone(),
        }
    }
}

/// The page of `filter`'s matches that `cursor` points at (the first without one).
/// Zero matches, including a cursor past the end, is Gong's 404.
pub fn select(
    ds: &DataSet,
    key: u64,
    filter: &CallsFilter,
    cursor: Option<&str>,
    gone: Option<HashSet<u64>>,
) -> Result<Selection, ApiError> {
    let plan = Plan {
        gone,
        ..plan(ds, filter)?
    };
    let fingerprint = hash_bytes(key, &serde_json::to_vec(filter).unwrap_or_default());
    let (pos, page, total) = match cursor.filter(|c| !c.is_empty()) {
        None => (0, 0, plan.total(ds)),
        Some(text) => {
            let c = Cursor::decode(text, key)
                .ok_or_else(|| ApiError::bad_request("The cursor is invalid or has expired"))?;
            if c.fingerprint != fingerprint {
                return Err(ApiError::bad_request(
                    "The cursor does not belong to this filter; repeat the original request with the cursor",
                ));
            }
            (c.next, c.page, c.total)
        }
    };
    let (indices, next) = plan.page(ds, pos, PAGE_SIZE);
    if indices.is_empty() {
        return Err(ApiError::no_calls());
    }
    let cursor = next.map(|next| {
        Cursor {
            next,
            page: page + 1,
            total,
            fingerprint,
        }
        .encode(key)
    });
    Ok(Selection {
        indices,
        page,
        total,
        cursor,
    })
}

fn parse_time(field: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .as_deref()
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| ApiError::bad_request(format!("Invalid {field} '{v}': {e}")))
        })
        .transpose()
}

/// Compiles a filter to index terms: the time window by binary search over start
/// times, call ids by decoding them, owners as a set.
pub fn plan(ds: &DataSet, filter: &CallsFilter) -> Result<Plan, ApiError> {
    let from = parse_time("fromDateTime", &filter.from_date_time)?;
    let to = parse_time("toDateTime", &filter.to_date_time)?;
    let lo = from.map_or(0, |t| ds.first_at_or_after(t));
    let mut hi = to.map_or(ds.initial_count(), |t| ds.first_at_or_after(t));
    let mut new = ds.new_calls_between(from, to);
    if filter
        .workspace_id
        .as_deref()
        .is_some_and(|w| w != ds.workspace_id())
    {
        hi = lo;
        new.clear();
    }
    let hi = hi.max(lo);
    let ids = match &filter.call_ids {
        Some(ids) if ids.is_empty() => {
            return Err(ApiError::bad_request("callIds must not be an empty array"))
        }
        Some(ids) => {
            let mut found: Vec<u64> = ids
                .iter()
                .filter_map(|id| ds.index_of(id))
                .filter(|i| (lo..hi).contains(i) || new.binary_search(i).is_ok())
                .collect();
            found.sort_unstable();
            found.dedup();
            Some(found)
        }
        None => None,
    };
    let owners = filter
        .primary_user_ids
        .as_ref()
        .filter(|o| !o.is_empty())
        .map(|o| o.iter().cloned().collect());
    Ok(Plan {
        lo,
        hi,
        new,
        ids,
        owners,
        gone: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;

    fn ds(calls: u64) -> DataSet {
        DataSet::new(&SimConfig {
            calls,
            ..SimConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn cursors_round_trip_and_reject_tampering() {
        let c = Cursor {
            next: 100,
            page: 1,
            total: 1050,
            fingerprint: 7,
        };
        let text = c.encode(42);
        assert!(text.starts_with("eyJ"));
        assert_eq!(Cursor::decode(&text, 42), Some(c));
        assert_eq!(Cursor::decode(&text, 43), None);
        assert_eq!(Cursor::decode("garbage", 42), None);
        let forged = text.replacen('.', ".x", 1);
        assert_eq!(Cursor::decode(&forged, 42), None);
    }

    #[test]
    fn pages_of_a_range_are_exact_and_the_last_has_no_next() {
        let d = ds(1_050);
        let plan = Plan {
            lo: 0,
            hi: 1_050,
            ..Plan::default()
        };
        assert_eq!(plan.total(&d), 1_050);
        let (first, next) = plan.page(&d, 0, PAGE_SIZE);
        assert_eq!(first, (0..100).collect::<Vec<_>>());
        assert_eq!(next, Some(100));
        let (last, next) = plan.page(&d, 1_000, PAGE_SIZE);
        assert_eq!(last.len(), 50);
        assert_eq!(next, None);
        let (exact, next) = plan.page(&d, 900, PAGE_SIZE);
        assert_eq!((exact.len(), next), (100, Some(1_000)));
    }

    #[test]
    fn an_owner_filter_keeps_only_that_owners_calls() {
        let d = ds(2_000);
        let owner = d.owner_id(5).unwrap().to_string();
        let plan = Plan {
            lo: 0,
            hi: 2_000,
            owners: Some([owner.clone()].into()),
            ..Plan::default()
        };
        let total = plan.total(&d);
        assert!(total > 0 && total < 2_000);
        let (page, _) = plan.page(&d, 0, 10_000);
        assert_eq!(page.len() as u64, total);
        assert!(page.iter().all(|i| d.owner_id(*i) == Some(owner.as_str())));
    }
}
