//! Exporting a job's records from the store: the store is read in keyset pages on the
//! async side while a blocking thread writes the workbook, with a short queue
//! between them, so neither the records nor the sheet are ever all in memory.

use std::path::PathBuf;
use std::sync::Arc;

use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{JobId, LogRecord, RecordFilter, Seek, Store, StoreError};
use tokio::sync::mpsc;

use super::{ExportError, ExportRow, XlsxStream};

/// Records read from the store per page.
const PAGE: u32 = 5_000;
/// Pages waiting for the writer; the reader pauses when the writer is behind.
const QUEUED_PAGES: usize = 4;

/// Why a job's export failed; no file is left behind.
#[derive(Debug, thiserror::Error)]
pub enum JobExportError {
    /// Reading the records failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the workbook failed.
    #[error(transparent)]
    Write(#[from] ExportError),
    /// The writer thread stopped unexpectedly.
    #[error("the .xlsx writer stopped unexpectedly: {0}")]
    Writer(String),
}

/// Writes the records of job `job_id` that have one of `statuses` (empty: all) to
/// a new workbook at `path`; returns how many were written. On failure the file is
/// removed.
pub async fn export_job(
    store: Arc<dyn Store>,
    job_id: JobId,
    statuses: Vec<RecordStatus>,
    path: PathBuf,
) -> Result<usize, JobExportError> {
    let written = write_job(store, job_id, statuses, path.clone()).await;
    if written.is_err() {
        // A half-written workbook is no export: remove it (it may not exist yet).
        let _ = std::fs::remove_file(&path);
    }
    written
}

async fn write_job(
    store: Arc<dyn Store>,
    job_id: JobId,
    statuses: Vec<RecordStatus>,
    path: PathBuf,
) -> Result<usize, JobExportError> {
    // `Some(page)` is a page of rows, `None` the end of a complete read: a queue that
    // closes without it means the read failed, and the workbook is not saved.
    let (pages, mut queue) = mpsc::channel::<Option<Vec<ExportRow>>>(QUEUED_PAGES);
    let writer = tokio::task::spawn_blocking(move || -> Result<usize, ExportError> {
        let mut workbook = XlsxStream::create(&path)?;
        while let Some(item) = queue.blocking_recv() {
            let Some(page) = item else {
                return workbook.finish();
            };
            for row in page {
                workbook.push(row)?;
            }
        }
        Ok(0)
    });
    let read = read_pages(store.as_ref(), job_id, statuses, &pages).await;
    drop(pages);
    let written = writer
        .await
        .map_err(|e| JobExportError::Writer(e.to_string()))?;
    // A write failure stops the reader too (its queue closes): report the cause.
    let written = written?;
    read?;
    Ok(written)
}

/// Sends the job's records, page by page, until the last page or a closed queue.
async fn read_pages(
    store: &dyn Store,
    job_id: JobId,
    statuses: Vec<RecordStatus>,
    pages: &mpsc::Sender<Option<Vec<ExportRow>>>,
) -> Result<(), StoreError> {
    let mut seek = Seek::First;
    loop {
        let records = store
            .list_log_records(RecordFilter {
                job_id,
                statuses: statuses.clone(),
                limit: Some(PAGE),
                seek,
            })
            .await?;
        let last = records.len() < PAGE as usize;
        if let Some(record) = records.last() {
            seek = Seek::After(record.id);
        }
        let rows = records.into_iter().map(export_row).collect();
        if pages.send(Some(rows)).await.is_err() {
            return Ok(()); // the writer failed; it says why
        }
        if last {
            let _ = pages.send(None).await;
            return Ok(());
        }
    }
}

/// A log record as the export's text cells.
pub fn export_row(r: LogRecord) -> ExportRow {
    ExportRow {
        job_id: r.job_id,
        gong_call_id: r.gong_call_id,
        title: r.title.unwrap_or_default(),
        meeting_date: r.meeting_date,
        status: r.status.to_string(),
        activity_id: r.activity_id,
        message: r.message.unwrap_or_default(),
    }
}
