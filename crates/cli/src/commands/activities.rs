//! `activities [--company NAME]`: Timeline activities in SPEC's JSON shape.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Tracker;
use gong_timeline_domain::LicenseType;
use gong_timeline_store::{Activity, ActivityFilter, Store};
use serde::Serialize;

use crate::args::ActivitiesArgs;
use crate::output::{print_list, TableRow};

/// Lists activities, newest first.
pub async fn run(store: &Arc<dyn Store>, args: ActivitiesArgs) -> anyhow::Result<()> {
    let company_id = match &args.company {
        Some(name) => Some(
            store
                .company_by_name(name)
                .await?
                .with_context(|| format!("there is no company '{name}'"))?
                .id,
        ),
        None => None,
    };
    let activities = store
        .list_activities(ActivityFilter {
            company_id,
            ..ActivityFilter::default()
        })
        .await?;
    let rows: Vec<ActivityRow> = activities.into_iter().map(ActivityRow::from).collect();
    print_list(&rows, args.format)
}

#[derive(Serialize)]
struct CompanyRef {
    name: String,
    crm_account_id: Option<String>,
}

#[derive(Serialize)]
struct AuthorRef {
    id: i64,
    email: String,
    name: String,
    license_type: LicenseType,
}

#[derive(Serialize)]
struct Internal {
    email: Option<String>,
    name: Option<String>,
}

#[derive(Serialize)]
struct External {
    email: Option<String>,
    name: Option<String>,
    /// The matched company person's id; null when kept as name + email.
    person: Option<i64>,
}

#[derive(Serialize)]
struct ActivityRow {
    id: i64,
    external_id: String,
    gong_call_id: String,
    #[serde(rename = "type")]
    activity_type: String,
    subject: String,
    date: DateTime<Utc>,
    duration_seconds: Option<i64>,
    company: CompanyRef,
    author: Option<AuthorRef>,
    internal_attendees: Vec<Internal>,
    external_attendees: Vec<External>,
    trackers: Vec<Tracker>,
    trackers_message: Option<String>,
    recording_url: Option<String>,
    notes: Option<String>,
}

impl From<Activity> for ActivityRow {
    fn from(a: Activity) -> Self {
        ActivityRow {
            id: a.id,
            external_id: a.external_id,
            gong_call_id: a.gong_call_id,
            activity_type: a.activity_type,
            subject: a.subject,
            date: a.date,
            duration_seconds: a.duration_seconds,
            company: CompanyRef {
                name: a.company.name,
                crm_account_id: a.company.crm_account_id,
            },
            author: a.author.map(|u| AuthorRef {
                id: u.id,
                email: u.email,
                name: u.name,
                license_type: u.license_type,
            }),
            internal_attendees: a
                .internal_attendees
                .into_iter()
                .map(|i| Internal {
                    email: i.email,
                    name: i.name,
                })
                .collect(),
            external_attendees: a
                .external_attendees
                .into_iter()
                .map(|e| External {
                    email: e.email,
                    name: e.name,
                    person: e.person_id,
                })
                .collect(),
            trackers: a.trackers.unwrap_or_default(),
            trackers_message: a.trackers_message,
            recording_url: a.recording_url,
            notes: a.notes,
        }
    }
}

impl TableRow for ActivityRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "id", "date", "type", "subject", "company", "author", "trackers",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.date.format("%Y-%m-%d %H:%M").to_string(),
            self.activity_type.clone(),
            self.subject.clone(),
            self.company.name.clone(),
            self.author
                .as_ref()
                .map(|a| a.email.clone())
                .unwrap_or_default(),
            if self.trackers.is_empty() {
                self.trackers_message.clone().unwrap_or_default()
            } else {
                self.trackers
                    .iter()
                    .map(|t| format!("{} ({})", t.name, t.count))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ]
    }
}
