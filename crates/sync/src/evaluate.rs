//! Local evaluation (M2): a stored meeting's outcome is a pure function of the
//! meeting, the context (companies and persons, users and mappings) and the
//! settings. Jobs, re-evaluations and a settings preview all go through here, so
//! none of them needs Gong for what was already fetched.
//!
//! - [`load_context`]: the in-memory context of a connection under some settings,
//!   from the store only (no Gong request).
//! - [`evaluate`]: one meeting → its [`Outcome`] (pure).
//! - [`StoredPages`]: a connection's stored meetings in keyset pages.
//! - [`settings_fingerprint`]: what a job compares to know the settings changed.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_domain::fingerprint::Fingerprint;
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_store::{
    ConnectionId, MeetingKey, MeetingQuery, MeetingSet, Settings, Store, StoreError, StoredMeeting,
};

use crate::context::SyncContext;
use crate::settings::ValidSettings;
use crate::stages::{handle_meeting, Outcome};
use crate::SyncError;

/// Stored meetings read per page of a re-evaluation.
pub const STORED_PAGE: u32 = 2000;

/// The outcome of one meeting under a context and its settings (pure).
pub fn evaluate(meeting: &Meeting, ctx: &SyncContext) -> Outcome {
    handle_meeting(meeting, ctx)
}

/// The context a connection's meetings are evaluated against under `valid`
/// settings, from the store alone (the mappings as the last provisioning left them).
pub async fn load_context(
    store: &dyn Store,
    connection_id: ConnectionId,
    valid: ValidSettings,
) -> Result<SyncContext, StoreError> {
    let (companies, persons, users, mappings, declared) = futures::try_join!(
        store.list_companies(),
        store.list_persons(),
        store.list_users(),
        store.list_mappings(connection_id),
        store.list_field_types(),
    )?;
    let mut ctx = SyncContext::build(connection_id, &companies, &persons, &users);
    ctx.set_mappings(&mappings);
    ctx.field_types = crate::settings::field_types_of(&companies, &users, &declared);
    apply_settings(&mut ctx, valid);
    Ok(ctx)
}

/// Puts validated settings into a context: activity type and filters.
pub fn apply_settings(ctx: &mut SyncContext, valid: ValidSettings) {
    ctx.activity_type = valid.settings.activity_type.clone();
    ctx.filter_text = match &valid.settings.filter_logic {
        Some(logic) => format!("{} with logic {logic}", valid.settings.filters.join("; ")),
        None => valid.settings.filters.join(" AND "),
    };
    ctx.filter = valid.filter;
    crate::settings::type_filters(&mut ctx.filter, &ctx.field_types);
}

/// A fingerprint of the settings that decide outcomes (filters, their logic, the
/// activity type, the toggle, the backfill): when it differs from the one the stored
/// meetings were last evaluated against, a job re-evaluates them.
pub fn settings_fingerprint(settings: &Settings) -> i64 {
    let mut fp = Fingerprint::new();
    fp.bytes(&[u8::from(settings.enabled)])
        .str(&settings.activity_type.to_lowercase())
        .count(settings.filters.len());
    for filter in &settings.filters {
        fp.str(filter.trim());
    }
    fp.opt_str(settings.filter_logic.as_deref())
        .int(i64::from(settings.backfill_days));
    fp.finish() as i64
}

/// A connection's stored meetings of a set, started in `[since, until)`, read in
/// keyset pages (start, call id) from an optional resume key.
/// The page after the one returned is read ahead, so reading and decoding overlap
/// the evaluation and the commit of the current one.
pub struct StoredPages {
    store: Arc<dyn Store>,
    connection_id: ConnectionId,
    query: MeetingQuery,
    ahead: Option<ReadAhead>,
    done: bool,
}

type ReadAhead = tokio::task::JoinHandle<Result<Vec<StoredMeeting>, StoreError>>;

impl StoredPages {
    /// Pages of `which` meetings started at or after `since`, after `after`.
    pub fn new(
        store: Arc<dyn Store>,
        connection_id: ConnectionId,
        which: MeetingSet,
        since: DateTime<Utc>,
        after: Option<MeetingKey>,
    ) -> StoredPages {
        StoredPages {
            store,
            connection_id,
            query: MeetingQuery {
                since,
                until: None,
                which,
                after,
                limit: STORED_PAGE,
            },
            ahead: None,
            done: false,
        }
    }

    /// Only meetings started before `until`.
    pub fn until(mut self, until: DateTime<Utc>) -> StoredPages {
        self.query.until = Some(until);
        self
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Vec<StoredMeeting>>, SyncError> {
        if self.done {
            return Ok(None);
        }
        let page = match self.ahead.take() {
            Some(ahead) => crate::joined(ahead.await)?,
            None => self.read().await?,
        };
        if page.len() < self.query.limit as usize {
            self.done = true;
        }
        match page.last() {
            Some(last) => self.query.after = Some(last.key()),
            None => return Ok(None),
        }
        if !self.done {
            let (store, connection_id, query) =
                (self.store.clone(), self.connection_id, self.query.clone());
            self.ahead = Some(tokio::spawn(async move {
                store.list_stored_meetings(connection_id, query).await
            }));
        }
        Ok(Some(page))
    }

    async fn read(&self) -> Result<Vec<StoredMeeting>, StoreError> {
        self.store
            .list_stored_meetings(self.connection_id, self.query.clone())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m2_the_settings_fingerprint_follows_what_decides_outcomes() {
        let base = Settings::default();
        let same = Settings {
            lookback_hours: 72,
            ..Settings::default()
        };
        assert_eq!(settings_fingerprint(&base), settings_fingerprint(&same));
        let filtered = Settings {
            filters: vec!["Company.industry = Software".into()],
            ..Settings::default()
        };
        assert_ne!(settings_fingerprint(&base), settings_fingerprint(&filtered));
        let typed = Settings {
            activity_type: "Call".into(),
            ..Settings::default()
        };
        assert_ne!(settings_fingerprint(&base), settings_fingerprint(&typed));
    }
}
