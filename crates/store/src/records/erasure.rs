//! Erasure of one person by email (G2): the request, the receipt it leaves and the
//! change to a stored activity's attendees; and what a retention batch removed (G3). The receipt never holds the address,
//! only its SHA-256, so that "was this address erased?" can be answered later
//! without keeping what was erased.

use super::ErasureId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::erasure::{is_address, ERASED_ATTENDEE};
use gong_timeline_domain::Email;
use serde::Serialize;
use sha2::{Digest, Sha256};

use std::collections::HashSet;

use gong_timeline_domain::erasure::{erase_from_meeting, scrub_text};

use super::{EncodedMeeting, ExternalAttendee, InternalAttendee, PageCommit};
use crate::StoreError;

/// Who asks to erase which address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    /// The address, canonical.
    pub email: Email,
    /// Who asked: an admin's username, or `cli`.
    pub requested_by: String,
    /// Count what would go, change nothing, keep no receipt.
    pub dry_run: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// What an erasure changed, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErasureCounts {
    /// Company persons deleted.
    pub persons: u64,
    /// Activities whose attendees, subject or notes named the person.
    pub activities: u64,
    /// Stored meetings whose parties or text named the person.
    pub stored_meetings: u64,
    /// Execution-log records whose title or message held the address.
    pub log_records: u64,
    /// Jobs whose message held the address.
    pub jobs: u64,
    /// Retry-list entries whose last message held the address.
    pub retry_list: u64,
    /// Gong-user mappings of a Gong user with the address, deleted.
    pub user_mappings: u64,
    /// Timeline users with the address, anonymised.
    pub users: u64,
    /// Transcripts of the activities the person attended, deleted: what they said
    /// and their name as a speaker (S9). Receipts from before transcripts read 0.
    #[serde(default)]
    pub transcripts: u64,
}

impl ErasureCounts {
    /// Each table and its count, in the order a receipt lists them.
    pub fn rows(&self) -> [(&'static str, u64); 9] {
        [
            ("persons", self.persons),
            ("activities", self.activities),
            ("stored_meetings", self.stored_meetings),
            ("log_records", self.log_records),
            ("jobs", self.jobs),
            ("retry_list", self.retry_list),
            ("user_mappings", self.user_mappings),
            ("users", self.users),
            ("transcripts", self.transcripts),
        ]
    }

    /// Rows changed in all tables.
    pub fn total(&self) -> u64 {
        self.rows().iter().map(|(_, n)| n).sum()
    }
}

/// What an erasure leaves behind: when, who asked, which address (hashed), and the
/// counts. A dry run's receipt has no id: it was not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReceipt {
    /// The receipt's id; `None` for a dry run.
    pub id: Option<ErasureId>,
    /// When the erasure ran.
    pub at: DateTime<Utc>,
    /// Who asked.
    pub requested_by: String,
    /// SHA-256 of the canonical address, lowercase hex.
    pub email_sha256: String,
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// Rows changed per table (or that would be, for a dry run).
    pub counts: ErasureCounts,
}

/// What one retention batch removed (G3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    /// Activities deleted.
    pub activities: u64,
    /// Stored meetings deleted.
    pub stored_meetings: u64,
}

impl PurgeCounts {
    /// Whether the batch found nothing more to remove.
    pub fn is_empty(&self) -> bool {
        self.activities == 0 && self.stored_meetings == 0
    }
}

/// SHA-256 of the canonical address, lowercase hex: how receipts name an address.
pub fn email_sha256(email: &Email) -> String {
    Sha256::digest(email.as_str().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Erases the person from a stored activity's attendees: the attendee stays, as
/// "Erased attendee", without email or person. Says whether anything changed.
pub fn erase_from_attendees(
    internal: &mut [InternalAttendee],
    external: &mut [ExternalAttendee],
    email: &Email,
) -> bool {
    let mut changed = false;
    for attendee in internal {
        if is_address(attendee.email.as_deref(), email)
            || is_address(attendee.name.as_deref(), email)
        {
            attendee.email = None;
            attendee.name = Some(ERASED_ATTENDEE.to_string());
            changed = true;
        }
    }
    for attendee in external {
        if is_address(attendee.email.as_deref(), email)
            || is_address(attendee.name.as_deref(), email)
        {
            attendee.email = None;
            attendee.name = Some(ERASED_ATTENDEE.to_string());
            attendee.person_id = None;
            changed = true;
        }
    }
    changed
}

/// The addresses in a page (attendees, meeting parties) whose SHA-256 is among
/// `erased`: people erased before, whom a later sync would bring back.
///
/// The page's meetings are decoded for their parties: only done when some address
/// was erased before (`erased` is not empty).
pub fn erased_addresses_in(
    page: &PageCommit,
    erased: &HashSet<String>,
) -> Result<Vec<Email>, StoreError> {
    let meetings = page
        .meetings
        .iter()
        .map(EncodedMeeting::meeting)
        .collect::<Result<Vec<_>, _>>()?;
    let attendees = page.upserts.iter().flat_map(|a| {
        let internal = a.internal_attendees.iter().map(|i| i.email.as_deref());
        internal.chain(a.external_attendees.iter().map(|e| e.email.as_deref()))
    });
    let parties = meetings
        .iter()
        .flat_map(|m| m.parties.iter().map(|p| p.email.as_deref()));
    let mut found: Vec<Email> = attendees
        .chain(parties)
        .flatten()
        .filter_map(|raw| Email::parse(raw).ok())
        .filter(|email| erased.contains(&email_sha256(email)))
        .collect();
    found.sort();
    found.dedup();
    Ok(found)
}

/// Erases `emails` from a page before it is written: its activities' attendees and
/// text, its meetings, and its log records' titles and messages. Fingerprints and
/// content hashes stay the engine's, so the unchanged call is not rewritten later.
pub fn erase_from_page(page: &mut PageCommit, emails: &[Email]) -> Result<(), StoreError> {
    for stored in &mut page.meetings {
        let mut meeting = stored.meeting()?;
        for email in emails {
            erase_from_meeting(&mut meeting, email);
        }
        stored.set_meeting(&meeting);
    }
    for email in emails {
        for activity in &mut page.upserts {
            erase_from_attendees(
                &mut activity.internal_attendees,
                &mut activity.external_attendees,
                email,
            );
            if let Some(subject) = scrub_text(&activity.subject, email) {
                activity.subject = subject;
            }
            if let Some(notes) = activity.notes.as_deref().and_then(|n| scrub_text(n, email)) {
                activity.notes = Some(notes);
            }
        }
        for record in &mut page.records {
            for text in [&mut record.title, &mut record.message]
                .into_iter()
                .flatten()
            {
                if let Some(scrubbed) = scrub_text(text, email) {
                    *text = scrubbed;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_domain::{PersonId, UserId};

    fn email() -> Email {
        Email::parse("Jane@Client.com").unwrap()
    }

    #[test]
    fn the_hash_is_of_the_canonical_address() {
        assert_eq!(
            email_sha256(&email()),
            email_sha256(&Email::parse(" jane@client.com").unwrap())
        );
        // printf 'jane@client.com' | sha256sum
        assert_eq!(
            email_sha256(&email()),
            "4ebf1194e0634feb3f6861a2d4062c6fcc5976e10b8bfde8e54d82cf4b2adab2"
        );
        assert_ne!(
            email_sha256(&email()),
            email_sha256(&Email::parse("jane@client.co").unwrap())
        );
    }

    #[test]
    fn attendees_become_erased_attendees_and_lose_their_person() {
        let mut internal = vec![InternalAttendee {
            email: Some("jane@client.com".into()),
            name: Some("Jane".into()),
            user_id: Some(UserId::new(3)),
        }];
        let mut external = vec![
            ExternalAttendee {
                email: None,
                name: Some("JANE@client.com".into()),
                person_id: Some(PersonId::new(4)),
            },
            ExternalAttendee {
                email: Some("bob@client.com".into()),
                name: Some("Bob".into()),
                person_id: Some(PersonId::new(5)),
            },
        ];
        assert!(erase_from_attendees(&mut internal, &mut external, &email()));
        assert_eq!(internal[0].name.as_deref(), Some(ERASED_ATTENDEE));
        assert_eq!(internal[0].email, None);
        assert_eq!(external[0].person_id, None);
        assert_eq!(external[1].person_id, Some(PersonId::new(5)));
        assert!(!erase_from_attendees(
            &mut internal,
            &mut external,
            &email()
        ));
    }

    #[test]
    fn a_receipt_counts_every_table() {
        let counts = ErasureCounts {
            persons: 1,
            activities: 2,
            users: 3,
            ..Default::default()
        };
        assert_eq!(counts.total(), 6);
        assert_eq!(counts.rows().len(), 9);
    }
}
