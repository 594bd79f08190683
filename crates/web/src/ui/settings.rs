//! Integration settings of a connection (T1–T5): the Sync Gong Meetings toggle, the
//! activity type (active global types; Call and Meeting recommended), filters on
//! Company and User fields (numbered rows, as the advanced logic refers to them; each
//! field shows its type; + adds a row, × removes one — plain form posts that keep
//! what was typed), the advanced logic. Save validates, stores and starts a sync
//! (only saves with the toggle off); a refused Save keeps every row as typed and
//! shows each error next to its row or field.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use axum_extra::extract::Form;
use gong_timeline_domain::filter::{FieldType, Filter, Object, Op};
use gong_timeline_store::{ActivityScope, ConnectionId, Settings};
use gong_timeline_sync::preview::Preview;
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::connections;
use crate::service::settings::{preview, save_and_sync};
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};
use crate::ui::layout::{csrf_input, page};

/// Operators offered, as the filter grammar spells them.
pub const OPERATORS: &[&str] = &[
    "=",
    "!=",
    "contains",
    "not contains",
    "in",
    "not in",
    ">",
    "<",
    ">=",
    "<=",
    "is empty",
    "is not empty",
];

/// The settings form: parallel lists, one entry per filter row.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    activity_type: String,
    #[serde(default)]
    field: Vec<String>,
    #[serde(default)]
    op: Vec<String>,
    #[serde(default)]
    value: Vec<String>,
    #[serde(default)]
    filter_logic: String,
    /// Which button: `save` (default), `add-row`, `remove-N` (0-based row), `preview`.
    #[serde(default)]
    intent: String,
}

/// One filter row: field (`Company.industry`), operator, value.
type Row = (String, String, String);

/// A row back to the filter grammar; `None` for a blank row.
pub fn compose((field, op, value): &Row) -> Option<String> {
    let (field, op, value) = (field.trim(), op.trim(), value.trim());
    if field.is_empty() {
        return None;
    }
    Some(match op {
        "is empty" | "is not empty" => format!("{field} {op}"),
        "in" | "not in" if !value.starts_with('(') => format!("{field} {op} ({value})"),
        _ => format!("{field} {op} {value}"),
    })
}

fn decompose(text: &str) -> Row {
    let Ok(f) = text.parse::<Filter>() else {
        return (text.to_string(), String::new(), String::new());
    };
    let field = format!("{}.{}", f.object, f.field);
    let one = |word: &str, v: &gong_timeline_domain::filter::Value| {
        (field.clone(), word.to_string(), v.text().to_string())
    };
    let many = |word: &str, vs: &[gong_timeline_domain::filter::Value]| {
        let joined = vs.iter().map(|v| v.text()).collect::<Vec<_>>().join(", ");
        (field.clone(), word.to_string(), joined)
    };
    match &f.op {
        Op::Eq(v) => one("=", v),
        Op::Ne(v) => one("!=", v),
        Op::Contains(v) => one("contains", v),
        Op::NotContains(v) => one("not contains", v),
        Op::In(vs) => many("in", vs),
        Op::NotIn(vs) => many("not in", vs),
        Op::Gt(v) => one(">", v),
        Op::Lt(v) => one("<", v),
        Op::Ge(v) => one(">=", v),
        Op::Le(v) => one("<=", v),
        Op::IsEmpty => (field, "is empty".into(), String::new()),
        Op::IsNotEmpty => (field, "is not empty".into(), String::new()),
    }
}

impl SettingsForm {
    fn rows(&self) -> Vec<Row> {
        (0..self.field.len())
            .map(|i| {
                let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                (get(&self.field), get(&self.op), get(&self.value))
            })
            .collect()
    }

    /// The settings this form asks for, over `current`.
    pub(crate) fn apply(&self, current: Settings) -> Settings {
        Settings {
            enabled: self.enabled.is_some(),
            activity_type: self.activity_type.trim().to_string(),
            filters: self.rows().iter().filter_map(compose).collect(),
            filter_logic: Some(self.filter_logic.trim().to_string()).filter(|l| !l.is_empty()),
            ..current
        }
    }
}

/// Every filterable field (`Company.arr`) with its type (T5).
async fn field_choices(state: &AppState) -> Result<Vec<(String, Option<FieldType>)>, ApiError> {
    let types = gong_timeline_sync::settings::field_types(state.store.as_ref()).await?;
    let mut out = Vec::new();
    for (object, builtin) in [
        (Object::Company, &["name", "crm_account_id"][..]),
        (
            Object::User,
            &["email", "name", "license_type", "status"][..],
        ),
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

/// The filter number of each row: blank rows are not filters and get none.
fn numbers(rows: &[Row]) -> Vec<Option<usize>> {
    let mut n = 0;
    rows.iter()
        .map(|row| {
            compose(row).map(|_| {
                n += 1;
                n
            })
        })
        .collect()
}

async fn render(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    settings: &Settings,
    rows: Vec<Row>,
    error: Option<&ApiError>,
    preview: Option<&Preview>,
) -> Result<Markup, ApiError> {
    let c = connections::get(state, id).await?;
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
                fieldset id="filters" {
                    legend { "Filters (Company and User fields)" }
                    p.hint { "Each field shows its type (text, number, date, boolean); operators and values must fit it. Rows are numbered for the advanced logic." }
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

/// `GET /connectors/{id}/settings`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult<Markup> {
    let settings = state.store.get_settings(id).await?;
    let mut rows: Vec<Row> = settings.filters.iter().map(|f| decompose(f)).collect();
    rows.push(Row::default());
    Ok(render(&state, &s, id, &settings, rows, None, None).await?)
}

/// Which button sent the settings form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    /// Save (the default: Enter in a field).
    Save,
    /// + Add a filter.
    AddRow,
    /// × on row N (0-based).
    Remove(usize),
    /// Preview.
    Preview,
}

impl Intent {
    /// The form's `intent`; anything else (none, a bad row number) is Save.
    fn parse(text: &str) -> Intent {
        match text {
            "add-row" => Intent::AddRow,
            "preview" => Intent::Preview,
            _ => match text.strip_prefix("remove-").map(str::parse::<usize>) {
                Some(Ok(at)) => Intent::Remove(at),
                _ => Intent::Save,
            },
        }
    }
}

/// Removes row `at` (if there is one), keeping one row to type into.
fn remove_row(rows: &mut Vec<Row>, at: usize) {
    if at < rows.len() {
        rows.remove(at);
    }
    if rows.is_empty() {
        rows.push(Row::default());
    }
}

/// `POST /connectors/{id}/settings`: validate → store → sync (trigger Save); the
/// other buttons show the form again, rows as typed.
pub(crate) async fn save(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let wanted = f.apply(state.store.get_settings(id).await?);
    let mut rows = f.rows();
    let preview = match Intent::parse(&f.intent) {
        Intent::AddRow => {
            rows.push(Row::default());
            None
        }
        Intent::Remove(at) => {
            remove_row(&mut rows, at);
            None
        }
        Intent::Preview => match preview(&state, id, wanted.clone()).await {
            Ok(p) => Some(p),
            Err(error @ ApiError::Invalid { .. }) => {
                return rendered(&state, &s, id, &wanted, rows, Some(&error), None).await
            }
            Err(error) => return Err(error.into()),
        },
        Intent::Save => return saved(&state, &s, id, wanted, rows).await,
    };
    rendered(&state, &s, id, &wanted, rows, None, preview.as_ref()).await
}

/// Save: on to the connection's page, or the form again with the refusal.
async fn saved(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    wanted: Settings,
    rows: Vec<Row>,
) -> PageResult {
    match save_and_sync(state, id, wanted.clone()).await {
        Ok(true) => Ok(Redirect::to(&format!("/connectors/{id}?sync=started")).into_response()),
        Ok(false) => Ok(Redirect::to(&format!("/connectors/{id}?updated=1")).into_response()),
        Err(error @ ApiError::Invalid { .. }) => {
            rendered(state, s, id, &wanted, rows, Some(&error), None).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The form again, rows as typed, with the error's status when there is one.
async fn rendered(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    settings: &Settings,
    rows: Vec<Row>,
    error: Option<&ApiError>,
    preview: Option<&Preview>,
) -> PageResult {
    let markup = render(state, s, id, settings, rows, error, preview).await?;
    Ok(match error {
        Some(e) => refused(e, markup),
        None => markup.into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_button_is_read_from_the_intent_and_anything_else_saves() {
        assert_eq!(Intent::parse("add-row"), Intent::AddRow);
        assert_eq!(Intent::parse("preview"), Intent::Preview);
        assert_eq!(Intent::parse("remove-2"), Intent::Remove(2));
        assert_eq!(Intent::parse("remove-x"), Intent::Save);
        assert_eq!(Intent::parse(""), Intent::Save);
        assert_eq!(Intent::parse("save"), Intent::Save);
    }

    #[test]
    fn removing_a_row_keeps_one_to_type_into_and_ignores_a_row_not_there() {
        let row = |f: &str| (f.to_string(), "=".to_string(), "x".to_string());
        let mut rows = vec![row("a"), row("b")];
        remove_row(&mut rows, 5);
        assert_eq!(rows.len(), 2);
        remove_row(&mut rows, 0);
        assert_eq!(rows, [row("b")]);
        remove_row(&mut rows, 0);
        assert_eq!(rows, [Row::default()]);
    }

    #[test]
    fn a_row_composes_back_to_the_filter_grammar() {
        let row = |f: &str, op: &str, v: &str| (f.to_string(), op.to_string(), v.to_string());
        assert_eq!(compose(&row("", "=", "x")), None);
        assert_eq!(
            compose(&row(" Company.name ", "is empty", "ignored")).as_deref(),
            Some("Company.name is empty")
        );
        assert_eq!(
            compose(&row("User.email", "in", "a, b")).as_deref(),
            Some("User.email in (a, b)")
        );
        assert_eq!(
            compose(&row("Company.arr", ">", "10")).as_deref(),
            Some("Company.arr > 10")
        );
    }
}
