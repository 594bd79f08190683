//! Long lists of the admin pages. The execution log (jobs) and a job's records page
//! by keyset ([`crate::paging`]): Next is `?after=<cursor of the last row>`, Previous
//! `?before=<cursor of the first row>`, so any page of a million records is an index
//! range scan; `page=N` only labels the page ("Page 3 of 20,000", the total from
//! stored counts). Short in-memory lists (companies, users) use [`PER_PAGE`] alone.

use gong_timeline_store::Seek;
use maud::{html, Markup};

use crate::error::ApiError;
use crate::paging::{Cursor, Keyed};

/// Rows per page of the admin pages.
pub const PER_PAGE: u32 = 50;

/// The page asked for: where it starts, and its number (a label the links carry).
#[derive(Debug, Clone)]
pub struct KeysetPage<T: Keyed> {
    /// Where the store's query starts.
    pub seek: Seek<T::Key>,
    /// 1-based, as the links said; the first page whatever they said when no
    /// cursor is given.
    pub number: u64,
}

impl<T: Keyed> KeysetPage<T> {
    /// The page of the `after` / `before` cursors and the `page` label; a cursor
    /// that is not this list's is a 400 page saying so.
    pub fn parse(
        after: Option<&str>,
        before: Option<&str>,
        page: Option<u32>,
    ) -> Result<KeysetPage<T>, ApiError> {
        let decode = |raw: &str| {
            Cursor::decode::<T>(raw).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "This page address is damaged ('{raw}' is not a position in the {} list). Use the page's Previous and Next links, or start again from the first page.",
                    T::LIST
                ))
            })
        };
        fn nonempty(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let seek = match (nonempty(after), nonempty(before)) {
            (Some(_), Some(_)) => {
                return Err(ApiError::BadRequest(
                    "This page address asks for the page after one row and before another; use the page's Previous and Next links.".into(),
                ))
            }
            (Some(a), None) => Seek::After(decode(a)?),
            (None, Some(b)) => Seek::Before(decode(b)?),
            (None, None) => Seek::First,
        };
        let number = match seek {
            Seek::First => 1,
            _ => u64::from(page.unwrap_or(2).max(1)),
        };
        Ok(KeysetPage { seek, number })
    }

    /// Rows to ask for: one more than shown, to know whether there is another page
    /// in the direction read.
    pub fn fetch_limit(&self) -> u32 {
        PER_PAGE + 1
    }

    /// The rows to show, and the cursors of the pages before and after them.
    pub fn cut(&self, mut rows: Vec<T>) -> Shown<T> {
        let per_page = PER_PAGE as usize;
        let more = rows.len() > per_page;
        let (has_prev, has_next) = match self.seek {
            Seek::First => {
                rows.truncate(per_page);
                (false, more)
            }
            Seek::After(_) => {
                rows.truncate(per_page);
                (true, more)
            }
            Seek::Before(_) => {
                // Read backwards: the extra row is the first one.
                if more {
                    rows.drain(..rows.len() - per_page);
                }
                (more, true)
            }
        };
        let prev = has_prev
            .then(|| rows.first().map(|r| Cursor::encode::<T>(&r.key())))
            .flatten();
        let next = has_next
            .then(|| rows.last().map(|r| Cursor::encode::<T>(&r.key())))
            .flatten();
        let number = if prev.is_none() { 1 } else { self.number };
        Shown {
            rows,
            prev,
            next,
            number,
        }
    }
}

/// One page of rows as shown.
#[derive(Debug)]
pub struct Shown<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// The cursor for the Previous link (the first row), when there is a page before.
    pub prev: Option<String>,
    /// The cursor for the Next link (the last row), when there is a page after.
    pub next: Option<String>,
    /// This page's number.
    pub number: u64,
}

impl<T> Shown<T> {
    /// Previous / "Page N of M" / Next; nothing when everything fits on one page.
    /// `href(param, cursor, page)` builds a link with `after` or `before`.
    pub fn pager(&self, total: u64, href: impl Fn(&str, &str, u64) -> String) -> Markup {
        if self.prev.is_none() && self.next.is_none() {
            return html! {};
        }
        let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
        html! {
            nav.pager aria-label="Pages" {
                @if let Some(c) = &self.prev { a href=(href("before", c, self.number.saturating_sub(1).max(1))) rel="prev" id="prev-page" { "← Previous" } }
                span.muted { "Page " (self.number) " of " (pages) }
                @if let Some(c) = &self.next { a href=(href("after", c, self.number + 1)) rel="next" id="next-page" { "Next →" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_store::LogRecord;
    use gong_timeline_store::{JobId, LogRecordId};

    fn records(ids: std::ops::RangeInclusive<i64>) -> Vec<LogRecord> {
        ids.map(|id| LogRecord {
            id: LogRecordId::new(id),
            job_id: JobId::new(1),
            gong_call_id: format!("c{id}").into(),
            title: None,
            meeting_date: None,
            status: gong_timeline_domain::RecordStatus::Created,
            activity_id: None,
            message: None,
        })
        .collect()
    }

    fn ids(shown: &Shown<LogRecord>) -> (i64, i64, usize) {
        (
            shown.rows[0].id.get(),
            shown.rows.last().unwrap().id.get(),
            shown.rows.len(),
        )
    }

    #[test]
    fn the_first_page_has_no_previous_and_a_next_when_rows_remain() {
        let page = KeysetPage::<LogRecord>::parse(None, None, Some(7)).unwrap();
        assert_eq!(
            page.number, 1,
            "no cursor: the first page whatever the label"
        );
        let shown = page.cut(records(1..=51));
        assert_eq!(ids(&shown), (1, 50, 50));
        assert_eq!(shown.prev, None);
        let next = shown.next.clone().expect("a next page");
        assert_eq!(
            Cursor::decode::<LogRecord>(&next),
            Some((JobId::new(1), LogRecordId::new(50)))
        );
        let short = page.cut(records(1..=50));
        assert_eq!((short.prev.clone(), short.next.clone()), (None, None));
    }

    #[test]
    fn a_page_read_backwards_drops_its_extra_first_row_and_knows_its_place() {
        let before = Cursor::encode::<LogRecord>(&(JobId::new(1), LogRecordId::new(102)));
        let page = KeysetPage::<LogRecord>::parse(None, Some(&before), Some(2)).unwrap();
        assert_eq!(
            page.seek,
            Seek::Before((JobId::new(1), LogRecordId::new(102)))
        );
        let shown = page.cut(records(51..=101));
        assert_eq!(ids(&shown), (52, 101, 50));
        assert!(shown.prev.is_some() && shown.next.is_some());
        assert_eq!(shown.number, 2);
        let first = page.cut(records(1..=50));
        assert_eq!((first.prev.clone(), first.number), (None, 1));
        assert_eq!(
            first.next.as_deref().and_then(Cursor::decode::<LogRecord>),
            Some((JobId::new(1), LogRecordId::new(50)))
        );
    }

    #[test]
    fn a_damaged_or_foreign_cursor_is_refused() {
        assert!(KeysetPage::<LogRecord>::parse(Some("zzz"), None, None).is_err());
        let a_job_cursor =
            Cursor::encode::<gong_timeline_store::Job>(&gong_timeline_store::JobKey {
                started_at: chrono::Utc::now(),
                id: JobId::new(1),
            });
        assert!(KeysetPage::<LogRecord>::parse(Some(&a_job_cursor), None, None).is_err());
        let c = Cursor::encode::<LogRecord>(&(JobId::new(1), LogRecordId::new(1)));
        assert!(KeysetPage::<LogRecord>::parse(Some(&c), Some(&c), None).is_err());
    }
}
