//! A set of Gong call ids that stays small at any job size. A job remembers every
//! call of a window (G1 compares them with the stored ones) and every call it
//! evaluated (L1): at 1,000,000 calls, sets of `String`s were about 60 bytes an id,
//! the largest part of the full sync's memory. Gong's call ids are decimal numbers
//! below 2^64, kept here as a `u64` (about 16 bytes an id); any other id is kept as
//! text, so the set is exact whatever Gong sends.

use std::collections::HashSet;

/// Gong call ids, each once.
#[derive(Debug, Default)]
pub struct CallIdSet {
    numbers: HashSet<u64>,
    others: HashSet<String>,
}

impl CallIdSet {
    /// Adds an id.
    pub fn insert(&mut self, id: &str) {
        match as_number(id) {
            Some(number) => self.numbers.insert(number),
            None => self.others.insert(id.to_owned()),
        };
    }

    /// Whether the id is in the set.
    pub fn contains(&self, id: &str) -> bool {
        match as_number(id) {
            Some(number) => self.numbers.contains(&number),
            None => self.others.contains(id),
        }
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.numbers.len() + self.others.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> Extend<&'a str> for CallIdSet {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
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
}
