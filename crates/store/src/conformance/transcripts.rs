//! Checks of transcripts (S9): which activities want one, storing, reading,
//! searching, and that a transcript goes with its activity.

use gong_timeline_domain::meeting::{Affiliation, SpeakerLink};
use gong_timeline_domain::transcript::{AskAgain, Monologue, Sentence, Speaker, Transcript};

use super::fixtures::*;
use crate::records::*;
use crate::Store;

fn said(text: &str) -> Transcript {
    Transcript {
        monologues: vec![Monologue {
            speaker: Speaker {
                name: Some("Raj Patel".into()),
                affiliation: Affiliation::External,
            },
            topic: Some("Security".into()),
            sentences: vec![Sentence {
                start_ms: 4000,
                end_ms: 6500,
                text: text.into(),
            }],
        }],
    }
}

fn stored(activity_id: ActivityId, transcript: Transcript) -> StoredTranscript {
    StoredTranscript {
        activity_id,
        transcript,
        fetched_at: at(30),
    }
}

/// When no empty transcript stored at `at(30)` is due again yet.
fn too_soon() -> AskAgain {
    AskAgain::at(at(30))
}

async fn wanted_calls(store: &dyn Store, conn: ConnectionId, again: AskAgain) -> Vec<GongCallId> {
    let wanted = store
        .transcripts_wanted(conn, again, None, 100)
        .await
        .expect("wanted");
    wanted.into_iter().map(|w| w.gong_call_id).collect()
}

fn searching(text: &str) -> ActivityFilter {
    ActivityFilter {
        search: Some(text.into()),
        ..ActivityFilter::default()
    }
}

async fn found(store: &dyn Store, text: &str) -> Vec<GongCallId> {
    let found = store
        .list_activities(searching(text))
        .await
        .expect("search");
    found.into_iter().map(|a| a.gong_call_id).collect()
}

/// The activities without a transcript are wanted newest first with their stored
/// meeting; a stored transcript (an empty one too, until it is due again) is no
/// longer wanted, reads back,
/// is found by its words (all of them, in any order), and goes with its activity (words and all).
pub async fn transcripts_are_kept_searched_and_go_with_their_activity(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    p.upserts = vec![
        upsert(conn.id, "c1", acme, 10, 1),
        upsert(conn.id, "c2", acme, 20, 1),
        upsert(conn.id, "c3", acme, 30, 1),
    ];
    let mut meeting = super::meetings::meeting("c1", 10);
    meeting.speakers = vec![SpeakerLink {
        speaker_id: "s1".into(),
        party: 0,
    }];
    p.meetings = vec![EncodedMeeting::new(&meeting, at(1))];
    let ids = store.commit_page(&p).await.expect("commit");

    let wanted = store
        .transcripts_wanted(conn.id, too_soon(), None, 100)
        .await
        .expect("wanted");
    let calls: Vec<&str> = wanted.iter().map(|w| w.gong_call_id.as_str()).collect();
    assert_eq!(calls, ["c3", "c2", "c1"], "newest first");
    assert_eq!(wanted[2].activity_id, ids[0]);
    assert_eq!(
        wanted[2].meeting.as_ref(),
        Some(&meeting),
        "with its meeting"
    );
    assert_eq!(wanted[0].meeting, None, "c3 has no stored meeting");
    let limited = store
        .transcripts_wanted(conn.id, too_soon(), None, 1)
        .await
        .expect("wanted");
    assert_eq!(limited.len(), 1);
    // The next batch goes on after the last one's key.
    let rest = store
        .transcripts_wanted(conn.id, too_soon(), Some(limited[0].key), 100)
        .await
        .expect("wanted");
    let rest: Vec<&str> = rest.iter().map(|w| w.gong_call_id.as_str()).collect();
    assert_eq!(rest, ["c2", "c1"], "after c3");
    let after_last = store
        .transcripts_wanted(conn.id, too_soon(), Some(wanted[2].key), 100)
        .await
        .expect("wanted");
    assert!(after_last.is_empty());

    let sso = stored(
        ids[0],
        said("We need this to work with our Single Sign-On."),
    );
    store
        .put_transcripts(&[sso.clone(), stored(ids[1], Transcript::default())])
        .await
        .expect("put");
    let wanted = store
        .transcripts_wanted(conn.id, too_soon(), None, 100)
        .await
        .expect("wanted");
    assert_eq!(wanted.len(), 1, "only c3 is still wanted");
    assert_eq!(wanted[0].gong_call_id, "c3");
    // An empty transcript is asked for again after three hours, while its call is
    // under three days old; one with words never is.
    let hours = |h: i64| at(30) + chrono::Duration::hours(h);
    assert_eq!(
        wanted_calls(store, conn.id, AskAgain::at(hours(4))).await,
        ["c3", "c2"],
        "c2's empty transcript is due again"
    );
    assert_eq!(
        wanted_calls(store, conn.id, AskAgain::at(hours(72))).await,
        ["c3"],
        "c2's call is three days old"
    );
    assert_eq!(store.get_transcript(ids[0]).await.expect("get"), Some(sso));
    let empty = store
        .get_transcript(ids[1])
        .await
        .expect("get")
        .expect("kept");
    assert!(empty.transcript.is_empty());
    assert_eq!(store.get_transcript(ids[2]).await.expect("get"), None);

    assert_eq!(found(store, "single sign").await, ["c1"], "words, any case");
    assert_eq!(
        found(store, "sign-on our work").await,
        ["c1"],
        "every word, any order"
    );
    assert!(
        found(store, "single pricing").await.is_empty(),
        "every word"
    );
    assert!(
        found(store, "\"").await.is_empty(),
        "a quote is a word, not syntax"
    );
    let count = store
        .count_activities(&searching("SINGLE"))
        .await
        .expect("count");
    assert_eq!(count, 1);

    let stats = store.transcript_stats(Some(conn.id)).await.expect("stats");
    assert_eq!((stats.transcripts, stats.empty), (2, 1));
    assert!(stats.body_bytes > 0);
    assert_eq!(store.transcript_stats(None).await.expect("stats"), stats);

    // Re-stored, the words are replaced, not added to.
    store
        .put_transcripts(&[stored(ids[0], said("Pricing came up."))])
        .await
        .expect("replace");
    assert!(
        found(store, "single sign").await.is_empty(),
        "old words gone"
    );
    assert_eq!(found(store, "pricing came").await, ["c1"]);

    let mut removal = page(store, job, conn.id, 2).await;
    removal.removals = vec![ids[0]];
    store.commit_page(&removal).await.expect("remove");
    assert_eq!(store.get_transcript(ids[0]).await.expect("get"), None);
    assert!(
        found(store, "pricing came").await.is_empty(),
        "its words go too"
    );
    // A transcript fetched for an activity removed meanwhile is dropped.
    store
        .put_transcripts(&[stored(ids[0], said("Late."))])
        .await
        .expect("dropped, not an error");
    assert_eq!(store.get_transcript(ids[0]).await.expect("get"), None);
    let stats = store.transcript_stats(Some(conn.id)).await.expect("stats");
    assert_eq!(stats.transcripts, 1);
}
