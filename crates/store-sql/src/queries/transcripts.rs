//! Transcripts (S9): which activities still want one, storing them compressed with
//! their words indexed for search (the index is the dialect's: an FTS5 table on
//! SQLite, a `tsvector` column on PostgreSQL), and reading one back.

use gong_timeline_domain::transcript::AskAgain;
use gong_timeline_store::{
    ActivityId, ActivityKey, ConnectionId, Result, StoredMeeting, StoredTranscript,
    TranscriptStats, TranscriptWanted,
};
use sqlx::QueryBuilder;

use super::dialect::{self, Db};
use super::error::Ctx;
use super::Backend;
use crate::codec::{read_count, read_ts, ts};

/// One transcript as a dialect writes it.
pub(crate) struct TranscriptRow {
    pub activity_id: ActivityId,
    /// Compressed ([`StoredTranscript::body`]).
    pub body: Vec<u8>,
    pub fetched_at: String,
    /// 0 marks a call Gong had no transcript for.
    pub sentences: i64,
    /// What a search reads.
    pub text: String,
}

type WantedRow = (
    ActivityId,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
);

pub(crate) async fn wanted(
    store: &Backend,
    connection_id: ConnectionId,
    again: AskAgain,
    after: Option<ActivityKey>,
    limit: u32,
) -> Result<Vec<TranscriptWanted>> {
    // A stored transcript settles its activity, unless it is empty and `again`
    // applies (see `AskAgain::applies`, the same rule in Rust).
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT a.id, a.date, a.gong_call_id, m.fingerprint, m.fetched_at, m.body FROM activities a \
         LEFT JOIN stored_meetings m ON m.connection_id = a.connection_id AND m.gong_call_id = a.gong_call_id \
         WHERE a.connection_id = ",
    );
    q.push_bind(connection_id)
        .push(
            " AND NOT EXISTS (SELECT 1 FROM transcripts t WHERE t.activity_id = a.id \
             AND NOT (t.sentences = 0 AND t.fetched_at < ",
        )
        .push_bind(ts(again.empty_fetched_before))
        .push(" AND a.date >= ")
        .push_bind(ts(again.calls_since))
        .push("))");
    if let Some(key) = after {
        q.push(" AND (a.date, a.id) < (")
            .push_bind(ts(key.date))
            .push(", ")
            .push_bind(key.id)
            .push(")");
    }
    q.push(" ORDER BY a.date DESC, a.id DESC LIMIT ")
        .push_bind(i64::from(limit));
    let rows: Vec<WantedRow> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("reading the activities without a transcript")?;
    rows.into_iter()
        .map(
            |(activity_id, date, gong_call_id, fingerprint, fetched_at, body)| {
                let meeting = match (fingerprint, fetched_at, body) {
                    (Some(fingerprint), Some(fetched_at), Some(body)) => Some(
                        StoredMeeting::from_stored(
                            &body,
                            fingerprint,
                            read_ts("stored_meetings.fetched_at", &fetched_at)?,
                        )?
                        .meeting,
                    ),
                    _ => None,
                };
                let date = read_ts("activities.date", &date)?;
                Ok(TranscriptWanted {
                    activity_id,
                    key: ActivityKey {
                        date,
                        id: activity_id,
                    },
                    gong_call_id: gong_call_id.into(),
                    meeting,
                })
            },
        )
        .collect()
}

pub(crate) async fn put(store: &Backend, transcripts: &[StoredTranscript]) -> Result<()> {
    const CTX: &str = "saving transcripts";
    if transcripts.is_empty() {
        return Ok(());
    }
    let mut tx = store.write_tx(CTX).await?;
    for t in transcripts {
        let row = TranscriptRow {
            activity_id: t.activity_id,
            body: t.body(),
            fetched_at: ts(t.fetched_at),
            sentences: i64::try_from(t.transcript.sentence_count()).unwrap_or(i64::MAX),
            text: t.transcript.text(),
        };
        dialect::put_transcript(&mut tx, &row).await?;
    }
    tx.commit().await.ctx(CTX)
}

pub(crate) async fn get(
    store: &Backend,
    activity_id: ActivityId,
) -> Result<Option<StoredTranscript>> {
    let row: Option<(Vec<u8>, String)> =
        sqlx::query_as("SELECT body, fetched_at FROM transcripts WHERE activity_id = $1")
            .bind(activity_id)
            .fetch_optional(&store.pool)
            .await
            .ctx("reading a transcript")?;
    row.map(|(body, fetched_at)| {
        StoredTranscript::from_stored(
            activity_id,
            &body,
            read_ts("transcripts.fetched_at", &fetched_at)?,
        )
    })
    .transpose()
}

pub(crate) async fn stats(
    store: &Backend,
    connection_id: Option<ConnectionId>,
) -> Result<TranscriptStats> {
    let (transcripts, empty, bytes): (i64, Option<i64>, Option<i64>) = sqlx::query_as(&format!(
        "SELECT COUNT(*), SUM(CASE WHEN t.sentences = 0 THEN 1 ELSE 0 END), SUM({}) \
         FROM transcripts t JOIN activities a ON a.id = t.activity_id \
         WHERE $1 IS NULL OR a.connection_id = $1",
        dialect::bytes_length("t.body"),
    ))
    .bind(connection_id)
    .fetch_one(&store.pool)
    .await
    .ctx("counting transcripts")?;
    Ok(TranscriptStats {
        transcripts: read_count(transcripts),
        empty: read_count(empty.unwrap_or(0)),
        body_bytes: read_count(bytes.unwrap_or(0)),
    })
}
