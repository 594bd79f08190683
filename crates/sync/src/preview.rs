//! The settings preview (T3, T5): how many of a connection's stored meetings of the
//! last 30 days would pass candidate settings — evaluated locally by the same stages
//! a sync runs ([`crate::stages::handle_meeting`]) over the meetings Gong already
//! sent (M1, M2). No Gong request, nothing written.

use chrono::{DateTime, Duration, Utc};
use gong_timeline_domain::Message;
use gong_timeline_store::{ConnectionId, MeetingQuery, MeetingSet, Settings, Store, StoreError};
use serde::Serialize;

use crate::evaluate::load_context;
use crate::settings::{validate_in, SettingsError};
use crate::stages::{handle_meeting, Outcome};

/// How far back the preview looks.
pub const PREVIEW_DAYS: u32 = 30;

/// Stored meetings read per round trip.
const PAGE: u32 = 500;

/// What the candidate settings would do to the stored meetings of the last 30 days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// The window, in days.
    pub days: u32,
    /// Stored meetings that started in the window.
    pub stored: u64,
    /// Would pass the filters and be on the Timeline.
    pub pass: u64,
    /// Would be skipped by the filters.
    pub filtered_out: u64,
    /// Private meetings: never synced, whatever the filters (S2).
    pub private: u64,
    /// Could not be evaluated against the filters: no company or no author yet.
    pub unresolved: u64,
}

impl Preview {
    /// One sentence for people.
    pub fn sentence(&self) -> String {
        format!(
            "{} of the {} stored meetings of the last {} days would pass the filters ({} filtered out, {} private, {} without a company or author yet).",
            self.pass, self.stored, self.days, self.filtered_out, self.private, self.unresolved
        )
    }
}

/// Evaluates `settings` over the connection's stored meetings of the last 30 days.
/// The outer error is the store's; the inner one is the settings' (the same check
/// as Save).
pub async fn preview(
    store: &dyn Store,
    connection_id: ConnectionId,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<Result<Preview, SettingsError>, StoreError> {
    let valid = match validate_in(store, settings).await? {
        Ok(valid) => valid,
        Err(error) => return Ok(Err(error)),
    };
    let ctx = load_context(store, connection_id, valid).await?;
    let mut out = Preview {
        days: PREVIEW_DAYS,
        ..Preview::default()
    };
    let mut after = None;
    loop {
        let query = MeetingQuery {
            since: now - Duration::days(i64::from(PREVIEW_DAYS)),
            until: None,
            which: MeetingSet::All,
            after: after.clone(),
            limit: PAGE,
        };
        let page = store.list_stored_meetings(connection_id, query).await?;
        for stored in &page {
            out.count(handle_meeting(&stored.meeting, &ctx));
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = Some(last.key()),
            _ => break,
        }
    }
    Ok(Ok(out))
}

impl Preview {
    fn count(&mut self, outcome: Outcome) {
        self.stored += 1;
        match outcome {
            Outcome::Write(..) => self.pass += 1,
            Outcome::Skip(Message::SkippedPrivate) => self.private += 1,
            Outcome::Skip(_) => self.filtered_out += 1,
            Outcome::Fail { .. } | Outcome::UnknownOwner(_) => self.unresolved += 1,
        }
    }
}
