//! `activities [--company NAME]`: Timeline activities in SPEC's JSON shape
//! ([`ActivityView`], the API's too).

use std::sync::Arc;

use anyhow::Context;
use gong_timeline_store::{ActivityFilter, Store};
use gong_timeline_sync::views::ActivityView;

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
            search: args.search.clone(),
            ..ActivityFilter::default()
        })
        .await?;
    let rows: Vec<ActivityView> = activities.into_iter().map(ActivityView::from).collect();
    print_list(&rows, args.format)
}

impl TableRow for ActivityView {
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
