//! Stored meetings (M1): every call a job fetched, kept as the normalized meeting the
//! rules read, so that outcomes can be evaluated again locally (M2) without asking
//! Gong twice. Also the fence that makes a writer who lost its lease write nothing,
//! and the resume point that lets a killed job continue after its last page (M4).

use super::GongCallId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::fingerprint::Fingerprint;
use gong_timeline_domain::meeting::{Meeting, MeetingDetails};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One stored meeting, keyed by (connection, Gong call id).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeeting {
    /// The normalized meeting; a private one keeps only its id, dates and the flag.
    pub meeting: Meeting,
    /// Fingerprint of the stored content: a re-fetched, unchanged meeting is the same.
    pub fingerprint: i64,
    /// When a job fetched it from Gong.
    pub fetched_at: DateTime<Utc>,
}

impl StoredMeeting {
    /// What a fetched meeting is stored as. A private meeting is reduced to its id,
    /// start, duration and private flag here, so no adapter can keep its content (M1).
    pub fn new(meeting: Meeting, fetched_at: DateTime<Utc>) -> StoredMeeting {
        let meeting = meeting.keepable();
        let fingerprint = fingerprint_of(&encode(&meeting));
        StoredMeeting {
            meeting,
            fingerprint,
            fetched_at,
        }
    }

    /// The meeting's place in a connection's stored meetings (start, then call id).
    pub fn key(&self) -> MeetingKey {
        MeetingKey {
            started: self.meeting.started,
            gong_call_id: self.meeting.gong_call_id.clone(),
        }
    }

    /// The compact body adapters store (postcard: no field names, varints).
    pub fn body(&self) -> Vec<u8> {
        encode(&self.meeting)
    }

    /// A stored meeting from the columns an adapter kept.
    pub fn from_stored(
        body: &[u8],
        fingerprint: i64,
        fetched_at: DateTime<Utc>,
    ) -> Result<StoredMeeting, StoreError> {
        let corrupt = |e: postcard::Error| StoreError::Corrupt {
            column: "stored_meetings.body",
            value: format!("{} bytes", body.len()),
            reason: e.to_string(),
        };
        let (mut meeting, rest): (Meeting, &[u8]) =
            postcard::take_from_bytes(body).map_err(corrupt)?;
        // A body stored before the details existed ends with the meeting, and one
        // stored before the speakers existed ends with the details.
        if !rest.is_empty() {
            let (details, speakers) = postcard::take_from_bytes(rest).map_err(corrupt)?;
            meeting.details = details;
            if !speakers.is_empty() {
                meeting.speakers = postcard::from_bytes(speakers).map_err(corrupt)?;
            }
        }
        Ok(StoredMeeting {
            meeting,
            fingerprint,
            fetched_at,
        })
    }
}

/// The meeting, then its details (T6), then its speakers (S9): appended, so older
/// bodies, which end with the meeting or the details, still read.
fn encode(meeting: &Meeting) -> Vec<u8> {
    // One buffer the size of a typical body with content, written in place: growing
    // it from empty copied each body several times (`perf`: 2 % of a sync).
    let mut body = Vec::with_capacity(BODY_CAPACITY);
    // Serializing plain owned data into a Vec cannot fail.
    let _ = postcard::to_io(meeting, &mut body);
    if meeting.details != MeetingDetails::default() || !meeting.speakers.is_empty() {
        let _ = postcard::to_io(&meeting.details, &mut body);
    }
    if !meeting.speakers.is_empty() {
        let _ = postcard::to_io(&meeting.speakers, &mut body);
    }
    body
}

/// Bytes reserved for a body: most bodies with content fit.
const BODY_CAPACITY: usize = 2048;

fn fingerprint_of(body: &[u8]) -> i64 {
    Fingerprint::new().bytes(body).finish() as i64
}

/// A fetched meeting as a page commit keeps it (M1): encoded once, when the sync
/// hands it over, for its fingerprint and its stored body alike. A commit needs no
/// decoded copy of the meeting, so the sync borrows the meeting it evaluates instead
/// of cloning it, and a queued page holds one buffer a meeting instead of dozens of
/// strings.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedMeeting {
    /// Gong call id.
    pub gong_call_id: GongCallId,
    /// Meeting start.
    pub started: DateTime<Utc>,
    /// Fingerprint of the stored content (as [`StoredMeeting::fingerprint`]).
    pub fingerprint: i64,
    /// When a job fetched it from Gong.
    pub fetched_at: DateTime<Utc>,
    /// The body adapters store (see [`StoredMeeting::body`]).
    body: Vec<u8>,
}

impl EncodedMeeting {
    /// What a fetched meeting is stored as; a private meeting is reduced as in
    /// [`StoredMeeting::new`].
    pub fn new(meeting: &Meeting, fetched_at: DateTime<Utc>) -> EncodedMeeting {
        let body = if meeting.is_private {
            encode(&meeting.private_remains())
        } else {
            encode(meeting)
        };
        EncodedMeeting {
            gong_call_id: meeting.gong_call_id.clone(),
            started: meeting.started,
            fingerprint: fingerprint_of(&body),
            fetched_at,
            body,
        }
    }

    /// The body to store.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The meeting, decoded again: for the rare writes that must look inside it
    /// (keeping erased people out, G2).
    pub fn meeting(&self) -> Result<Meeting, StoreError> {
        StoredMeeting::from_stored(&self.body, self.fingerprint, self.fetched_at).map(|m| m.meeting)
    }

    /// Replaces the body with a changed meeting's; the fingerprint stays the engine's,
    /// so the unchanged call is not rewritten at the next sync.
    pub fn set_meeting(&mut self, meeting: &Meeting) {
        self.body = encode(meeting);
    }
}

/// The same meeting as the read type holds it (tests compare the two encodings).
#[cfg(test)]
impl From<&StoredMeeting> for EncodedMeeting {
    fn from(stored: &StoredMeeting) -> EncodedMeeting {
        EncodedMeeting {
            gong_call_id: stored.meeting.gong_call_id.clone(),
            started: stored.meeting.started,
            fingerprint: stored.fingerprint,
            fetched_at: stored.fetched_at,
            body: stored.body(),
        }
    }
}

/// A position in a connection's stored meetings, ordered by start then call id:
/// keyset paging, and where a killed job resumes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MeetingKey {
    /// Meeting start.
    pub started: DateTime<Utc>,
    /// Gong call id.
    pub gong_call_id: GongCallId,
}

/// Which stored meetings a re-evaluation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingSet {
    /// Every stored meeting.
    All,
    /// Those without an activity on the Timeline (after a settings change).
    NotOnTimeline,
    /// Those on the retry list: their last outcome was Failed (after an import, an IC
    /// user created, a conflict resolved).
    Failed,
}

/// A page of a connection's stored meetings, in (start, call id) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingQuery {
    /// Meetings started at or after this (the backfill window's start).
    pub since: DateTime<Utc>,
    /// Meetings started before this; `None` = no upper bound.
    pub until: Option<DateTime<Utc>>,
    /// Which ones.
    pub which: MeetingSet,
    /// Only meetings after this key (keyset paging).
    pub after: Option<MeetingKey>,
    /// At most this many.
    pub limit: u32,
}

impl MeetingQuery {
    /// The one lower bound of the page: the keyset key when it lies inside the
    /// window, else the window's start. A single bound matters: given both, SQLite
    /// seeks to the window's start and filters every row up to the key, which turns a
    /// pass over N meetings into N²/page row reads (measured: 12 ms instead of 0.2 ms
    /// a page of 500 at 100,000 stored meetings).
    pub fn lower_bound(&self) -> LowerBound<'_> {
        match &self.after {
            Some(key) if key.started >= self.since => LowerBound::After(key),
            _ => LowerBound::Since(self.since),
        }
    }
}

/// Where a page of stored meetings starts ([`MeetingQuery::lower_bound`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowerBound<'a> {
    /// Meetings started at or after this.
    Since(DateTime<Utc>),
    /// Meetings strictly after this key.
    After(&'a MeetingKey),
}

/// The lease a writer holds: a page commit or a job finish whose fence no longer
/// matches the job (finished, or taken over) writes nothing and fails with
/// [`StoreError::LeaseLost`] — checked inside the write's own transaction (M4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The lease owner the job was started with.
    pub owner: String,
    /// The job's lease generation ([`crate::Job::lease_generation`]).
    pub generation: i64,
}

/// Where a killed job resumes (M4): the pass it was in and the last meeting of its
/// last committed page. Adapters store it as an opaque JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumePoint {
    /// The pass.
    pub pass: Pass,
    /// The last meeting of the last committed page; `None` before the first page.
    pub after: Option<MeetingKey>,
}

/// A pass of a job over meetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pass {
    /// Fetching a time window from Gong.
    Fetch {
        /// Window start.
        from: DateTime<Utc>,
        /// Window end (exclusive).
        to: DateTime<Utc>,
        /// Whether finishing it is the weekly reconciliation.
        reconciles: bool,
    },
    /// Re-evaluating stored meetings locally.
    Reevaluate {
        /// Which stored meetings.
        which: MeetingSet,
        /// Fingerprint of the settings evaluated against.
        settings: i64,
    },
}

/// What a page commit does with the connection's resume point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResumeUpdate {
    /// Leaves it as it is.
    #[default]
    Keep,
    /// Replaces it.
    Set(ResumePoint),
    /// The pass is done: clears it.
    Clear,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn query(after: Option<MeetingKey>) -> MeetingQuery {
        MeetingQuery {
            since: Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
            until: None,
            which: MeetingSet::All,
            after,
            limit: 500,
        }
    }

    fn key(day: u32) -> MeetingKey {
        MeetingKey {
            started: Utc.with_ymd_and_hms(2026, 10, day, 0, 0, 0).unwrap(),
            gong_call_id: "7".into(),
        }
    }

    fn a_meeting() -> Meeting {
        Meeting {
            title: Some("QBR".into()),
            duration_seconds: Some(1800),
            ..Meeting::bare("7", Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap())
        }
    }

    #[test]
    fn s9_speakers_ride_after_the_details_and_bodies_without_them_still_read() {
        let mut with_details = a_meeting();
        with_details.details.scope = Some("External".into());
        let body = StoredMeeting::new(with_details.clone(), Utc::now()).body();
        let read = StoredMeeting::from_stored(&body, 1, Utc::now()).unwrap();
        assert_eq!(
            read.meeting, with_details,
            "a body from before the speakers"
        );

        // Speakers without details still write the (default) details before them.
        let mut spoke = a_meeting();
        spoke.speakers = vec![gong_timeline_domain::meeting::SpeakerLink {
            speaker_id: "6432".into(),
            party: 0,
        }];
        let read = StoredMeeting::from_stored(
            &StoredMeeting::new(spoke.clone(), Utc::now()).body(),
            1,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(read.meeting, spoke);
    }

    #[test]
    fn t6_details_ride_after_the_meeting_and_older_bodies_still_read() {
        let old = a_meeting();
        let body = postcard::to_allocvec(&old).unwrap();
        let read = StoredMeeting::from_stored(&body, 1, Utc::now()).unwrap();
        assert_eq!(read.meeting, old, "a body from before the details");

        let mut new = a_meeting();
        new.details.scope = Some("External".into());
        new.details.workspace_id = Some("5".into());
        let stored = StoredMeeting::new(new.clone(), Utc::now());
        let read = StoredMeeting::from_stored(&stored.body(), 1, Utc::now()).unwrap();
        assert_eq!(read.meeting, new);
        assert_ne!(
            stored.fingerprint,
            StoredMeeting::new(old, Utc::now()).fingerprint
        );
    }

    #[test]
    fn m1_an_encoded_meeting_is_the_stored_meeting_and_keeps_nothing_private() {
        let mut meeting = a_meeting();
        meeting.details.scope = Some("External".into());
        let at = Utc::now();
        let encoded = EncodedMeeting::new(&meeting, at);
        assert_eq!(
            encoded,
            EncodedMeeting::from(&StoredMeeting::new(meeting.clone(), at))
        );
        assert_eq!(encoded.meeting().unwrap(), meeting);

        meeting.is_private = true;
        let private = EncodedMeeting::new(&meeting, at);
        let kept = private.meeting().unwrap();
        assert_eq!(kept, meeting.clone().keepable());
        assert_eq!(kept.title, None, "a private meeting's title is not kept");
        assert_eq!(
            private.fingerprint,
            StoredMeeting::new(meeting, at).fingerprint
        );
    }

    #[test]
    fn g2_a_changed_meeting_replaces_the_body_but_not_the_fingerprint() {
        let mut encoded = EncodedMeeting::new(&a_meeting(), Utc::now());
        let fingerprint = encoded.fingerprint;
        let mut renamed = a_meeting();
        renamed.title = Some("Erased".into());
        encoded.set_meeting(&renamed);
        assert_eq!(encoded.meeting().unwrap(), renamed);
        assert_eq!(encoded.fingerprint, fingerprint);
    }

    #[test]
    fn m2_a_page_starts_after_its_key_inside_the_window() {
        let q = query(Some(key(5)));
        assert_eq!(q.lower_bound(), LowerBound::After(&key(5)));
    }

    #[test]
    fn m2_a_key_before_the_window_leaves_the_window_start() {
        let mut q = query(Some(key(5)));
        q.since = Utc.with_ymd_and_hms(2026, 10, 9, 0, 0, 0).unwrap();
        assert_eq!(q.lower_bound(), LowerBound::Since(q.since));
        assert_eq!(
            query(None).lower_bound(),
            LowerBound::Since(query(None).since)
        );
    }
}
