//! Per-call memory of a job that stays small at any job size. A job remembers every
//! call of a window (G1 compares them with the stored ones), every call it evaluated
//! (L1) and the retry list with each entry's last message (L1): at 1,000,000 calls,
//! maps keyed by `String` ids (and holding the messages' text) were most of the
//! sync's memory. Gong's call ids are decimal numbers below 2^64, kept here as a
//! `u64`; any other id is kept as text, so the keys are exact whatever Gong sends.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gong_timeline_domain::fingerprint::Fingerprint;
use gong_timeline_store::{GongCallId, RetryItem};

/// A value per Gong call id.
#[derive(Debug)]
pub struct CallIdMap<V> {
    numbers: HashMap<u64, V>,
    others: HashMap<String, V>,
}

impl<V> Default for CallIdMap<V> {
    fn default() -> Self {
        CallIdMap {
            numbers: HashMap::new(),
            others: HashMap::new(),
        }
    }
}

impl<V> CallIdMap<V> {
    /// Sets the id's value.
    pub fn insert(&mut self, id: &str, value: V) {
        match as_number(id) {
            Some(number) => self.numbers.insert(number, value),
            None => self.others.insert(id.to_owned(), value),
        };
    }

    /// The id's value.
    pub fn get(&self, id: &str) -> Option<&V> {
        match as_number(id) {
            Some(number) => self.numbers.get(&number),
            None => self.others.get(id),
        }
    }

    /// Forgets the id.
    pub fn remove(&mut self, id: &str) {
        match as_number(id) {
            Some(number) => self.numbers.remove(&number),
            None => self.others.remove(id),
        };
    }

    /// How many ids the map holds.
    pub fn len(&self) -> usize {
        self.numbers.len() + self.others.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Gong call ids, each once.
#[derive(Debug, Default)]
pub struct CallIdSet(CallIdMap<()>);

impl CallIdSet {
    /// Adds an id.
    pub fn insert(&mut self, id: &str) {
        self.0.insert(id, ());
    }

    /// Whether the id is in the set.
    pub fn contains(&self, id: &str) -> bool {
        self.0.get(id).is_some()
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> Extend<&'a str> for CallIdSet {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
}

/// The retry list as a job compares against it (L1): per call, its last failure's
/// message as a fingerprint: a repeat of the same failure is recognised without
/// keeping every message's text.
#[derive(Debug, Default)]
pub struct RetryMessages(CallIdMap<u64>);

impl RetryMessages {
    /// Whether the call is on the list.
    pub fn contains(&self, id: &str) -> bool {
        self.0.get(id).is_some()
    }

    /// Whether the call is on the list failing with this message.
    pub fn same_failure(&self, id: &str, message: &str) -> bool {
        self.0.get(id) == Some(&fingerprint(message))
    }

    /// Puts the call on the list with its latest message.
    pub fn set(&mut self, id: &str, message: &str) {
        self.0.insert(id, fingerprint(message));
    }

    /// Takes the call off the list.
    pub fn remove(&mut self, id: &str) {
        self.0.remove(id);
    }
}

/// A list of (call id, message) pairs, as tests write one.
#[cfg(test)]
impl<'a> FromIterator<(&'a str, &'a str)> for RetryMessages {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(entries: I) -> Self {
        let mut list = RetryMessages::default();
        for (id, message) in entries {
            list.set(id, message);
        }
        list
    }
}

/// The retry list as a job reads it at its start, page by page: each call's last
/// message as a fingerprint (L1), and the calls in the order the retry pass asks
/// for them, oldest failure first. The entries themselves (a message each, 150–300
/// bytes with the database's row) are never all in memory at once.
#[derive(Debug, Default)]
pub struct RetryList {
    order: Vec<(DateTime<Utc>, GongCallId)>,
    messages: RetryMessages,
}

impl RetryList {
    /// Adds a page of entries.
    pub fn add(&mut self, page: Vec<RetryItem>) {
        for item in page {
            self.messages
                .set(item.gong_call_id.as_str(), &item.last_message);
            self.order.push((item.first_failed_at, item.gong_call_id));
        }
    }

    /// The calls oldest failure first (ties by call id), and the messages.
    pub fn into_parts(mut self) -> (Vec<GongCallId>, RetryMessages) {
        self.order.sort_unstable();
        let ids = self.order.into_iter().map(|(_, id)| id).collect();
        (ids, self.messages)
    }
}

fn fingerprint(message: &str) -> u64 {
    Fingerprint::new().bytes(message.as_bytes()).finish()
}

/// The id as a number, when the number's decimal form is exactly the id: "0042" or
/// "+42" stay text, so two different ids never meet as one number.
fn as_number(id: &str) -> Option<u64> {
    let canonical = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id.len() == 1 || !id.starts_with('0'));
    if !canonical {
        return None;
    }
    id.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l1_numeric_and_other_ids_are_kept_exactly() {
        let mut set = CallIdSet::default();
        set.extend(["7782342274025937895", "42", "0", "abc-1", "0042"]);
        for id in ["7782342274025937895", "42", "0", "abc-1", "0042"] {
            assert!(set.contains(id), "{id}");
        }
        for id in ["042", "+42", "43", "", "abc", "7782342274025937896"] {
            assert!(!set.contains(id), "{id}");
        }
        assert_eq!(set.len(), 5);
        set.insert("42");
        assert_eq!(set.len(), 5, "each id once");
    }

    #[test]
    fn l1_ids_beyond_u64_are_kept_as_text() {
        let mut set = CallIdSet::default();
        let huge = "99999999999999999999999";
        set.insert(huge);
        assert!(set.contains(huge));
        assert!(!set.contains("9999999999999999999"));
        assert!(!set.is_empty());
    }

    #[test]
    fn l1_the_retry_list_tells_a_repeat_from_a_new_failure() {
        let mut list: RetryMessages = [("42", "no company"), ("x-1", "bad")].into_iter().collect();
        assert!(list.same_failure("42", "no company"));
        assert!(!list.same_failure("42", "no owner"));
        assert!(list.contains("x-1") && !list.contains("43"));
        list.set("42", "no owner");
        assert!(list.same_failure("42", "no owner"));
        list.remove("42");
        assert!(!list.contains("42"));
    }

    #[test]
    fn l1_the_retry_list_read_in_pages_is_retried_oldest_failure_first() {
        let at = |minute| DateTime::UNIX_EPOCH + chrono::Duration::minutes(minute);
        let item = |id: &str, minute, message: &str| RetryItem {
            connection_id: gong_timeline_store::ConnectionId::new(1),
            gong_call_id: id.into(),
            first_failed_at: at(minute),
            last_failed_at: at(minute + 1),
            attempts: 1,
            last_message: message.into(),
        };
        let mut list = RetryList::default();
        // Pages come in call id order; the retry pass wants the oldest failure first.
        list.add(vec![item("1", 20, "a"), item("2", 10, "b")]);
        list.add(vec![item("3", 10, "c"), item("x", 5, "d")]);
        let (ids, messages) = list.into_parts();
        let ids: Vec<&str> = ids.iter().map(GongCallId::as_str).collect();
        assert_eq!(ids, ["x", "2", "3", "1"]);
        assert!(messages.same_failure("1", "a"));
        assert!(messages.same_failure("x", "d"));
        assert!(!messages.same_failure("2", "a"));
    }
}
