//! What local evaluation (M2) is evaluated against: a stored meeting's outcome is a
//! pure function of the meeting ([`crate::stages::handle_meeting`]), the context
//! (companies and persons, users and mappings) and the settings. Jobs,
//! re-evaluations and a settings preview all load their context here, so none of
//! them needs Gong for what was already fetched.
//!
//! - [`load_context`]: the in-memory context of a connection under some settings,
//!   from the store only (no Gong request).
//! - [`apply_settings`]: validated settings into a context.
//! - [`settings_fingerprint`]: what a job compares to know the settings changed.

use gong_timeline_domain::fingerprint::Fingerprint;
use gong_timeline_store::{ConnectionId, Settings, Store, StoreError};

use crate::context::SyncContext;
use crate::settings::ValidSettings;

/// The context a connection's meetings are evaluated against under `valid`
/// settings, from the store alone (the mappings as the last provisioning left them,
/// the call outcomes as last cached).
pub async fn load_context(
    store: &dyn Store,
    connection_id: ConnectionId,
    valid: ValidSettings,
) -> Result<SyncContext, StoreError> {
    let (companies, persons, users, mappings, declared, outcomes) = futures::try_join!(
        store.list_companies(),
        store.list_persons(),
        store.list_users(),
        store.list_mappings(connection_id),
        store.list_field_types(),
        store.get_call_outcomes(connection_id),
    )?;
    let mut ctx = SyncContext::build(connection_id, &companies, &persons, &users);
    ctx.set_mappings(&mappings);
    ctx.outcomes = outcomes;
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
