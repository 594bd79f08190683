//! The settings page: the toggle, the activity type (active global types; Call and
//! Meeting recommended), the numbered filter rows with each field's type, the
//! advanced logic, a preview's figures; each error beside its row or field.

use std::collections::BTreeSet;

use gong_timeline_domain::filter::{FieldType, Object, MEETING_FIELDS};
use gong_timeline_store::{ActivityScope, ConnectionId, Settings};
use gong_timeline_sync::preview::Preview;
use maud::{html, Markup};

use super::form::{numbers, Row, OPERATORS};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::lookup;
use crate::state::AppState;
use crate::ui::layout::{csrf_input, page};

/// Every filterable field (`Company.arr`, `Meeting.title`) with its type (T5, T6).
async fn field_choices(state: &AppState) -> Result<Vec<(String, Option<FieldType>)>, ApiError> {
    let types = gong_timeline_sync::settings::field_types(state.store.as_ref()).await?;
    let meeting: Vec<&str> = MEETING_FIELDS.iter().map(|(name, _)| *name).collect();
    let mut out = Vec::new();
    for (object, builtin) in [
        (Object::Company, &["name", "crm_account_id"][..]),
        (
            Object::User,
            &["email", "name", "license_type", "status"][..],
        ),
        (Object::Meeting, &meeting[..]),
    ] {
        let known = types.of(object);
        let mut names: BTreeSet<String> = builtin.iter().map(|f| f.to_string()).collect();
        names.extend(known.keys().cloned());
        for name in names {
            out.push((format!("{object}.{name}"), known.get(&name).copied()));
        }
    }
    Ok(out)
}

/// One numbered row; `number` is its filter number (blank rows have none).
fn filter_row(
    fields: &[(String, Option<FieldType>)],
    index: usize,
    number: Option<usize>,
    (field, op, value): &Row,
    error: Option<String>,
) -> Markup {
    let label = number.map_or_else(|| "New filter".to_string(), |n| format!("Filter {n}"));
    let error_id = format!("filter-{}-error", index + 1);
    html! {
        div.filter-row id={ "filter-row-" (index + 1) } {
            span.filter-number aria-hidden="true" { (number.map_or_else(|| "+".to_string(), |n| n.to_string())) }
            select name="field" aria-label={ (label) " field" } {
                option value="" { "— field —" }
                @for (f, ty) in fields {
                    option value=(f) selected[f.eq_ignore_ascii_case(field)] {
                        (f) @if let Some(ty) = ty { " (" (ty) ")" }
                    }
                }
                @if !field.is_empty() && !fields.iter().any(|(f, _)| f.eq_ignore_ascii_case(field)) { option value=(field) selected { (field) } }
            }
            select name="op" aria-label={ (label) " operator" } {
                @for o in OPERATORS { option value=(o) selected[*o == op] { (o) } }
                @if !op.is_empty() && !OPERATORS.contains(&op.as_str()) { option value=(op) selected { (op) } }
            }
            input type="text" name="value" aria-label={ (label) " value" } value=(value)
                aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| error_id.as_str())];
            button.remove-filter type="submit" name="intent" value={ "remove-" (index) } aria-label={ "Remove " (label.to_lowercase()) } formnovalidate { "×" }
            @if let Some(m) = error { span.field-error id=(error_id) { (m) } }
        }
    }
}

pub(super) async fn render(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    settings: &Settings,
    rows: Vec<Row>,
    error: Option<&ApiError>,
    preview: Option<&Preview>,
) -> Result<Markup, ApiError> {
    let c = lookup::connection(state, id).await?;
    // The saved settings checked against the data as it is now: flagged until fixed;
    // the row at fault is marked too unless the form is showing its own error.
    let stale = super::stale::no_longer_hold(state, id).await?;
    let error = error.or(stale.as_ref().filter(|_| preview.is_none()));
    let types = state.store.list_activity_types().await?;
    let fields = field_choices(state).await?;
    let numbers = numbers(&rows);
    let row_error = |number: Option<usize>| {
        let wanted = format!("filters.{}", number?);
        error
            .filter(|e| e.field() == Some(wanted.as_str()))
            .map(|e| e.public_message())
    };
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    Ok(page(
        &format!("Timeline settings — {}", c.name),
        s,
        html! {
            @if let Some(e) = &stale { (super::stale::on_settings_page(e)) }
            @if let Some(e) = error.filter(|e| e.field().is_none()) { div.error-box role="alert" { p.error { (e.public_message()) } } }
            form.card method="post" action={ "/connectors/" (id) "/settings" } id="settings-form" {
                (csrf_input(s))
                label.check { input type="checkbox" name="enabled" id="enabled" value="on" checked[settings.enabled]; " Sync Gong Meetings" }
                label { "Activity Type "
                    select name="activity_type" id="activity-type" aria-describedby=[err("activity_type").map(|_| "activity-type-error")] aria-invalid=[err("activity_type").map(|_| "true")] {
                        @for t in types.iter().filter(|t| t.active && t.scope == ActivityScope::Global) {
                            @let recommended = t.name.eq_ignore_ascii_case("Call") || t.name.eq_ignore_ascii_case("Meeting");
                            option value=(t.name) selected[t.name.eq_ignore_ascii_case(&settings.activity_type)] {
                                (t.name) @if recommended { " (recommended)" }
                            }
                        }
                        @if !types.iter().any(|t| t.active && t.scope == ActivityScope::Global && t.name.eq_ignore_ascii_case(&settings.activity_type)) {
                            option value=(settings.activity_type) selected { (settings.activity_type) }
                        }
                    }
                }
                span.recommended { "Call and Meeting are recommended: they carry internal and external attendees." }
                @if let Some(m) = err("activity_type") { span.field-error id="activity-type-error" { (m) } }
                label.check { input type="checkbox" name="transcripts" id="transcripts" value="on" checked[settings.transcripts] aria-describedby="transcripts-hint"; " Fetch transcripts" }
                p.hint id="transcripts-hint" { "One Gong request per 100 calls; needs the " code { "api:calls:read:transcript" } " scope (an OAuth connection authorised before must Re-authorise)." }
                fieldset id="filters" {
                    legend { "Filters (Company, User and Meeting fields)" }
                    p.hint { "Each field shows its type (text, number, date, boolean); operators and values must fit it. Rows are numbered for the advanced logic." }
                    p.hint id="meeting-filter-help" { "Company is the meeting's company, User its author, Meeting the call itself (" (MEETING_FIELDS.map(|(name, _)| name).join(", ")) "): e.g. " code { "Meeting.title not contains interview" } " keeps interviews off the Timeline." }
                    @for (i, row) in rows.iter().enumerate() { (filter_row(&fields, i, numbers[i], row, row_error(numbers[i]))) }
                    button type="submit" name="intent" value="add-row" id="add-filter" title="Add a filter" formnovalidate { "+ Add a filter" }
                    @if let Some(m) = err("filters") { pre.field-error id="filters-error" { (m) } }
                    label for="filter-logic" { "Advanced logic (optional, e.g. (1 AND 2) OR 3)" }
                    input type="text" name="filter_logic" id="filter-logic" value=(settings.filter_logic.clone().unwrap_or_default());
                    @if let Some(m) = err("filter_logic") { pre.field-error id="filter-logic-error" { (m) } }
                }
                @if let Some(p) = preview {
                    div.notice id="preview" role="status" {
                        p { strong id="preview-pass" { (p.pass) } " of the " (p.stored) " stored meetings of the last " (p.days) " days would pass these filters." }
                        p.hint { (p.filtered_out) " filtered out, " (p.private) " private, " (p.unresolved) " without a company or author yet. Nothing was saved." }
                    }
                }
                button type="submit" name="intent" value="preview" id="preview-settings" { "Preview" }
                " "
                button.primary type="submit" name="intent" value="save" id="save-settings" { "Save" }
            }
        },
    ))
}
