//! Keyset paging, one helper for every list: the API's `{items, total, next}` pages
//! and the job page's Previous / Next links.
//!
//! A list's rows are [`Keyed`]: each has a key that orders the list (a job's start
//! and id, a record's id, a connection's name and id). A page is "the `limit` rows
//! after this key", so a deep page costs what the first one does, and rows written
//! meanwhile neither repeat nor go missing the way they do with `OFFSET`. The key
//! travels as an opaque **cursor**: URL-safe base64 of `[list, key]` in JSON, so a
//! cursor of one list is refused by another with a message saying so.
//!
//! - [`Page`]: the `limit` and `cursor` (or `after`) query parameters, checked (an
//!   extractor: a bad one is a 400 naming the parameter).
//! - [`Paged`]: the answer, `{items, total, next}`; `next` is `null` on the last page.
//! - [`Cursor`]: the codec, also used by the pages' links.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine as _;
use gong_timeline_store::{ConnectionId, Job, JobId, LogRecord, LogRecordId, Seek, UserId};
use gong_timeline_sync::connections::Overview;
use gong_timeline_sync::views::{ActivityView, CompanyView, GongUserView, UserView};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// Rows per page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 500;

/// A row of a keyset-paged list.
pub trait Keyed {
    /// What orders the list (ascending in the list's order of reading, or the store
    /// query's order for lists the store pages).
    type Key: Serialize + DeserializeOwned + Ord + Clone;
    /// The list's name inside its cursors.
    const LIST: &'static str;
    /// This row's key.
    fn key(&self) -> Self::Key;
}

/// The opaque cursor codec.
pub struct Cursor;

impl Cursor {
    /// The cursor of `key` in list `T`.
    pub fn encode<T: Keyed>(key: &T::Key) -> String {
        let json = serde_json::to_vec(&(T::LIST, key)).expect("a key serialises");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The key a cursor of list `T` holds; `None` for anything else.
    pub fn decode<T: Keyed>(cursor: &str) -> Option<T::Key> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor.trim())
            .ok()?;
        let (list, key): (String, T::Key) = serde_json::from_slice(&bytes).ok()?;
        (list == T::LIST).then_some(key)
    }
}

/// One page of a list: this page's items, how many match in all, and the cursor of
/// the next page (`null` on the last).
#[derive(Debug, Serialize)]
pub struct Paged<T> {
    /// This page.
    pub items: Vec<T>,
    /// Matches in all (every page).
    pub total: u64,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next: Option<String>,
}

/// The paging parameters as they arrive.
#[derive(Debug, Default, Deserialize)]
struct RawPage {
    limit: Option<String>,
    cursor: Option<String>,
    after: Option<String>,
    offset: Option<String>,
}

/// The page asked for: at most `limit` rows after `after` (from the top when `None`).
#[derive(Debug, Clone)]
pub struct Page<T: Keyed> {
    /// Rows on the page (1–[`MAX_LIMIT`]).
    pub limit: u32,
    /// The last row of the previous page.
    pub after: Option<T::Key>,
}

impl<T: Keyed> Page<T> {
    /// The page of `limit` (given or not) and `cursor` (a `next` of this list, or
    /// empty for the first page).
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> ApiResult<Page<T>> {
        let limit = match limit.map(str::trim) {
            None | Some("") => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_LIMIT} (got '{raw}')"),
                    )
                })?,
        };
        let after = match cursor.map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Cursor::decode::<T>(raw).ok_or_else(|| {
                ApiError::bad_parameter(
                    "cursor",
                    format!(
                        "'{raw}' is not a cursor of the {} list: pass the `next` of its previous page unchanged, or no cursor for the first page",
                        T::LIST
                    ),
                )
            })?),
        };
        Ok(Page { limit, after })
    }

    /// Rows to ask the store for: one more than shown, to know whether a next page
    /// exists without counting.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }

    /// Where the store's query starts.
    pub fn seek(&self) -> Seek<T::Key> {
        match &self.after {
            None => Seek::First,
            Some(key) => Seek::After(key.clone()),
        }
    }

    /// The page of `rows`, fetched with [`Page::fetch_limit`] from [`Page::seek`].
    pub fn paged(&self, mut rows: Vec<T>, total: u64) -> Paged<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next = more
            .then(|| rows.last().map(|r| Cursor::encode::<T>(&r.key())))
            .flatten();
        Paged {
            items: rows,
            total,
            next,
        }
    }

    /// The page of a list held in memory (a few hundred rows at most: connections,
    /// users, companies, mappings), read in key order.
    pub fn paged_in_memory(&self, mut all: Vec<T>) -> Paged<T> {
        all.sort_by_key(Keyed::key);
        let total = all.len() as u64;
        let rows: Vec<T> = all
            .into_iter()
            .filter(|r| self.after.as_ref().is_none_or(|after| r.key() > *after))
            .take(self.fetch_limit() as usize)
            .collect();
        self.paged(rows, total)
    }
}

impl<S: Send + Sync, T: Keyed> FromRequestParts<S> for Page<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(raw) = axum::extract::Query::<RawPage>::try_from_uri(&parts.uri)
            .map_err(|e| {
            ApiError::BadRequest(format!(
                "the paging parameters do not parse: {}",
                e.body_text()
            ))
        })?;
        if raw.offset.is_some() {
            return Err(ApiError::bad_parameter(
                "offset",
                "lists page by cursor, not offset: pass the `next` of the previous page as `cursor`",
            ));
        }
        let cursor = match (&raw.cursor, &raw.after) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad_parameter(
                    "after",
                    "give `cursor` or `after` (the same thing), not both",
                ))
            }
            (c, a) => c.as_deref().or(a.as_deref()),
        };
        Page::parse(raw.limit.as_deref(), cursor)
    }
}

impl Keyed for Job {
    type Key = gong_timeline_store::JobKey;
    const LIST: &'static str = "jobs";
    fn key(&self) -> Self::Key {
        Job::key(self)
    }
}

/// Where a page of job `job`'s records starts: a cursor another job's records gave
/// is refused, as one of another list is.
pub fn records_seek(
    seek: Seek<(JobId, LogRecordId)>,
    job: JobId,
) -> Result<Seek<LogRecordId>, ApiError> {
    let other = |of: JobId| {
        ApiError::bad_parameter(
            "cursor",
            format!(
                "this cursor pages job {of}'s records, not job {job}'s: start from the first page"
            ),
        )
    };
    Ok(match seek {
        Seek::First => Seek::First,
        Seek::After((of, id)) if of == job => Seek::After(id),
        Seek::Before((of, id)) if of == job => Seek::Before(id),
        Seek::After((of, _)) | Seek::Before((of, _)) => return Err(other(of)),
    })
}

/// Keyed by job too, so a cursor of one job's records is refused on another's.
impl Keyed for LogRecord {
    type Key = (JobId, LogRecordId);
    const LIST: &'static str = "records";
    fn key(&self) -> Self::Key {
        (self.job_id, self.id)
    }
}

impl Keyed for ActivityView {
    type Key = gong_timeline_store::ActivityKey;
    const LIST: &'static str = "activities";
    fn key(&self) -> Self::Key {
        gong_timeline_store::ActivityKey {
            date: self.date,
            id: self.id,
        }
    }
}

/// The admin pages' activities search pages as the API's list does.
impl Keyed for gong_timeline_store::Activity {
    type Key = gong_timeline_store::ActivityKey;
    const LIST: &'static str = "activities";
    fn key(&self) -> Self::Key {
        gong_timeline_store::ActivityKey {
            date: self.date,
            id: self.id,
        }
    }
}

impl Keyed for Overview {
    type Key = (String, ConnectionId);
    const LIST: &'static str = "connections";
    fn key(&self) -> Self::Key {
        (self.name.clone(), self.id)
    }
}

impl Keyed for gong_timeline_store::ErasureReceipt {
    /// The id, negated: newest first.
    type Key = i64;
    const LIST: &'static str = "erasures";
    fn key(&self) -> Self::Key {
        -self.id.map_or(0, gong_timeline_store::ErasureId::get)
    }
}

impl Keyed for CompanyView {
    type Key = (String, gong_timeline_store::CompanyId);
    const LIST: &'static str = "companies";
    fn key(&self) -> Self::Key {
        (self.name.clone(), self.id)
    }
}

impl Keyed for UserView {
    type Key = UserId;
    const LIST: &'static str = "users";
    fn key(&self) -> UserId {
        self.id
    }
}

impl Keyed for GongUserView {
    type Key = String;
    const LIST: &'static str = "gong-users";
    fn key(&self) -> String {
        self.gong_user_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_belongs_to_its_list() {
        let cursor = Cursor::encode::<LogRecord>(&(JobId::new(7), LogRecordId::new(42)));
        assert_eq!(
            Cursor::decode::<LogRecord>(&cursor),
            Some((JobId::new(7), LogRecordId::new(42)))
        );
        assert_eq!(Cursor::decode::<UserView>(&cursor), None, "another list's");
        assert_eq!(Cursor::decode::<LogRecord>("42"), None);
        assert_eq!(Cursor::decode::<LogRecord>("!!"), None);
    }

    #[test]
    fn a_records_cursor_pages_only_its_own_job() {
        assert_eq!(
            records_seek(
                Seek::After((JobId::new(7), LogRecordId::new(42))),
                JobId::new(7)
            )
            .unwrap(),
            Seek::After(LogRecordId::new(42))
        );
        assert_eq!(
            records_seek(Seek::First, JobId::new(7)).unwrap(),
            Seek::First
        );
        let refused = records_seek(
            Seek::After((JobId::new(7), LogRecordId::new(42))),
            JobId::new(8),
        )
        .unwrap_err();
        assert_eq!(
            (refused.status().as_u16(), refused.field()),
            (400, Some("cursor"))
        );
    }

    #[test]
    fn limits_out_of_range_or_not_numbers_are_refused_naming_the_parameter() {
        for bad in ["0", "501", "abc", "-1", "2.5"] {
            let err = Page::<LogRecord>::parse(Some(bad), None).expect_err(bad);
            assert_eq!((err.status().as_u16(), err.field()), (400, Some("limit")));
            assert!(err.to_string().contains(bad), "{err}");
        }
        assert_eq!(Page::<LogRecord>::parse(None, None).unwrap().limit, 50);
        assert_eq!(
            Page::<LogRecord>::parse(Some("500"), None).unwrap().limit,
            500
        );
        let err = Page::<LogRecord>::parse(None, Some("nope")).expect_err("cursor");
        assert_eq!(err.field(), Some("cursor"));
    }

    #[test]
    fn in_memory_pages_follow_the_key_and_end_with_no_next() {
        let users: Vec<UserView> = [3, 1, 2]
            .into_iter()
            .map(|id| UserView {
                id: UserId::new(id),
                email: format!("u{id}@x.io"),
                name: format!("U{id}"),
                license_type: gong_timeline_domain::LicenseType::Full,
                status: gong_timeline_domain::UserStatus::Active,
                fields: Default::default(),
            })
            .collect();
        let first = Page::<UserView>::parse(Some("2"), None)
            .unwrap()
            .paged_in_memory(users.clone());
        assert_eq!(
            first.items.iter().map(|u| u.id.get()).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(first.total, 3);
        let next = first.next.expect("a next page");
        let second = Page::<UserView>::parse(Some("2"), Some(&next))
            .unwrap()
            .paged_in_memory(users);
        assert_eq!(
            second.items.iter().map(|u| u.id.get()).collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(second.next, None);
    }
}
