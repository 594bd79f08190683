//! Erasure of one person by email address (G2): what becomes of the values the
//! Timeline keeps that name them. Plain functions over the domain's types; the store
//! applies them to every table in one transaction.
//!
//! - An attendee or meeting party with the address keeps its place (the meeting
//!   happened, and the attendee count stays true) but loses email and name: it
//!   becomes [`ERASED_ATTENDEE`].
//! - Free text that contains the address (a title, a brief, a log message) has each
//!   occurrence replaced by [`ERASED_TEXT`], whatever its letter case.

use crate::email::Email;
use crate::meeting::Meeting;

/// The name an erased attendee or party is shown with.
pub const ERASED_ATTENDEE: &str = "Erased attendee";
/// What replaces the address in free text.
pub const ERASED_TEXT: &str = "[erased]";

/// `text` with every occurrence of `email` (ASCII letters in any case) replaced,
/// or `None` when it holds none.
pub fn scrub_text(text: &str, email: &Email) -> Option<String> {
    let needle = email.as_str();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i + needle.len() <= text.len() {
        let matches = text.is_char_boundary(i)
            && text.is_char_boundary(i + needle.len())
            && text[i..i + needle.len()].eq_ignore_ascii_case(needle);
        if matches {
            out.push_str(&text[copied..i]);
            out.push_str(ERASED_TEXT);
            i += needle.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Replaces `text` in place when it holds the address; says whether it did.
fn scrub_in_place(text: &mut String, email: &Email) -> bool {
    match scrub_text(text, email) {
        Some(scrubbed) => {
            *text = scrubbed;
            true
        }
        None => false,
    }
}

fn scrub_option(text: &mut Option<String>, email: &Email) -> bool {
    text.as_mut().is_some_and(|t| scrub_in_place(t, email))
}

/// Whether `candidate` (an email or a name Gong sent) is the address.
pub fn is_address(candidate: Option<&str>, email: &Email) -> bool {
    candidate.is_some_and(|c| c.trim().eq_ignore_ascii_case(email.as_str()))
}

/// Erases the person from a meeting's parties and free text; says whether anything
/// changed.
pub fn erase_from_meeting(meeting: &mut Meeting, email: &Email) -> bool {
    let mut changed = false;
    for party in &mut meeting.parties {
        if is_address(party.email.as_deref(), email) || is_address(party.name.as_deref(), email) {
            party.email = None;
            party.name = Some(ERASED_ATTENDEE.to_string());
            changed = true;
        }
    }
    changed |= scrub_option(&mut meeting.title, email);
    changed |= scrub_option(&mut meeting.brief, email);
    for point in &mut meeting.key_points {
        changed |= scrub_in_place(point, email);
    }
    let d = &mut meeting.details;
    let texts = d
        .highlights
        .iter_mut()
        .flat_map(|h| std::iter::once(&mut h.title).chain(h.items.iter_mut()))
        .chain(d.action_items.iter_mut())
        .chain(
            d.outline
                .iter_mut()
                .flat_map(|s| std::iter::once(&mut s.section).chain(s.items.iter_mut())),
        );
    for text in texts {
        changed |= scrub_in_place(text, email);
    }
    changed
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::meeting::{Affiliation, Party};

    fn email() -> Email {
        Email::parse("jane.doe_1@client.com").unwrap()
    }

    #[test]
    fn every_occurrence_is_replaced_in_any_letter_case() {
        let text = "Call with Jane.Doe_1@Client.com (jane.doe_1@client.com)";
        assert_eq!(
            scrub_text(text, &email()).as_deref(),
            Some("Call with [erased] ([erased])")
        );
    }

    #[test]
    fn the_calls_content_is_scrubbed_too() {
        let mut m = crate::testing::meeting();
        m.details.highlights = vec![crate::meeting::Highlight {
            title: "Next steps".into(),
            items: vec!["Send the deck to jane.doe_1@client.com".into()],
        }];
        m.details.action_items = vec!["Email Jane.Doe_1@client.com".into()];
        assert!(erase_from_meeting(&mut m, &email()));
        assert_eq!(m.details.next_steps(), ["Send the deck to [erased]"]);
        assert_eq!(m.details.action_items, ["Email [erased]"]);
    }

    #[test]
    fn text_without_the_address_is_left_alone() {
        assert_eq!(scrub_text("jane.doe_1@client.co", &email()), None);
        assert_eq!(scrub_text("", &email()), None);
        assert_eq!(scrub_text("é", &email()), None);
    }

    #[test]
    fn non_ascii_text_around_the_address_survives() {
        let text = "Réunion — jane.doe_1@client.com — ok";
        assert_eq!(
            scrub_text(text, &email()).as_deref(),
            Some("Réunion — [erased] — ok")
        );
    }

    fn party(email: Option<&str>, name: Option<&str>) -> Party {
        Party {
            email: email.map(str::to_string),
            name: name.map(str::to_string),
            affiliation: Affiliation::External,
            gong_user_id: None,
        }
    }

    #[test]
    fn a_meeting_keeps_its_parties_but_not_the_persons_email_or_name() {
        let mut meeting = Meeting {
            gong_call_id: "1".into(),
            title: Some("Renewal, jane.doe_1@client.com".into()),
            started: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            duration_seconds: None,
            url: None,
            is_private: false,
            owner_gong_user_id: None,
            parties: vec![
                party(Some("JANE.DOE_1@client.com"), Some("Jane Doe")),
                party(None, Some("jane.doe_1@client.com")),
                party(Some("bob@client.com"), Some("Bob")),
            ],
            crm_objects: vec![],
            trackers: None,
            brief: Some("Jane asked.".into()),
            key_points: vec!["Mail jane.doe_1@client.com the quote".into()],
            details: Default::default(),
            speakers: Vec::new(),
        };
        assert!(erase_from_meeting(&mut meeting, &email()));
        assert_eq!(meeting.parties.len(), 3);
        assert_eq!(meeting.parties[0], party(None, Some(ERASED_ATTENDEE)));
        assert_eq!(meeting.parties[1], party(None, Some(ERASED_ATTENDEE)));
        assert_eq!(meeting.parties[2].name.as_deref(), Some("Bob"));
        assert_eq!(meeting.title.as_deref(), Some("Renewal, [erased]"));
        assert_eq!(meeting.key_points[0], "Mail [erased] the quote");
        assert!(!erase_from_meeting(&mut meeting, &email()), "idempotent");
    }
}
