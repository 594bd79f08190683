//! Checks of the cached call outcomes (S9): one list per connection, replaced whole,
//! read back with its sentiments and the time it was read, gone with its connection.

use gong_timeline_domain::outcome::{CallOutcomes, KnownOutcome, Sentiment};

use super::fixtures::*;
use crate::Store;

fn outcome(id: Option<&str>, name: &str, sentiment: Option<Sentiment>) -> KnownOutcome {
    KnownOutcome {
        id: id.map(str::to_owned),
        name: name.into(),
        sentiment,
    }
}

/// S9: none before the first read; a saved list reads back whole and per
/// connection; a later save replaces it; a deleted connection's list goes.
pub async fn call_outcomes_are_cached_per_connection_and_replaced(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    assert_eq!(store.get_call_outcomes(a.id).await.expect("read"), None);
    let first = CallOutcomes {
        fetched_at: at(0),
        outcomes: vec![
            outcome(
                Some("7310000000000000001"),
                "Demo scheduled",
                Some(Sentiment::Positive),
            ),
            outcome(None, "Voicemail", None),
        ],
    };
    store.put_call_outcomes(a.id, &first).await.expect("save");
    assert_eq!(
        store.get_call_outcomes(a.id).await.expect("read"),
        Some(first.clone())
    );
    assert_eq!(store.get_call_outcomes(b.id).await.expect("read"), None);

    let later = CallOutcomes {
        fetched_at: at(60 * 24),
        outcomes: vec![outcome(None, "Closed lost", Some(Sentiment::Negative))],
    };
    store
        .put_call_outcomes(a.id, &later)
        .await
        .expect("replace");
    assert_eq!(
        store.get_call_outcomes(a.id).await.expect("read"),
        Some(later)
    );

    store
        .delete_connection(a.id, at(60 * 25))
        .await
        .expect("delete");
    assert_eq!(store.get_call_outcomes(a.id).await.expect("read"), None);
}
