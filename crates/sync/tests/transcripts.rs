//! S9 against a real SQLite file and the simulator on a random port: with
//! transcripts on, a sync ends with every activity's transcript, one request per
//! 100 calls, speakers named from the call's parties and the words searchable; the
//! next sync asks again only for the empty ones of recent calls (Gong transcribes a
//! call some time after it ends); with transcripts off none is asked for.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gong_timeline_domain::meeting::Affiliation;
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::transcript::{AskAgain, Transcript};
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_gong::TRANSCRIPT_SCOPE;
use gong_timeline_gong_sim::oauth::ALL_SCOPES;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::ActivityFilter;
use gong_timeline_store::ActivityId;
use gong_timeline_store::ConnectionStatus;
use support::World;

mod support;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 4, 30, 0).unwrap()
}

async fn world(transcripts: bool) -> World {
    let config = SimConfig {
        calls: 260,
        days: 30,
        now: Some(start()),
        // No 429 to retry: each request counted is one the test expects.
        limits: Limits {
            enabled: false,
            ..Limits::default()
        },
        ..SimConfig::default()
    };
    let w = support::world(config, start()).await;
    w.set_transcripts(transcripts).await;
    w
}

impl World {
    /// Turns transcripts on or off for the connection, as `settings set` does.
    async fn set_transcripts(&self, on: bool) {
        let mut settings = self.store.get_settings(self.connection_id).await.unwrap();
        settings.transcripts = on;
        self.store
            .put_settings(self.connection_id, &settings)
            .await
            .unwrap();
    }

    async fn sync(&self, at: DateTime<Utc>) {
        self.run(at, Trigger::Manual).await;
    }

    async fn run(&self, at: DateTime<Utc>, trigger: Trigger) {
        self.run_job_at(at, trigger).await;
    }

    async fn transcript_requests(&self) -> u64 {
        let counts = self
            .store
            .gong_requests_since(self.connection_id, start() - Duration::days(2))
            .await
            .unwrap();
        counts
            .iter()
            .filter(|c| c.purpose == Purpose::Transcripts)
            .inspect(|c| assert_eq!(c.endpoint, "/v2/calls/transcript"))
            .map(|c| c.requests)
            .sum()
    }

    /// The activities a sync at `at` asks a transcript for: those without one and
    /// those whose empty one is due again.
    async fn wanted_at(&self, at: DateTime<Utc>) -> Vec<ActivityId> {
        let wanted = self
            .store
            .transcripts_wanted(self.connection_id, AskAgain::at(at), None, 10_000)
            .await
            .unwrap();
        wanted.into_iter().map(|w| w.activity_id).collect()
    }

    async fn transcript_of(&self, id: ActivityId) -> Transcript {
        let stored = self.store.get_transcript(id).await.unwrap();
        stored.expect("a transcript is stored").transcript
    }

    async fn activity_ids(&self, search: Option<&str>) -> Vec<ActivityId> {
        let filter = ActivityFilter {
            connection_id: Some(self.connection_id),
            search: search.map(str::to_owned),
            limit: Some(10_000),
            ..ActivityFilter::default()
        };
        let found = self.store.list_activities(filter).await.unwrap();
        found.into_iter().map(|a| a.id).collect()
    }
}

#[tokio::test]
async fn s9_a_sync_fetches_every_transcript_100_calls_a_request_named_and_searchable() {
    let w = world(true).await;
    w.sync(start()).await;
    let activities = w.activity_ids(None).await;
    assert!(activities.len() > 150, "{} activities", activities.len());

    let stats = w
        .store
        .transcript_stats(Some(w.connection_id))
        .await
        .unwrap();
    assert_eq!(stats.transcripts, activities.len() as u64, "one each");
    assert!(stats.empty < stats.transcripts / 2, "{stats:?}");
    let expected = activities.len().div_ceil(100) as u64;
    assert_eq!(
        w.transcript_requests().await,
        expected,
        "100 calls a request"
    );
    let served = w.sim.controls().stats().per_path;
    assert_eq!(
        served.get("POST /v2/calls/transcript"),
        Some(&expected),
        "as served"
    );

    // Speakers are named and sided; the words are found by search.
    let mut named = 0;
    let mut searched = 0;
    for id in activities.iter().take(20) {
        let stored = w.store.get_transcript(*id).await.unwrap().expect("stored");
        let Some(first) = stored.transcript.monologues.first() else {
            continue;
        };
        if first.speaker.name.is_some() && first.speaker.affiliation != Affiliation::Unknown {
            named += 1;
        }
        let words = &first.sentences[0].text;
        if w.activity_ids(Some(words)).await.contains(id) {
            searched += 1;
        }
    }
    assert!(named >= 15, "{named} of 20 first speakers named");
    assert!(
        searched >= 15,
        "{searched} of 20 found by their first sentence"
    );

    // The next sync asks for no transcript it has, but the empty ones of the last
    // three days' calls (Gong may have made them since).
    let next = start() + Duration::hours(4);
    let due = w.wanted_at(next).await;
    assert!(due.len() < 100, "{} due again", due.len());
    w.sync(next).await;
    assert_eq!(
        w.transcript_requests().await,
        expected + due.len().div_ceil(100) as u64,
        "only the empty ones of recent calls asked again: {due:?}"
    );
}

#[tokio::test]
async fn s9_a_transcript_gong_had_not_made_yet_is_fetched_by_a_later_sync_for_three_days() {
    // The history first, to know the calls; then the newest and the oldest calls
    // are not transcribed yet when transcripts are turned on.
    let w = world(false).await;
    w.sync(start()).await;
    let filter = ActivityFilter {
        connection_id: Some(w.connection_id),
        limit: Some(10_000),
        ..ActivityFilter::default()
    };
    let activities = w.store.list_activities(filter).await.unwrap();
    let newest = &activities[..3];
    let oldest = &activities[activities.len() - 3..];
    assert!(newest.iter().all(|a| a.date > start() - Duration::days(2)));
    assert!(oldest.iter().all(|a| a.date < start() - Duration::days(4)));
    let late = newest.iter().chain(oldest);
    w.sim
        .controls()
        .set_untranscribed(late.clone().map(|a| a.gong_call_id.to_string()));
    w.set_transcripts(true).await;
    w.sync(start() + Duration::hours(4)).await;
    for a in late.clone() {
        assert!(w.transcript_of(a.id).await.is_empty(), "not made yet");
    }

    // Gong has made them; a sync two hours later is too soon to ask again.
    w.sim.controls().set_untranscribed(Vec::<String>::new());
    let asked = w.transcript_requests().await;
    w.sync(start() + Duration::hours(6)).await;
    assert_eq!(w.transcript_requests().await, asked, "too soon");

    // The next slot asks again for the recent calls only.
    w.sync(start() + Duration::hours(8)).await;
    assert_eq!(w.transcript_requests().await, asked + 1, "one request");
    for a in newest {
        assert!(!w.transcript_of(a.id).await.is_empty(), "fetched again");
    }
    for a in oldest {
        assert!(
            w.transcript_of(a.id).await.is_empty(),
            "too old to ask again"
        );
    }
}

#[tokio::test]
async fn s9_a_webhook_batch_fetches_one_request_of_transcripts_and_leaves_the_history_to_the_slot()
{
    // A history synced before transcripts were turned on.
    let w = world(false).await;
    w.sync(start()).await;
    let activities = w.activity_ids(None).await.len() as u64;
    assert!(activities > 200, "{activities}");
    w.set_transcripts(true).await;

    let pushed = w.sim.dataset().call_id(0).unwrap();
    w.store
        .enqueue_webhook_call(w.connection_id, &pushed.into(), start())
        .await
        .unwrap();
    w.run(start() + Duration::minutes(5), Trigger::Webhook)
        .await;
    assert_eq!(
        w.transcript_requests().await,
        1,
        "a webhook batch: one request"
    );
    let stats = w
        .store
        .transcript_stats(Some(w.connection_id))
        .await
        .unwrap();
    assert_eq!(stats.transcripts, 100, "the newest 100");

    let slot = start() + Duration::hours(4);
    // Every activity without a transcript, and the batch's empty ones of recent
    // calls once more.
    let wanted = w.wanted_at(slot).await.len() as u64;
    assert!(wanted >= activities - 100, "{wanted}");
    w.run(slot, Trigger::Schedule).await;
    let stats = w
        .store
        .transcript_stats(Some(w.connection_id))
        .await
        .unwrap();
    assert_eq!(
        stats.transcripts, activities,
        "the slot's job fetches the rest"
    );
    let rest = wanted.div_ceil(100);
    assert_eq!(
        w.transcript_requests().await,
        1 + rest,
        "the rest, 100 a request"
    );
}

#[tokio::test]
async fn s9_with_transcripts_off_none_is_asked_for() {
    let w = world(false).await;
    w.sync(start()).await;
    assert!(!w.activity_ids(None).await.is_empty());
    assert_eq!(w.transcript_requests().await, 0);
    let stats = w.store.transcript_stats(None).await.unwrap();
    assert_eq!(stats.transcripts, 0);
}

impl World {
    /// Makes the connection an OAuth one whose token was granted `scope`.
    async fn authorise_with(&self, scope: &str) {
        let credentials = support::oauth_credentials(&self.sim, scope).await;
        self.store
            .update_credentials(self.connection_id, credentials)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn s9_without_the_transcript_scope_the_meetings_sync_and_the_job_says_what_to_do() {
    let w = world(true).await;
    let without: Vec<&str> = ALL_SCOPES
        .split_whitespace()
        .filter(|s| *s != TRANSCRIPT_SCOPE)
        .collect();
    w.authorise_with(&without.join(" ")).await;

    let refused = w.job_at(start(), Trigger::Manual).await;
    assert_eq!(refused.status, JobStatus::PartialSuccess, "{refused:?}");
    let message = refused.message.unwrap_or_default();
    for words in [
        "The meetings were synced, but not their transcripts.",
        "missing the scope 'api:calls:read:transcript'",
        "re-authorise the connection",
        "Or turn transcripts off",
    ] {
        assert!(message.contains(words), "{words:?} in {message:?}");
    }
    let activities = w.activity_ids(None).await;
    assert!(activities.len() > 150, "{} activities", activities.len());
    assert_eq!(refused.counts.created, activities.len() as u64);
    let connection = w.store.get_connection(w.connection_id).await.unwrap();
    assert_eq!(
        connection.unwrap().status,
        ConnectionStatus::Authorised,
        "meetings keep syncing: the connection is not stopped"
    );
    let stats = w.store.transcript_stats(Some(w.connection_id)).await;
    assert_eq!(stats.unwrap().transcripts, 0);

    // Re-authorised with the scope, the next sync fetches them all.
    w.authorise_with("").await;
    let next = w
        .job_at(start() + Duration::hours(4), Trigger::Manual)
        .await;
    assert_eq!(next.status, JobStatus::Success, "{next:?}");
    let stats = w.store.transcript_stats(Some(w.connection_id)).await;
    assert_eq!(stats.unwrap().transcripts, activities.len() as u64);
}
