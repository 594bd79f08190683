//! "Not on the Timeline": a connection's stored meetings that have no activity,
//! grouped by why, with counts, a few examples and the fix for each reason — the
//! view an admin needs after a green Success that hid still-failing meetings.
//!
//! Evaluated locally with the stages a sync runs ([`crate::stages::handle_meeting`])
//! over the stored meetings of the backfill window not on the Timeline, under the
//! current settings, companies, users and mappings (M2): no Gong request, nothing
//! written. [`group`] is the pure part.

use gong_timeline_store::GongCallId;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gong_timeline_domain::Message;
use gong_timeline_store::{Connection, MeetingQuery, MeetingSet, Store, StoredMeeting};
use serde::Serialize;

use crate::context::SyncContext;
use crate::evaluate::load_context;
use crate::settings::validate_in;
use crate::stages::{handle_meeting, Outcome};
use crate::windows::backfill_start;
use crate::SyncError;

/// Examples kept per reason.
pub const EXAMPLES: usize = 5;
/// Stored meetings read per round trip.
const PAGE: u32 = 1_000;

/// Why a stored meeting is not on the Timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its CRM account or attendees match no company (R3).
    UnknownCompany,
    /// It has neither CRM context nor external attendees (R3).
    NoCompanyInformation,
    /// Its owner's email matches several users (U3, U7).
    OwnerInConflict,
    /// Its owner is only an inactive user (U4).
    InactiveOrganiser,
    /// Its owner is not a Timeline user yet (U6).
    AuthorNotPresent,
    /// Another failure.
    OtherFailure,
    /// The connection's filters skip it (T3).
    FilteredOut,
    /// Private in Gong: never synced (S2).
    Private,
    /// It passes now: the next sync, or a re-evaluation, puts it on the Timeline.
    PassesNow,
}

impl Reason {
    /// Every reason, in the order groups of equal size are listed.
    pub const ALL: [Reason; 9] = [
        Reason::UnknownCompany,
        Reason::NoCompanyInformation,
        Reason::OwnerInConflict,
        Reason::InactiveOrganiser,
        Reason::AuthorNotPresent,
        Reason::OtherFailure,
        Reason::FilteredOut,
        Reason::Private,
        Reason::PassesNow,
    ];

    /// The name the JSON uses (`unknown_company`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnknownCompany => "unknown_company",
            Reason::NoCompanyInformation => "no_company_information",
            Reason::OwnerInConflict => "owner_in_conflict",
            Reason::InactiveOrganiser => "inactive_organiser",
            Reason::AuthorNotPresent => "author_not_present",
            Reason::OtherFailure => "other_failure",
            Reason::FilteredOut => "filtered_out",
            Reason::Private => "private",
            Reason::PassesNow => "passes_now",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::UnknownCompany => "No company matches the call's CRM account or attendees",
            Reason::NoCompanyInformation => "No CRM account and no external attendees",
            Reason::OwnerInConflict => "The owner's email matches several users",
            Reason::InactiveOrganiser => "The owner is an inactive user",
            Reason::AuthorNotPresent => "The owner is not a Timeline user yet",
            Reason::OtherFailure => "Failed for another reason",
            Reason::FilteredOut => "Skipped by the connection's filters",
            Reason::Private => "Private in Gong",
            Reason::PassesNow => "Passes now, not yet written",
        }
    }

    /// What the admin does about it.
    pub fn fix(self) -> &'static str {
        match self {
            Reason::UnknownCompany => "Import the companies (with their CRM account ids) or the persons (attendees' emails) these calls name, then re-evaluate.",
            Reason::NoCompanyInformation => "Nothing to match on: add the account in Gong's CRM integration or an external attendee; these calls stay off the Timeline otherwise.",
            Reason::OwnerInConflict => "Resolve the owner's conflict in User management (or `users resolve`); the calls are retried at the next sync.",
            Reason::InactiveOrganiser => "Reactivate the user (import users with status active) or map the Gong user to an active one, then re-evaluate.",
            Reason::AuthorNotPresent => "The next sync creates an Internal Collaborator user for the owner and retries; or import the user.",
            Reason::OtherFailure => "See the message of each call in the execution log.",
            Reason::FilteredOut => "Intended when the filters are right; otherwise edit the filters (Integration settings) and save: the stored calls are re-evaluated.",
            Reason::Private => "Never synced while the call is private in Gong (S2).",
            Reason::PassesNow => "Re-evaluate now (no Gong request) or wait for the next sync.",
        }
    }

    fn of(outcome: &Outcome) -> Reason {
        match outcome {
            Outcome::Write(..) => Reason::PassesNow,
            Outcome::Skip(Message::SkippedPrivate) => Reason::Private,
            Outcome::Skip(_) => Reason::FilteredOut,
            Outcome::UnknownOwner(_) => Reason::AuthorNotPresent,
            Outcome::Fail { message, .. } => match message {
                Message::CompanyNotFound => Reason::UnknownCompany,
                Message::CompanyInfoNotPresent => Reason::NoCompanyInformation,
                Message::OwnerInConflict(_) => Reason::OwnerInConflict,
                Message::OrganiserInactive(_) => Reason::InactiveOrganiser,
                Message::AuthorNotPresent(_) => Reason::AuthorNotPresent,
                _ => Reason::OtherFailure,
            },
        }
    }
}

/// One call of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// The call's title.
    pub title: Option<String>,
    /// Its start.
    pub started: DateTime<Utc>,
    /// The message a sync would log for it now.
    pub message: Option<String>,
}

/// The stored meetings of one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Why.
    pub reason: Reason,
    /// Why, for people.
    pub label: &'static str,
    /// How many.
    pub count: u64,
    /// What to do.
    pub fix: &'static str,
    /// The newest few.
    pub examples: Vec<Example>,
}

/// A connection's stored meetings not on the Timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// The connection's name.
    pub connection: String,
    /// Stored meetings of the backfill window without an activity.
    pub not_on_timeline: u64,
    /// By reason, the largest group first.
    pub groups: Vec<Group>,
}

/// Groups evaluated meetings by reason: the largest group first, the newest examples.
pub fn group<'a>(evaluated: impl IntoIterator<Item = (&'a StoredMeeting, Outcome)>) -> Vec<Group> {
    let mut groups: BTreeMap<Reason, Group> = BTreeMap::new();
    for (stored, outcome) in evaluated {
        let reason = Reason::of(&outcome);
        let group = groups.entry(reason).or_insert_with(|| Group {
            reason,
            label: reason.label(),
            count: 0,
            fix: reason.fix(),
            examples: Vec::new(),
        });
        group.count += 1;
        let m = &stored.meeting;
        group.examples.push(Example {
            gong_call_id: m.gong_call_id.clone(),
            title: m.title.clone(),
            started: m.started,
            message: message_of(&outcome),
        });
        // Stored meetings come oldest first: keep the newest few.
        if group.examples.len() > EXAMPLES {
            group.examples.remove(0);
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    for g in &mut groups {
        g.examples.reverse();
    }
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    groups
}

fn message_of(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Skip(m) | Outcome::Fail { message: m, .. } => Some(m.to_string()),
        Outcome::UnknownOwner(p) => Some(Message::AuthorNotPresent(p.clone()).to_string()),
        Outcome::Write(_, note) => note.as_ref().map(Message::to_string),
    }
}

/// The stored meetings of `connection`'s backfill window not on the Timeline, by why.
pub async fn pending(
    store: &dyn Store,
    connection: &Connection,
    now: DateTime<Utc>,
) -> Result<Pending, SyncError> {
    let settings = store.get_settings(connection.id).await?;
    let since = backfill_start(now, settings.backfill_days);
    let valid = validate_in(store, settings).await??;
    let ctx = load_context(store, connection.id, valid).await?;
    let mut groups = Vec::new();
    let mut after = None;
    loop {
        let query = MeetingQuery {
            since,
            until: None,
            which: MeetingSet::NotOnTimeline,
            after: after.clone(),
            limit: PAGE,
        };
        let page = store.list_stored_meetings(connection.id, query).await?;
        groups = merge(groups, evaluate(&page, &ctx));
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = Some(last.key()),
            _ => break,
        }
    }
    Ok(Pending {
        connection: connection.name.clone(),
        not_on_timeline: groups.iter().map(|g| g.count).sum(),
        groups,
    })
}

fn evaluate<'a>(
    page: &'a [StoredMeeting],
    ctx: &'a SyncContext,
) -> impl Iterator<Item = (&'a StoredMeeting, Outcome)> + 'a {
    page.iter()
        .map(|stored| (stored, handle_meeting(&stored.meeting, ctx)))
}

/// Adds a page's groups to the groups so far (pages come oldest first).
fn merge<'a>(
    mut so_far: Vec<Group>,
    page: impl IntoIterator<Item = (&'a StoredMeeting, Outcome)>,
) -> Vec<Group> {
    for new in group(page) {
        match so_far.iter_mut().find(|g| g.reason == new.reason) {
            Some(old) => {
                old.count += new.count;
                let mut examples = new.examples;
                examples.append(&mut old.examples);
                examples.truncate(EXAMPLES);
                old.examples = examples;
            }
            None => so_far.push(new),
        }
    }
    so_far.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    so_far
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::meeting;
    use gong_timeline_domain::messages::GongPerson;

    fn stored(id: &str, hour: i64) -> StoredMeeting {
        let mut m = meeting(id);
        m.started = DateTime::UNIX_EPOCH + chrono::Duration::hours(hour);
        StoredMeeting::new(m, DateTime::UNIX_EPOCH)
    }

    fn fail(message: Message) -> Outcome {
        Outcome::Fail {
            message,
            retry: true,
        }
    }

    #[test]
    fn meetings_are_grouped_by_reason_largest_first_with_the_newest_examples() {
        let person = GongPerson {
            name: "Bo".into(),
            email: "bo@x.example".into(),
            gong_user_id: "7".into(),
        };
        let meetings: Vec<StoredMeeting> = (0..9).map(|i| stored(&format!("c{i}"), i)).collect();
        let mut outcomes = vec![fail(Message::CompanyNotFound); 7];
        outcomes.push(Outcome::Skip(Message::SkippedPrivate));
        outcomes.push(Outcome::UnknownOwner(person));
        let groups = group(meetings.iter().zip(outcomes));
        let reasons: Vec<(Reason, u64)> = groups.iter().map(|g| (g.reason, g.count)).collect();
        assert_eq!(
            reasons,
            [
                (Reason::UnknownCompany, 7),
                (Reason::AuthorNotPresent, 1),
                (Reason::Private, 1)
            ]
        );
        let unknown = &groups[0];
        assert_eq!(unknown.examples.len(), EXAMPLES);
        assert_eq!(unknown.examples[0].gong_call_id, "c6", "newest first");
        assert_eq!(
            unknown.examples[0].message.as_deref(),
            Some("Account and Contact data not found for Company Resolution.")
        );
        assert!(unknown.fix.starts_with("Import the companies"));
    }

    #[test]
    fn every_reason_is_listed_once_and_named_as_its_json() {
        for reason in Reason::ALL {
            let json = serde_json::to_value(reason).unwrap();
            assert_eq!(json, reason.as_str());
        }
        let mut sorted = Reason::ALL.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), Reason::ALL.len());
    }

    #[test]
    fn pages_merge_into_one_count_per_reason() {
        let first: Vec<StoredMeeting> = (0..3).map(|i| stored(&format!("a{i}"), i)).collect();
        let second: Vec<StoredMeeting> = (3..5).map(|i| stored(&format!("b{i}"), i)).collect();
        let outcome = || fail(Message::CompanyInfoNotPresent);
        let groups = merge(Vec::new(), first.iter().map(|s| (s, outcome())));
        let groups = merge(groups, second.iter().map(|s| (s, outcome())));
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].count, 5);
        assert_eq!(groups[0].examples[0].gong_call_id, "b4");
    }
}
