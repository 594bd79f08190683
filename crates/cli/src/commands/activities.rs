//! `activities [--company NAME] [--search TEXT]`: Timeline activities in SPEC's JSON
//! shape ([`ActivityView`], the API's too); `activities --transcript ID`: one
//! activity's transcript ([`TranscriptView`], S9).

use gong_timeline_store::ActivityId;
use std::sync::Arc;

use anyhow::Context;
use gong_timeline_store::{ActivityFilter, Store};
use gong_timeline_sync::views::{ActivityView, TranscriptView};

use crate::args::{ActivitiesArgs, Format};
use crate::output::{print_list, print_object, TableRow};

/// Lists activities, newest first (or prints one's transcript).
pub async fn run(store: &Arc<dyn Store>, args: ActivitiesArgs) -> anyhow::Result<()> {
    if let Some(id) = args.transcript {
        return transcript(store, id, args.format).await;
    }
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

/// Prints activity `id`'s transcript (S9): JSON as the API gives it, or a table of
/// sentences.
async fn transcript(store: &Arc<dyn Store>, id: ActivityId, format: Format) -> anyhow::Result<()> {
    store.get_activity(id).await?.with_context(|| {
        format!("there is no activity {id}; list them with `gong-timeline activities`")
    })?;
    let stored = store.get_transcript(id).await?.with_context(|| {
        format!(
            "activity {id} has no transcript yet: turn transcripts on with \
             `gong-timeline settings set --connection NAME --transcripts true`, and the next sync fetches it"
        )
    })?;
    let view = TranscriptView::from(stored);
    if format == Format::Json {
        return print_object(&view, format);
    }
    if view.monologues.is_empty() {
        println!(
            "Gong has no transcript of activity {id} (nobody spoke, or it was not transcribed)."
        );
        return Ok(());
    }
    let rows: Vec<SentenceRow> = view
        .monologues
        .iter()
        .flat_map(|m| {
            m.sentences.iter().map(move |s| SentenceRow {
                at: s.at.clone(),
                speaker: m.speaker.clone(),
                side: m.affiliation.as_str().to_owned(),
                text: s.text.clone(),
            })
        })
        .collect();
    print_list(&rows, format)
}

/// One sentence of a transcript, as a table row.
#[derive(serde::Serialize)]
struct SentenceRow {
    at: String,
    speaker: String,
    side: String,
    text: String,
}

impl TableRow for SentenceRow {
    fn headers() -> Vec<&'static str> {
        vec!["at", "speaker", "side", "text"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.at.clone(),
            self.speaker.clone(),
            self.side.clone(),
            self.text.clone(),
        ]
    }
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
