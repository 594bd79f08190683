//! The SQL of the many-row writes that both dialects share: the columns written and
//! what a conflict does. How the rows themselves are bound (multi-row `VALUES` or
//! arrays) is the dialect's `bulk` module.

use gong_timeline_store::{ActivityId, ActivityUpsert, NewLogRecord, Result};

use crate::codec::to_json;

/// The columns of an activity upsert, before its rows.
pub(crate) const ACTIVITY_INSERT: &str = "INSERT INTO activities (external_id, connection_id, gong_call_id, \
     activity_type, subject, date, duration_seconds, notes, author_user_id, company_id, internal_attendees, \
     external_attendees, trackers, trackers_message, recording_url, source, content_hash, created_at, updated_at, \
     content) ";

/// After an activity upsert's rows. An update keeps `activity_type`: a new type
/// applies to activities created from then on (M2); the activity belongs to the
/// connection that wrote it last (S10: a connection replacing another takes over).
pub(crate) const ACTIVITY_CONFLICT: &str = " ON CONFLICT(external_id) DO UPDATE SET gong_call_id = excluded.gong_call_id, \
     connection_id = excluded.connection_id, \
     subject = excluded.subject, date = excluded.date, \
     duration_seconds = excluded.duration_seconds, notes = excluded.notes, author_user_id = excluded.author_user_id, \
     company_id = excluded.company_id, internal_attendees = excluded.internal_attendees, \
     external_attendees = excluded.external_attendees, trackers = excluded.trackers, \
     trackers_message = excluded.trackers_message, recording_url = excluded.recording_url, \
     source = excluded.source, content_hash = excluded.content_hash, updated_at = excluded.updated_at, \
     content = excluded.content";

/// The columns of a log record insert.
pub(crate) const LOG_RECORD_INSERT: &str =
    "INSERT INTO log_records (job_id, gong_call_id, title, meeting_date, status, activity_id, message) ";

/// The columns of a stored meeting upsert.
pub(crate) const MEETING_INSERT: &str = "INSERT INTO stored_meetings \
     (connection_id, gong_call_id, started, fingerprint, fetched_at, body) ";

/// A meeting fetched again replaces the stored one.
pub(crate) const MEETING_CONFLICT: &str =
    " ON CONFLICT(connection_id, gong_call_id) DO UPDATE SET started = excluded.started, \
     fingerprint = excluded.fingerprint, fetched_at = excluded.fetched_at, body = excluded.body";

/// The columns of a retry list insert.
pub(crate) const RETRY_INSERT: &str = "INSERT INTO retry_list \
     (connection_id, gong_call_id, first_failed_at, last_failed_at, attempts, last_message) ";

/// A call that fails again counts one more attempt.
pub(crate) const RETRY_CONFLICT: &str = " ON CONFLICT(connection_id, gong_call_id) DO UPDATE SET \
     last_failed_at = excluded.last_failed_at, attempts = retry_list.attempts + 1, \
     last_message = excluded.last_message";

/// A log record with the id of its activity, resolved within the page.
pub(crate) type ResolvedRecord<'a> = (&'a NewLogRecord, Option<ActivityId>);

/// An activity with its JSON columns encoded: internal and external attendees,
/// trackers, content (NULL when empty).
pub(crate) type EncodedActivity<'a> = (
    &'a ActivityUpsert,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Encodes the JSON columns of some activities.
pub(crate) fn encode_activities(upserts: &[ActivityUpsert]) -> Result<Vec<EncodedActivity<'_>>> {
    upserts
        .iter()
        .map(|a| {
            Ok((
                a,
                to_json(&a.internal_attendees)?,
                to_json(&a.external_attendees)?,
                a.trackers.as_ref().map(to_json).transpose()?,
                (!a.content.is_empty())
                    .then(|| to_json(&a.content))
                    .transpose()?,
            ))
        })
        .collect()
}
