//! Integration settings of a connection (T1–T4): the Sync Gong Meetings toggle, the
//! activity type (active global types; Call and Meeting recommended), filters on
//! Company and User fields (a row each, + adds one), the advanced logic. Save
//! validates, stores and starts a sync; errors show next to their field.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::Form;
use gong_timeline_domain::filter::{Filter, Op};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{ActivityScope, ConnectionId, Settings};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::runs;
use crate::state::AppState;
use crate::ui::layout::{self, csrf_input, page};

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

async fn field_choices(state: &AppState) -> Result<Vec<String>, ApiError> {
    let mut company: BTreeSet<String> = ["name", "crm_account_id"].map(String::from).into();
    for c in state.store.list_companies().await? {
        company.extend(c.fields.into_keys());
    }
    let mut user: BTreeSet<String> = ["email", "name", "license_type", "status"]
        .map(String::from)
        .into();
    for u in state.store.list_users().await? {
        user.extend(u.fields.into_keys());
    }
    Ok(company
        .into_iter()
        .map(|f| format!("Company.{f}"))
        .chain(user.into_iter().map(|f| format!("User.{f}")))
        .collect())
}

fn filter_row(fields: &[String], (field, op, value): &Row) -> Markup {
    html! {
        div.filter-row {
            select name="field" aria-label="Field" {
                option value="" { "— field —" }
                @for f in fields { option value=(f) selected[f.eq_ignore_ascii_case(field)] { (f) } }
                @if !field.is_empty() && !fields.iter().any(|f| f.eq_ignore_ascii_case(field)) { option value=(field) selected { (field) } }
            }
            select name="op" aria-label="Operator" {
                @for o in OPERATORS { option value=(o) selected[*o == op] { (o) } }
            }
            input type="text" name="value" aria-label="Value" value=(value);
        }
    }
}

async fn render(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    settings: &Settings,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let c = state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("connection {id} does not exist")))?;
    let types = state.store.list_activity_types().await?;
    let fields = field_choices(state).await?;
    let mut rows: Vec<Row> = settings.filters.iter().map(|f| decompose(f)).collect();
    rows.push(Default::default());
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    Ok(page(
        &format!("Timeline settings — {}", c.name),
        s,
        html! {
            @if let Some(e) = error.filter(|e| e.field().is_none()) { p.error { (e.public_message()) } }
            form.card method="post" action={ "/connectors/" (id) "/settings" } id="settings-form" {
                (csrf_input(s))
                label { input type="checkbox" name="enabled" id="enabled" value="on" checked[settings.enabled]; " Sync Gong Meetings" }
                label { "Activity Type "
                    select name="activity_type" id="activity-type" {
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
                    @for row in &rows { (filter_row(&fields, row)) }
                    button type="button" id="add-filter" title="Add a filter" { "+" }
                    @if let Some(m) = err("filters") { pre.field-error id="filters-error" { (m) } }
                    label { "Advanced logic (optional, e.g. (1 AND 2) OR 3) " input type="text" name="filter_logic" id="filter-logic" value=(settings.filter_logic.clone().unwrap_or_default()); }
                }
                button type="submit" id="save-settings" { "Save" }
            }
        },
    ))
}

/// `GET /connectors/{id}/settings`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> Response {
    let result = async {
        let settings = state.store.get_settings(id).await?;
        render(&state, &s, id, &settings, None).await
    }
    .await;
    result
        .map(IntoResponse::into_response)
        .unwrap_or_else(|e| layout::error_page(&e))
}

/// `POST /connectors/{id}/settings`: validate → store → sync (trigger Save).
pub(crate) async fn save(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<SettingsForm>,
) -> Response {
    let current = match state.store.get_settings(id).await {
        Ok(c) => c,
        Err(e) => return layout::error_page(&e.into()),
    };
    let wanted = f.apply(current);
    match save_and_sync(&state, id, wanted.clone()).await {
        Ok(true) => Redirect::to(&format!("/connectors/{id}?sync=started")).into_response(),
        Ok(false) => Redirect::to(&format!("/connectors/{id}?updated=1")).into_response(),
        Err(error @ ApiError::Invalid { .. }) => {
            match render(&state, &s, id, &wanted, Some(&error)).await {
                Ok(markup) => (error.status(), markup).into_response(),
                Err(e) => layout::error_page(&e),
            }
        }
        Err(error) => layout::error_page(&error),
    }
}

/// T4: validates, stores and starts a sync with the new settings — unless the "Sync
/// Gong Meetings" toggle is off (C6): then it only saves. True when a sync started (or
/// one was already running).
pub async fn save_and_sync(
    state: &AppState,
    id: ConnectionId,
    settings: Settings,
) -> Result<bool, ApiError> {
    state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("connection {id} does not exist")))?;
    let valid = gong_timeline_sync::settings::validate_in(state.store.as_ref(), settings)
        .await?
        .map_err(settings_error)?;
    state.store.put_settings(id, &valid.settings).await?;
    if !valid.settings.enabled {
        return Ok(false);
    }
    match runs::start(state, id, Trigger::Save).await {
        Ok(()) => Ok(true),
        Err(ApiError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A settings error, naming its field.
pub fn settings_error(error: gong_timeline_sync::settings::SettingsError) -> ApiError {
    use gong_timeline_sync::settings::SettingsError as E;
    let field = match &error {
        E::UnknownActivityType { .. } | E::RefusedActivityType { .. } => "activity_type",
        E::Filter { .. } | E::UnknownField { .. } => "filters",
        E::OutOfRange { field, .. } => field,
    };
    ApiError::invalid(field, error)
}
