//! CSV imports in the UI: companies, persons, users and activity types, one upload
//! each. The same parsers and store methods as the CLI's `import` (all-or-nothing
//! per file); a refused file lists every bad row with its row, column and value.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use gong_timeline_store::ImportCounts;
use gong_timeline_sync::settings::{self as sync_settings, SettingsError};
use maud::{html, Markup};

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::imports::{cells, import, Kind, Refusal};
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{csrf_input, page};

/// The outcome shown above the forms.
enum Outcome {
    /// The counts, and the connections whose settings the import broke.
    Done(Kind, String, ImportCounts, Vec<(String, SettingsError)>),
    Refused(Option<Kind>, String, Refusal),
}

fn outcome(o: &Outcome) -> Markup {
    match o {
        Outcome::Done(kind, file, counts, broken) => html! {
            div.notice id="import-done" role="status" {
                "Imported " (kind.label().to_lowercase()) " from " strong { (file) } ": "
                (counts.inserted) " added, " (counts.updated) " updated."
            }
            @for (connection, problem) in broken {
                p.error.settings-broken role="alert" {
                    "After this import the settings of " strong { (connection) } " no longer hold: " (problem.to_string())
                    ". Change them on its Settings page before its next sync."
                }
            }
        },
        Outcome::Refused(kind, file, Refusal::Other(e)) => html! {
            div.error-box id="import-refused" role="alert" {
                p { @if let Some(k) = kind { (k.label()) ": " } (file) " was not imported: " (e.public_message()) }
            }
        },
        Outcome::Refused(kind, file, Refusal::Rows(errors)) => html! {
            div.error-box id="import-refused" role="alert" {
                p { strong { (file) } " was not imported"
                    @if let Some(k) = kind { " as " (k.label().to_lowercase()) }
                    ": " (errors.len()) @if errors.len() == 1 { " bad row" } @else { " bad rows" }
                    ". Nothing from this file was stored; fix the rows and upload it again." }
            }
            div.table-wrap role="region" tabindex="0" aria-label="The rows to fix" {
                table.import-errors id="import-errors" {
                    caption.muted.small { "The rows to fix (the header is row 1)" }
                    thead { tr { th scope="col" { "Row" } th scope="col" { "Column" } th scope="col" { "Value" } th scope="col" { "Problem" } } }
                    tbody {
                        @for e in errors {
                            @let (row, column, value, problem) = cells(e);
                            tr.bad-row data-row=(row) { td.num data-label="Row" { (row) } td data-label="Column" { (column) } td data-label="Value" { code { (value) } } td data-label="Problem" { (problem) } }
                        }
                    }
                }
            }
        },
    }
}

fn render(s: &AdminSession, result: Option<&Outcome>) -> Markup {
    page(
        "Imports",
        s,
        html! {
            p.muted { "Upload a CSV file (UTF-8, header on the first row). A file is imported whole or not at all: one bad row and nothing from it is stored. The same rules as " code { "gong-timeline import" } "." }
            @if let Some(o) = result { (outcome(o)) }
            div.grid {
                @for kind in Kind::ALL {
                    form.card method="post" action="/imports" enctype="multipart/form-data" id={ "import-" (kind.as_str()) } {
                        (csrf_input(s))
                        input type="hidden" name="kind" value=(kind.as_str());
                        h2 { (kind.label()) }
                        p.muted.small { "Columns: " code { (kind.columns()) } }
                        label { "CSV file" input type="file" name="file" accept=".csv,text/csv" required; }
                        button.primary type="submit" { "Import " (kind.label().to_lowercase()) }
                    }
                }
            }
        },
    )
}

/// `GET /imports`.
pub(crate) async fn page_get(Extension(s): Extension<AdminSession>) -> Response {
    render(&s, None).into_response()
}

/// The kind, file name and bytes of an upload.
async fn read_upload(mut form: Multipart) -> Result<(Option<Kind>, String, Vec<u8>), ApiError> {
    let (mut kind, mut name, mut bytes) = (None, String::new(), None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::invalid("file", format!("the upload could not be read ({e})")))?
    {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.unwrap_or_default();
                kind = Some(Kind::parse(&text).ok_or_else(|| {
                    ApiError::invalid("kind", format!("'{text}' is not an import type"))
                })?);
            }
            Some("file") => {
                name = field.file_name().unwrap_or("the file").to_string();
                let data = field.bytes().await.map_err(|e| {
                    ApiError::invalid("file", format!("the upload could not be read ({e})"))
                })?;
                bytes = Some(data.to_vec());
            }
            _ => {}
        }
    }
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::invalid("file", "choose a CSV file to upload"))?;
    Ok((kind, name, bytes))
}

/// `POST /imports` (multipart: `csrf`, `kind`, `file`).
pub(crate) async fn upload(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    form: Multipart,
) -> PageResult {
    let (kind, name, bytes) = match read_upload(form).await {
        Ok(upload) => upload,
        Err(e) => {
            let o = Outcome::Refused(None, "The upload".into(), Refusal::Other(e));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&s, Some(&o))).into_response());
        }
    };
    let kind = kind.ok_or_else(|| ApiError::invalid("kind", "the form names no import type"))?;
    match import(&state, &s, kind, &bytes).await {
        Ok(counts) => {
            tracing::info!(
                kind = kind.as_str(),
                counts.inserted,
                counts.updated,
                "An import from the web."
            );
            // Settings this import broke are said now, not at the next sync.
            let broken = sync_settings::broken_settings(state.store.as_ref())
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "Could not check the settings after an import.");
                    Vec::new()
                });
            Ok(render(&s, Some(&Outcome::Done(kind, name, counts, broken))).into_response())
        }
        Err(refusal) => {
            let status = match &refusal {
                Refusal::Rows(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Refusal::Other(e) => e.status(),
            };
            let page = render(&s, Some(&Outcome::Refused(Some(kind), name, refusal)));
            Ok((status, page).into_response())
        }
    }
}
