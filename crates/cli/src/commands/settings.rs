//! `settings set|show|preview`: validated before they are saved (T2–T5); the preview
//! evaluates candidate filters over the stored meetings of the last 30 days.

use gong_timeline_store::ConnectionId;
use std::sync::Arc;

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_domain::quota::QuotaSettings;
use gong_timeline_store::{Settings, Store};
use gong_timeline_sync::audit::Change as Audited;
use gong_timeline_sync::settings::validate_in;
use serde::Serialize;

use super::connection_named;
use crate::args::{Format, SettingsCommand, SettingsPreviewArgs, SettingsSetArgs};
use crate::output::print_object;

/// Runs a `settings` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: SettingsCommand) -> anyhow::Result<()> {
    match cmd {
        SettingsCommand::Set(args) => set(store, args).await,
        SettingsCommand::Preview(args) => preview(store, args).await,
        SettingsCommand::Show { connection, format } => {
            let connection = connection_named(store, &connection).await?;
            let settings = store.get_settings(connection.id).await?;
            let quota = store.get_quota(connection.id).await?;
            print_object(&SettingsView::new(settings, quota), format)
        }
    }
}

async fn preview(store: &Arc<dyn Store>, args: SettingsPreviewArgs) -> anyhow::Result<()> {
    let connection = connection_named(store, &args.connection).await?;
    let mut settings = store.get_settings(connection.id).await?;
    if !args.filters.is_empty() {
        settings.filters = args.filters;
        settings.filter_logic = None;
    }
    if let Some(logic) = args.filter_logic {
        settings.filter_logic = Some(logic).filter(|l| !l.trim().is_empty());
    }
    let preview = gong_timeline_sync::preview::preview(
        store.as_ref(),
        connection.id,
        settings,
        chrono::Utc::now(),
    )
    .await?
    .map_err(|e| anyhow::anyhow!("cannot preview the filters of '{}': {e}", connection.name))?;
    match args.format {
        Format::Json => print_object(&preview, Format::Json),
        Format::Table => {
            println!("{}", preview.sentence());
            Ok(())
        }
    }
}

async fn set(store: &Arc<dyn Store>, args: SettingsSetArgs) -> anyhow::Result<()> {
    let connection = connection_named(store, &args.connection).await?;
    let quota = quota_from(store, connection.id, &args).await?;
    let mut settings = store.get_settings(connection.id).await?;
    let before = SettingsView::new(settings.clone(), store.get_quota(connection.id).await?);
    if let Some(enabled) = args.enabled {
        settings.enabled = enabled;
    }
    if let Some(activity_type) = args.activity_type {
        settings.activity_type = activity_type;
    }
    // New filters drop the old logic (its numbers named the old filters); say so.
    let replaced = args.clear_filters || !args.filters.is_empty();
    let dropped_logic = settings
        .filter_logic
        .clone()
        .filter(|_| replaced && args.filter_logic.is_none());
    if args.clear_filters {
        settings.filters.clear();
        settings.filter_logic = None;
    } else if !args.filters.is_empty() {
        settings.filters = args.filters;
        settings.filter_logic = None;
    }
    if let Some(logic) = args.filter_logic {
        settings.filter_logic = Some(logic).filter(|l| !l.trim().is_empty());
    }
    if let Some(days) = args.backfill_days {
        settings.backfill_days = days;
    }
    if let Some(hours) = args.lookback_hours {
        settings.lookback_hours = hours;
    }
    if let Some(transcripts) = args.transcripts {
        settings.transcripts = transcripts;
    }
    let valid = validate_in(store.as_ref(), settings)
        .await?
        .map_err(|e| anyhow::anyhow!("settings of '{}' not saved: {e}", connection.name))?;
    store.put_settings(connection.id, &valid.settings).await?;
    if let Some(quota) = quota {
        store.set_quota(connection.id, &quota).await?;
    }
    let after = SettingsView::new(
        valid.settings.clone(),
        store.get_quota(connection.id).await?,
    );
    let action = if quota.is_some() && before.same_settings(&after) {
        AuditAction::QuotaChanged
    } else {
        AuditAction::SettingsChanged
    };
    let change = Audited::new(action, super::connection::target(&connection.name))
        .before(&before)
        .after(&after);
    super::audited(store, change).await;
    println!(
        "Saved settings of '{}'. Run `gong-timeline sync --connection '{}'` to sync with them now.",
        connection.name, connection.name
    );
    for (n, filter) in valid.filter.filters.iter().enumerate() {
        for value in filter.single_quoted_values() {
            let bare = &value[1..value.len() - 1];
            let fixed = valid.settings.filters[n].replace(value, bare);
            println!(
                "Note: filter {} compares with {value}, single quotes included, which likely matches nothing. \
                 Did you mean `{fixed}`? (Quote a value with double quotes when it needs quoting.)",
                n + 1,
            );
        }
    }
    if let Some(logic) = dropped_logic {
        println!(
            "The filter logic '{logic}' went with the filters it numbered: the new filters all have to match \
             (AND). Give --filter-logic with --filter to combine them otherwise."
        );
    }
    Ok(())
}

/// The budget `--daily-budget` and `--requests-per-second` ask for (Q1), checked
/// before anything is saved; `None` when neither is given.
async fn quota_from(
    store: &Arc<dyn Store>,
    connection_id: ConnectionId,
    args: &SettingsSetArgs,
) -> anyhow::Result<Option<QuotaSettings>> {
    if args.daily_budget.is_none() && args.requests_per_second.is_none() {
        return Ok(None);
    }
    let current = store.get_quota(connection_id).await?;
    let quota = current
        .with(args.daily_budget, args.requests_per_second)
        .map_err(|e| anyhow::anyhow!("settings not saved: {e}"))?;
    Ok(Some(quota))
}

/// Settings as SPEC's `settings show` prints them.
#[derive(Clone, Serialize, PartialEq)]
struct SettingsView {
    enabled: bool,
    activity_type: String,
    filters: Vec<String>,
    filter_logic: Option<String>,
    backfill_days: u32,
    lookback_hours: u32,
    /// S9: transcripts fetched, kept and searched.
    transcripts: bool,
    /// Q1: Gong requests in any 24 hours.
    daily_budget: u32,
    /// Q1: Gong requests per second at most.
    requests_per_second: f64,
}

impl SettingsView {
    /// Whether the settings (not the quota) are the same.
    fn same_settings(&self, other: &SettingsView) -> bool {
        SettingsView {
            daily_budget: other.daily_budget,
            requests_per_second: other.requests_per_second,
            ..self.clone()
        } == *other
    }

    fn new(s: Settings, quota: QuotaSettings) -> Self {
        SettingsView {
            daily_budget: quota.daily_budget,
            requests_per_second: quota.per_second,
            enabled: s.enabled,
            activity_type: s.activity_type,
            filters: s.filters,
            filter_logic: s.filter_logic,
            backfill_days: s.backfill_days,
            lookback_hours: s.lookback_hours,
            transcripts: s.transcripts,
        }
    }
}
