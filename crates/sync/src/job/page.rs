//! The page evaluation: one page of meetings → what to write: activity upserts, log
//! records, retry list changes, skip marks and counts. Pure: [`super::writer`] does
//! the store reads before it, the U6 provisioning it asks for, and the commit after.

use gong_timeline_store::GongCallId;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use gong_timeline_domain::fingerprint::Fingerprint;
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_domain::messages::GongPerson;
use gong_timeline_domain::{content_hash, ActivityDraft, Message, RecordStatus};
use gong_timeline_store::{
    ActivityHash, ActivityId, ActivityRef, ActivityUpsert, ExternalAttendee, InternalAttendee,
    JobCounts, NewLogRecord, RetryEntry, SkipMark, StoredMeeting,
};

use super::call_ids::RetryMessages;
use crate::context::SyncContext;
use crate::stages::{handle_meeting, Outcome};

/// What one page writes, in one transaction.
#[derive(Debug, Default)]
pub struct PagePlan {
    /// Activities to insert or update.
    pub upserts: Vec<ActivityUpsert>,
    /// Log records, in meeting order.
    pub records: Vec<NewLogRecord>,
    /// Meetings that failed and will be retried at later syncs.
    pub retry_add: Vec<RetryEntry>,
    /// Meetings on the retry list that no longer fail.
    pub retry_remove: Vec<GongCallId>,
    /// Activities of meetings that became private (S2).
    pub removals: Vec<ActivityId>,
    /// Meetings skipped now (S2, T3), to recognise an unchanged skip next time.
    pub skip_marks: Vec<SkipMark>,
    /// Meetings skipped before and not now.
    pub unmark: Vec<GongCallId>,
    /// Counts of final outcomes.
    pub counts: JobCounts,
    /// Owners to provision before their meetings are handled again (U6).
    pub unknown_owners: Vec<(GongPerson, Meeting)>,
}

/// Inputs that come from the store for this page.
pub struct PageInputs<'a> {
    /// Stored activity id and fingerprint per call id.
    pub existing: &'a HashMap<GongCallId, ActivityHash>,
    /// Skip marks of this page's meetings: call id → reason fingerprint.
    pub skipped: &'a HashMap<GongCallId, i64>,
    /// Call ids currently on the retry list, with their last message (L1).
    pub retrying: &'a RetryMessages,
    /// The job's start, stamped on retry entries.
    pub now: DateTime<Utc>,
}

/// A page to evaluate.
#[derive(Debug, Default)]
pub struct Page {
    /// Its meetings.
    pub meetings: Vec<Meeting>,
    /// Calls that never became meetings, as Failed records.
    pub broken: Vec<NewLogRecord>,
    /// Whether the meetings were fetched from Gong now (not read from the store):
    /// only those count as fetched.
    pub fetched: bool,
}

/// Evaluates a page: its meetings through the stages, its broken calls as failures.
/// Meetings whose owner is not mapped yet wait in [`PagePlan::unknown_owners`] for
/// [`PagePlan::owners_provisioned`] (U6).
pub fn evaluate(page: Page, ctx: &SyncContext, inputs: &PageInputs<'_>) -> PagePlan {
    let mut plan = PagePlan::build(page.meetings, ctx, inputs);
    if !page.fetched {
        // Meetings evaluated from the store were not fetched from Gong.
        plan.counts.fetched = 0;
    }
    plan.add_broken(page.broken, inputs);
    plan
}

impl PagePlan {
    /// Handles every meeting of a page.
    pub fn build(meetings: Vec<Meeting>, ctx: &SyncContext, inputs: &PageInputs<'_>) -> PagePlan {
        let mut plan = PagePlan::default();
        for meeting in meetings {
            plan.counts.fetched += 1;
            plan.handle(meeting, ctx, inputs);
        }
        plan
    }

    /// Handles one meeting (again, after its owner was provisioned).
    fn handle(&mut self, meeting: Meeting, ctx: &SyncContext, inputs: &PageInputs<'_>) {
        match handle_meeting(&meeting, ctx) {
            Outcome::Write(draft, note) => self.write(&meeting, *draft, note, inputs),
            Outcome::Skip(message) => self.skip(&meeting, message, inputs),
            Outcome::Fail { message, retry } => self.fail(&meeting, message, retry, inputs),
            Outcome::UnknownOwner(owner) => self.unknown_owners.push((owner, meeting)),
        }
    }

    /// Logs a meeting as failed, and puts it on the retry list when a later sync may heal it.
    fn fail(&mut self, meeting: &Meeting, message: Message, retry: bool, inputs: &PageInputs<'_>) {
        self.unmark(meeting, inputs);
        let text = message.to_string();
        if inputs
            .retrying
            .same_failure(meeting.gong_call_id.as_str(), &text)
        {
            // Still failing for the same reason: like an unchanged re-read, no record and
            // no count, so old failures do not fail every later job (L1).
            return;
        }
        self.counts.failed += 1;
        if retry {
            self.retry_add.push(RetryEntry {
                gong_call_id: meeting.gong_call_id.clone(),
                message: text,
                failed_at: inputs.now,
            });
        } else if inputs.retrying.contains(meeting.gong_call_id.as_str()) {
            // No later sync can heal it: off the retry list, or its old entry would
            // have it evaluated, and logged again, at every job.
            self.retry_remove.push(meeting.gong_call_id.clone());
        }
        self.record(meeting, RecordStatus::Failed, None, Some(message));
    }

    /// U6, once the waiting owners were provisioned (`created`: the Gong ids an IC
    /// user was created for): logs the failure the seed describes for those, and
    /// handles their meetings again; an owner that still cannot be mapped (no usable
    /// email) fails for good this time.
    pub fn owners_provisioned(
        &mut self,
        created: &HashSet<String>,
        ctx: &SyncContext,
        inputs: &PageInputs<'_>,
    ) {
        for (owner, meeting) in std::mem::take(&mut self.unknown_owners) {
            if created.contains(&owner.gong_user_id) {
                self.note_author_created(&meeting, owner);
            }
            self.handle(meeting, ctx, inputs);
        }
        for (owner, meeting) in std::mem::take(&mut self.unknown_owners) {
            self.fail(&meeting, Message::AuthorNotPresent(owner), true, inputs);
        }
    }

    /// Calls that never became meetings: Failed, and retried by id at later syncs
    /// when they have one; a repeat of the same failure is neither logged nor counted.
    fn add_broken(&mut self, broken: Vec<NewLogRecord>, inputs: &PageInputs<'_>) {
        self.counts.fetched += broken.len() as u64;
        for record in broken {
            let message = record.message.clone().unwrap_or_default();
            if inputs
                .retrying
                .same_failure(record.gong_call_id.as_str(), &message)
            {
                continue;
            }
            self.counts.failed += 1;
            if !record.gong_call_id.is_empty() {
                self.retry_add.push(RetryEntry {
                    gong_call_id: record.gong_call_id.clone(),
                    message,
                    failed_at: inputs.now,
                });
            }
            self.records.push(record);
        }
    }

    /// Logs the U6 failure that precedes the retry of a meeting whose owner was just provisioned.
    fn note_author_created(&mut self, meeting: &Meeting, owner: GongPerson) {
        self.record(
            meeting,
            RecordStatus::Failed,
            None,
            Some(Message::AuthorNotPresent(owner)),
        );
    }

    /// A skipped meeting keeps an earlier activity (a filter changed), except a meeting
    /// that became private: that one leaves the Timeline (S2). Skipped again for the
    /// same reason, it is an unchanged re-read: no record, no count.
    fn skip(&mut self, meeting: &Meeting, message: Message, inputs: &PageInputs<'_>) {
        self.healed(meeting, inputs);
        let existing = inputs
            .existing
            .get(&meeting.gong_call_id)
            .map(|h| h.activity_id);
        // The reason, not its wording once an activity was removed, is what repeats.
        let fingerprint = Fingerprint::new().str(&message.to_string()).finish() as i64;
        let message = match (existing, message) {
            (Some(id), Message::SkippedPrivate) => {
                self.removals.push(id);
                Message::PrivateRemoved
            }
            (_, message) => message,
        };
        if existing.is_none() && inputs.skipped.get(&meeting.gong_call_id) == Some(&fingerprint) {
            return;
        }
        self.counts.skipped += 1;
        self.skip_marks.push(SkipMark {
            gong_call_id: meeting.gong_call_id.clone(),
            fingerprint,
        });
        let activity = existing
            .filter(|_| message != Message::PrivateRemoved)
            .map(ActivityRef::Id);
        self.record(meeting, RecordStatus::Skipped, activity, Some(message));
    }

    /// A meeting written or failed now is no longer skipped.
    fn unmark(&mut self, meeting: &Meeting, inputs: &PageInputs<'_>) {
        if inputs.skipped.contains_key(&meeting.gong_call_id) {
            self.unmark.push(meeting.gong_call_id.clone());
        }
    }

    fn write(
        &mut self,
        meeting: &Meeting,
        draft: ActivityDraft,
        note: Option<Message>,
        inputs: &PageInputs<'_>,
    ) {
        self.unmark(meeting, inputs);
        let existing = inputs.existing.get(&meeting.gong_call_id);
        let mut draft = draft;
        if let Some(stored) = existing {
            // An update keeps the activity's type: a new type applies to activities
            // created from then on (M2), and an unchanged meeting stays unchanged.
            draft.activity_type = stored.activity_type.clone();
        }
        let hash = content_hash(&draft) as i64;
        self.healed(meeting, inputs);
        let status = match existing {
            Some(stored) if stored.content_hash == hash => return, // unchanged: no write, no record
            Some(_) => RecordStatus::Updated,
            None => RecordStatus::Created,
        };
        match status {
            RecordStatus::Updated => self.counts.updated += 1,
            _ => self.counts.created += 1,
        }
        let message = match (note, &draft.trackers_message) {
            (Some(note), Some(trackers)) => Some(Message::Other(format!("{note} {trackers}"))),
            (note, trackers) => note.or_else(|| trackers.clone()),
        };
        self.upserts.push(upsert(draft, hash));
        let activity = ActivityRef::Upsert(self.upserts.len() - 1);
        self.record(meeting, status, Some(activity), message);
    }

    fn healed(&mut self, meeting: &Meeting, inputs: &PageInputs<'_>) {
        if inputs.retrying.contains(meeting.gong_call_id.as_str()) {
            self.retry_remove.push(meeting.gong_call_id.clone());
        }
    }

    fn record(
        &mut self,
        meeting: &Meeting,
        status: RecordStatus,
        activity: Option<ActivityRef>,
        message: Option<Message>,
    ) {
        self.records.push(NewLogRecord {
            gong_call_id: meeting.gong_call_id.clone(),
            title: meeting.title.clone(),
            meeting_date: Some(meeting.started),
            status,
            activity,
            message: message.map(|m| m.to_string()),
        });
    }
}

/// The store's row for a built activity.
fn upsert(draft: ActivityDraft, content_hash: i64) -> ActivityUpsert {
    ActivityUpsert {
        external_id: draft.external_id,
        gong_call_id: draft.gong_call_id,
        activity_type: draft.activity_type,
        subject: draft.subject,
        date: draft.date,
        duration_seconds: draft.duration_seconds,
        notes: draft.notes,
        author_user_id: Some(draft.author_user_id),
        company_id: draft.company_id,
        internal_attendees: draft
            .internal_attendees
            .into_iter()
            .map(|a| InternalAttendee {
                email: a.email.map(|e| e.as_str().to_string()),
                name: Some(a.name),
                user_id: None,
            })
            .collect(),
        external_attendees: draft
            .external_attendees
            .into_iter()
            .map(|a| ExternalAttendee {
                email: a.email.map(|e| e.as_str().to_string()),
                name: Some(a.name),
                person_id: a.person_id,
            })
            .collect(),
        trackers: Some(draft.trackers).filter(|t| !t.is_empty()),
        trackers_message: draft.trackers_message.map(|m| m.to_string()),
        recording_url: draft.recording_url,
        source: draft.source,
        content: draft.content,
        content_hash,
    }
}

/// The plan of calls deleted in Gong (G1): a Removed "Deleted in Gong" record each,
/// and the removal of each one's activity (`existing`: the store's, by call id).
pub fn deleted_in_gong(
    gone: Vec<StoredMeeting>,
    existing: &HashMap<GongCallId, ActivityHash>,
) -> PagePlan {
    let mut plan = PagePlan::default();
    for stored in gone {
        let meeting = stored.meeting;
        if let Some(activity) = existing.get(&meeting.gong_call_id) {
            plan.removals.push(activity.activity_id);
        }
        plan.records.push(NewLogRecord {
            gong_call_id: meeting.gong_call_id,
            title: meeting.title,
            meeting_date: Some(meeting.started),
            status: RecordStatus::Removed,
            activity: None,
            message: Some(Message::DeletedInGong.to_string()),
        });
        plan.counts.removed += 1;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{acme, meeting};
    use gong_timeline_domain::users::UserDecision;
    use gong_timeline_domain::{LicenseType, UserStatus};
    use gong_timeline_store::{ConnectionId, UserId};
    use gong_timeline_store::{Fields, User};

    fn ctx() -> SyncContext {
        let company = acme();
        let user = User {
            id: UserId::new(7),
            email: "ann@us.io".into(),
            name: "Ann".into(),
            license_type: LicenseType::Full,
            status: UserStatus::Active,
            fields: Fields::new(),
            created_by_sync: false,
        };
        let mut ctx = SyncContext::build(ConnectionId::new(1), &[company], &[], &[user]);
        ctx.authors
            .insert("u1".into(), UserDecision::UseExisting(UserId::new(7)));
        ctx.activity_type = "Meeting".into();
        ctx
    }

    struct Inputs {
        existing: HashMap<GongCallId, ActivityHash>,
        skipped: HashMap<GongCallId, i64>,
        retrying: RetryMessages,
    }

    impl Inputs {
        fn new() -> Inputs {
            Inputs {
                existing: HashMap::new(),
                skipped: HashMap::new(),
                retrying: RetryMessages::default(),
            }
        }
        fn plan(&self, meetings: Vec<Meeting>) -> PagePlan {
            let inputs = PageInputs {
                existing: &self.existing,
                skipped: &self.skipped,
                retrying: &self.retrying,
                now: Utc::now(),
            };
            PagePlan::build(meetings, &ctx(), &inputs)
        }
    }

    #[test]
    fn g1_deleted_calls_remove_their_activity_and_log_removed_without_a_private_title() {
        let mut private = meeting("c2");
        private.is_private = true;
        let gone = vec![
            StoredMeeting::new(meeting("c1"), Utc::now()),
            StoredMeeting::new(private, Utc::now()),
        ];
        let existing = HashMap::from([(
            GongCallId::from("c1"),
            ActivityHash {
                activity_id: ActivityId::new(9),
                content_hash: 1,
                activity_type: "Meeting".into(),
            },
        )]);

        let plan = deleted_in_gong(gone, &existing);

        assert_eq!(
            plan.removals,
            vec![ActivityId::new(9)],
            "only c1 had an activity"
        );
        assert_eq!(plan.counts.removed, 2);
        assert!(plan.upserts.is_empty() && plan.retry_add.is_empty());
        let records: Vec<_> = plan
            .records
            .iter()
            .map(|r| {
                (
                    r.gong_call_id.as_str(),
                    r.status,
                    r.message.as_deref(),
                    r.title.is_some(),
                )
            })
            .collect();
        assert_eq!(
            records,
            [
                ("c1", RecordStatus::Removed, Some("Deleted in Gong"), true),
                ("c2", RecordStatus::Removed, Some("Deleted in Gong"), false),
            ]
        );
    }

    #[test]
    fn s1_a_new_meeting_is_created_and_an_unchanged_one_costs_nothing() {
        let mut inputs = Inputs::new();
        let first = inputs.plan(vec![meeting("c1")]);
        assert_eq!(first.upserts.len(), 1);
        assert_eq!(first.records[0].status, RecordStatus::Created);

        inputs.existing.insert(
            "c1".into(),
            ActivityHash {
                activity_id: ActivityId::new(5),
                content_hash: first.upserts[0].content_hash,
                activity_type: "Meeting".into(),
            },
        );
        let again = inputs.plan(vec![meeting("c1")]);
        assert!(again.upserts.is_empty() && again.records.is_empty());
        assert_eq!(
            (
                again.counts.fetched,
                again.counts.created,
                again.counts.updated
            ),
            (1, 0, 0)
        );

        let mut renamed = meeting("c1");
        renamed.title = Some("QBR, renamed".into());
        let changed = inputs.plan(vec![renamed]);
        assert_eq!(changed.records[0].status, RecordStatus::Updated);
        assert_eq!(changed.counts.updated, 1);
    }

    #[test]
    fn m2_a_new_activity_type_applies_to_activities_created_from_then_on() {
        let mut inputs = Inputs::new();
        let first = inputs.plan(vec![meeting("c1")]);
        inputs.existing.insert(
            "c1".into(),
            ActivityHash {
                activity_id: ActivityId::new(5),
                content_hash: first.upserts[0].content_hash,
                activity_type: "Meeting".into(),
            },
        );
        let mut calls = ctx();
        calls.activity_type = "Call".into();
        let page = PageInputs {
            existing: &inputs.existing,
            skipped: &inputs.skipped,
            retrying: &inputs.retrying,
            now: Utc::now(),
        };
        let plan = PagePlan::build(vec![meeting("c1"), meeting("c2")], &calls, &page);
        assert_eq!(plan.upserts.len(), 1, "the existing activity is unchanged");
        assert_eq!(
            (
                plan.upserts[0].gong_call_id.as_str(),
                plan.upserts[0].activity_type.as_str()
            ),
            ("c2", "Call")
        );
    }

    #[test]
    fn l1_a_retried_meeting_that_now_fails_for_good_leaves_the_retry_list() {
        let mut inputs = Inputs::new();
        inputs.retrying.set("c1", "an earlier, healable failure");
        let mut ownerless = meeting("c1");
        ownerless.owner_gong_user_id = None;

        let plan = inputs.plan(vec![ownerless]);

        assert_eq!(plan.records[0].status, RecordStatus::Failed);
        assert!(plan.retry_add.is_empty());
        assert_eq!(plan.retry_remove, ["c1"]);
    }

    #[test]
    fn s2_a_synced_meeting_made_private_is_removed_and_a_repeat_skip_is_silent() {
        let mut inputs = Inputs::new();
        inputs.existing.insert(
            "c1".into(),
            ActivityHash {
                activity_id: ActivityId::new(5),
                content_hash: 1,
                activity_type: "Meeting".into(),
            },
        );
        let mut private = meeting("c1");
        private.is_private = true;
        let plan = inputs.plan(vec![private.clone()]);
        assert_eq!(plan.removals, vec![ActivityId::new(5)]);
        assert_eq!(
            plan.records[0].message.as_deref(),
            Some(Message::PrivateRemoved.to_string().as_str())
        );

        let mut later = Inputs::new();
        later
            .skipped
            .insert("c1".into(), plan.skip_marks[0].fingerprint);
        let again = later.plan(vec![private]);
        assert!(again.records.is_empty() && again.skip_marks.is_empty());
        assert_eq!(again.counts.skipped, 0);
    }

    #[test]
    fn l1_a_retried_meeting_failing_for_the_same_reason_is_not_logged_again() {
        let mut lost = meeting("c9");
        lost.crm_objects.clear();
        let mut inputs = Inputs::new();
        let first = inputs.plan(vec![lost.clone()]);
        assert_eq!(first.counts.failed, 1);
        assert_eq!(first.retry_add.len(), 1);

        inputs.retrying.set("c9", &first.retry_add[0].message);
        let again = inputs.plan(vec![lost]);
        assert!(again.records.is_empty() && again.retry_add.is_empty());
        assert_eq!(again.counts.failed, 0);

        let healed = inputs.plan(vec![meeting("c9")]);
        assert_eq!(healed.retry_remove, ["c9"]);
        assert_eq!(healed.records[0].status, RecordStatus::Created);
    }

    #[test]
    fn u6_an_unknown_owner_is_set_aside_for_provisioning() {
        let mut stranger = meeting("c2");
        stranger.owner_gong_user_id = Some("u2".into());
        let plan = Inputs::new().plan(vec![stranger]);
        assert_eq!(plan.unknown_owners.len(), 1);
        assert!(
            plan.records.is_empty(),
            "logged once the owner is provisioned"
        );
    }

    /// What a page evaluation must produce: log record statuses in order, counts
    /// (fetched, created, updated, skipped, failed), retry list additions and
    /// removals, owners left for U6.
    struct Expected {
        records: Vec<RecordStatus>,
        counts: (u64, u64, u64, u64, u64),
        retry_add: Vec<&'static str>,
        retry_remove: Vec<&'static str>,
        unknown_owners: usize,
    }

    fn broken(id: &str, message: &str) -> NewLogRecord {
        NewLogRecord {
            gong_call_id: id.into(),
            title: None,
            meeting_date: None,
            status: RecordStatus::Failed,
            activity: None,
            message: Some(message.into()),
        }
    }

    fn stored(content_hash: i64) -> ActivityHash {
        ActivityHash {
            activity_id: ActivityId::new(5),
            content_hash,
            activity_type: "Meeting".into(),
        }
    }

    #[test]
    fn s1_s2_l1_u6_a_page_evaluates_to_its_records_counts_and_retry_changes() {
        use RecordStatus::{Created, Failed, Skipped, Updated};
        let unchanged = Inputs::new().plan(vec![meeting("c1")]).upserts[0].content_hash;
        let mut private = meeting("c1");
        private.is_private = true;
        let mut stranger = meeting("c1");
        stranger.owner_gong_user_id = Some("u2".into());
        let fetched = |meetings: Vec<Meeting>, broken: Vec<NewLogRecord>| Page {
            meetings,
            broken,
            fetched: true,
        };
        type Case = (&'static str, Page, Inputs, Expected);
        let cases: Vec<Case> = vec![
            (
                "a new meeting is created",
                fetched(vec![meeting("c1")], vec![]),
                Inputs::new(),
                Expected {
                    records: vec![Created],
                    counts: (1, 1, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "an unchanged meeting is fetched and costs nothing else",
                fetched(vec![meeting("c1")], vec![]),
                Inputs {
                    existing: HashMap::from([("c1".into(), stored(unchanged))]),
                    ..Inputs::new()
                },
                Expected {
                    records: vec![],
                    counts: (1, 0, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "a changed meeting updates its activity",
                fetched(vec![meeting("c1")], vec![]),
                Inputs {
                    existing: HashMap::from([("c1".into(), stored(unchanged + 1))]),
                    ..Inputs::new()
                },
                Expected {
                    records: vec![Updated],
                    counts: (1, 0, 1, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "meetings evaluated from the store are not counted as fetched",
                Page {
                    meetings: vec![meeting("c1")],
                    ..Page::default()
                },
                Inputs::new(),
                Expected {
                    records: vec![Created],
                    counts: (0, 1, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "a healed meeting leaves the retry list",
                fetched(vec![meeting("c1")], vec![]),
                Inputs {
                    retrying: [("c1", "no company")].into_iter().collect(),
                    ..Inputs::new()
                },
                Expected {
                    records: vec![Created],
                    counts: (1, 1, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec!["c1"],
                    unknown_owners: 0,
                },
            ),
            (
                "a broken call fails, after the meetings, and goes on the retry list",
                fetched(vec![private.clone()], vec![broken("c7", "bad")]),
                Inputs::new(),
                Expected {
                    records: vec![Skipped, Failed],
                    counts: (2, 0, 0, 1, 1),
                    retry_add: vec!["c7"],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "a broken call failing the same way again is neither logged nor counted",
                fetched(vec![], vec![broken("c7", "bad")]),
                Inputs {
                    retrying: [("c7", "bad")].into_iter().collect(),
                    ..Inputs::new()
                },
                Expected {
                    records: vec![],
                    counts: (1, 0, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "a broken call without an id is logged but cannot be retried",
                fetched(vec![], vec![broken("", "no id")]),
                Inputs::new(),
                Expected {
                    records: vec![Failed],
                    counts: (1, 0, 0, 0, 1),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 0,
                },
            ),
            (
                "a meeting of an unknown owner waits for U6, logged by nobody yet",
                fetched(vec![stranger.clone(), meeting("c2")], vec![]),
                Inputs::new(),
                Expected {
                    records: vec![Created],
                    counts: (2, 1, 0, 0, 0),
                    retry_add: vec![],
                    retry_remove: vec![],
                    unknown_owners: 1,
                },
            ),
        ];
        for (case, page, inputs, expected) in cases {
            let page_inputs = PageInputs {
                existing: &inputs.existing,
                skipped: &inputs.skipped,
                retrying: &inputs.retrying,
                now: Utc::now(),
            };
            let plan = evaluate(page, &ctx(), &page_inputs);
            let statuses: Vec<_> = plan.records.iter().map(|r| r.status).collect();
            let c = plan.counts;
            let added: Vec<_> = plan
                .retry_add
                .iter()
                .map(|r| r.gong_call_id.as_str())
                .collect();
            let removed: Vec<_> = plan.retry_remove.iter().map(GongCallId::as_str).collect();
            assert_eq!(statuses, expected.records, "{case}: records");
            assert_eq!(
                (c.fetched, c.created, c.updated, c.skipped, c.failed),
                expected.counts,
                "{case}: counts"
            );
            assert_eq!(added, expected.retry_add, "{case}: retry list additions");
            assert_eq!(
                removed, expected.retry_remove,
                "{case}: retry list removals"
            );
            assert_eq!(plan.unknown_owners.len(), expected.unknown_owners, "{case}");
        }
    }

    #[test]
    fn u6_a_provisioned_owner_logs_the_seed_failure_then_the_meeting_and_an_unmappable_one_fails() {
        let mut mapped = meeting("c1");
        mapped.owner_gong_user_id = Some("u2".into());
        let mut unmappable = meeting("c2");
        unmappable.owner_gong_user_id = Some("u3".into());
        let inputs = Inputs::new();
        let page_inputs = PageInputs {
            existing: &inputs.existing,
            skipped: &inputs.skipped,
            retrying: &inputs.retrying,
            now: Utc::now(),
        };
        let page = Page {
            meetings: vec![mapped, unmappable],
            broken: vec![],
            fetched: true,
        };
        let mut plan = evaluate(page, &ctx(), &page_inputs);
        assert_eq!(plan.unknown_owners.len(), 2);

        // What provisioning did: u2 got an IC user (7), u3 had no usable email.
        let mut provisioned = ctx();
        provisioned
            .authors
            .insert("u2".into(), UserDecision::UseExisting(UserId::new(7)));
        plan.owners_provisioned(
            &HashSet::from(["u2".to_string()]),
            &provisioned,
            &page_inputs,
        );

        let logged: Vec<_> = plan
            .records
            .iter()
            .map(|r| (r.gong_call_id.as_str(), r.status))
            .collect();
        assert_eq!(
            logged,
            vec![
                ("c1", RecordStatus::Failed),
                ("c1", RecordStatus::Created),
                ("c2", RecordStatus::Failed),
            ]
        );
        assert!(plan.unknown_owners.is_empty());
        assert_eq!((plan.counts.created, plan.counts.failed), (1, 1));
        assert_eq!(
            plan.retry_add.len(),
            1,
            "the unmappable owner's meeting is retried"
        );
    }
}
