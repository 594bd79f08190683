//! CRM account ids, compared the way the CRM means them (R1).
//!
//! Salesforce gives every record a 15-character, case-sensitive id and an 18-character
//! form of the same id: the 15 characters plus a 3-character suffix that encodes which
//! of them are upper-case, so that the 18-character form survives case-insensitive
//! tools. Gong may carry either form in a call's context and the Timeline's companies
//! may hold either form, so both sides are normalised to the canonical 18-character form
//! before they are compared:
//!
//! - A **15-character** ASCII-alphanumeric id gets the checksum suffix appended. Its 15
//!   characters are kept as written: 15-character ids are case-sensitive, so
//!   `001A0000006Vm9r` and `001a0000006vm9r` are two different records.
//! - An **18-character** ASCII-alphanumeric id whose suffix decodes (each suffix
//!   character one of `A`–`Z`, `0`–`5`, in any case, and never marking a digit as
//!   upper-case) has the case of its first 15 characters restored from the suffix and the
//!   suffix upper-cased. Original-case 18-character ids therefore compare by their first 15
//!   characters, case-sensitively; an 18-character id that some tool upper- or lower-cased
//!   still finds its record, which is what the suffix exists for.
//! - Anything else (HubSpot numbers, Dynamics GUIDs, malformed ids) is an opaque id,
//!   trimmed and compared exactly.
//!
//! The rule is applied whatever the CRM, because a company record does not say which CRM
//! its id came from; another CRM's 18-character id would have to end in the exact
//! checksum of its first 15 characters to be mistaken for a Salesforce one.

use serde::{Deserialize, Serialize};

/// The 32 characters a suffix character is drawn from; its index is the 5-bit case mask.
const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// A CRM account id in canonical form (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CrmAccountId(String);

impl CrmAccountId {
    /// Canonicalises an id; `None` when it is blank.
    pub fn parse(raw: &str) -> Option<CrmAccountId> {
        let id = raw.trim();
        if id.is_empty() {
            return None;
        }
        let canonical = match id.len() {
            15 if is_alphanumeric(id) => format!("{id}{}", salesforce_suffix(id)),
            18 if is_alphanumeric(id) => restore_case(id).unwrap_or_else(|| id.to_string()),
            _ => id.to_string(),
        };
        Some(CrmAccountId(canonical))
    }

    /// The canonical id: 18 characters for a Salesforce id, else the trimmed id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CrmAccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_alphanumeric(id: &str) -> bool {
    id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The 3-character suffix Salesforce appends to a 15-character id: for each block of
/// five characters, bit `i` is set when character `i` is an upper-case letter, and the
/// 5-bit value picks a character of `ABCDEFGHIJKLMNOPQRSTUVWXYZ012345`.
pub fn salesforce_suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .take(3)
        .map(|block| {
            let mask = block
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |mask, (i, _)| mask | 1 << i);
            char::from(SUFFIX_ALPHABET[mask])
        })
        .collect()
}

/// Restores the case of an 18-character id's first 15 characters from its suffix;
/// `None` when the suffix does not decode.
fn restore_case(id18: &str) -> Option<String> {
    let (body, suffix) = id18.split_at(15);
    let mut out = String::with_capacity(18);
    for (block, code) in body.as_bytes().chunks(5).zip(suffix.bytes()) {
        let code = code.to_ascii_uppercase();
        let mask = SUFFIX_ALPHABET.iter().position(|&c| c == code)?;
        for (i, &b) in block.iter().enumerate() {
            let upper = mask & (1 << i) != 0;
            match (upper, b.is_ascii_alphabetic()) {
                (true, false) => return None,
                (true, true) => out.push(char::from(b.to_ascii_uppercase())),
                (false, _) => out.push(char::from(b.to_ascii_lowercase())),
            }
        }
    }
    out.push_str(&suffix.to_ascii_uppercase());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> String {
        CrmAccountId::parse(raw).unwrap().to_string()
    }

    #[test]
    fn r1_salesforce_suffix_matches_the_published_algorithm() {
        assert_eq!(salesforce_suffix("001A0000006Vm9r"), "IAC");
        assert_eq!(salesforce_suffix("00000000000000a"), "AAA");
        assert_eq!(salesforce_suffix("ABCDEABCDEABCDE"), "555");
        assert_eq!(salesforce_suffix("0015000000Gv7qJ"), "AAR");
    }

    #[test]
    fn r1_fifteen_and_eighteen_character_forms_are_one_id() {
        assert_eq!(id("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        assert_eq!(id("001A0000006Vm9rIAC"), "001A0000006Vm9rIAC");
        assert_eq!(id(" 001A0000006Vm9rIAC "), id("001A0000006Vm9r"));
    }

    #[test]
    fn r1_fifteen_character_ids_are_case_sensitive() {
        assert_ne!(id("001A0000006Vm9r"), id("001a0000006vm9r"));
        assert_ne!(id("001A0000006Vm9r"), id("001A0000006Vm9R"));
    }

    #[test]
    fn r1_eighteen_character_ids_survive_case_folding() {
        assert_eq!(id("001A0000006VM9RIAC"), "001A0000006Vm9rIAC");
        assert_eq!(id("001a0000006vm9riac"), "001A0000006Vm9rIAC");
    }

    #[test]
    fn r1_other_ids_are_opaque() {
        assert_eq!(id(" 12345 "), "12345");
        // A suffix marking a digit upper-case is not a Salesforce suffix.
        assert_eq!(id("00000000000000aBAA"), "00000000000000aBAA");
        // '9' is not a suffix character.
        assert_eq!(id("001A0000006Vm9r9AC"), "001A0000006Vm9r9AC");
        assert_eq!(CrmAccountId::parse("  "), None);
    }
}
