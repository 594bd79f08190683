//! Request bodies of `POST /v2/calls/extensive` (reference §5.1): the filter and the
//! content selector, and their exact JSON shape.

use chrono::{DateTime, SecondsFormat, SubsecRound as _, Utc};
use serde::Serialize;

/// Which calls to list. All parts combine with AND; `Default` means every call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallsFilter {
    /// Calls that started at or after this instant (inclusive). Gong takes whole
    /// seconds: a fraction is rounded down, so the window only widens.
    pub from: Option<DateTime<Utc>>,
    /// Calls that started before this instant (exclusive). A fraction of a second is
    /// rounded up, so the window only widens.
    pub to: Option<DateTime<Utc>>,
    /// Only these calls. `Some(vec![])` matches nothing (Gong would answer 400).
    pub call_ids: Option<Vec<String>>,
    /// Only calls hosted by these users.
    pub primary_user_ids: Option<Vec<String>>,
    /// Only this workspace.
    pub workspace_id: Option<String>,
}

fn floor_second(d: &DateTime<Utc>) -> DateTime<Utc> {
    d.trunc_subsecs(0)
}

fn ceil_second(d: &DateTime<Utc>) -> DateTime<Utc> {
    let down = d.trunc_subsecs(0);
    if down == *d {
        down
    } else {
        down + chrono::Duration::seconds(1)
    }
}

impl CallsFilter {
    /// Calls that started in `[from, to)`, widened to whole seconds.
    pub fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self {
            from: Some(from),
            to: Some(to),
            ..Self::default()
        }
    }

    /// The window's bounds as Gong is sent them: whole seconds, the start rounded
    /// down and the end rounded up, so the window stays inclusive.
    pub fn sent_bounds(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (
            self.from.as_ref().map(floor_second),
            self.to.as_ref().map(ceil_second),
        )
    }

    /// Exactly these calls.
    pub fn ids(ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            call_ids: Some(ids.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }

    /// True when the filter can match nothing, so no request is needed.
    pub(crate) fn matches_nothing(&self) -> bool {
        self.call_ids.as_ref().is_some_and(Vec::is_empty)
            || self.primary_user_ids.as_ref().is_some_and(Vec::is_empty)
            || matches!((self.from, self.to), (Some(f), Some(t)) if f >= t)
    }
}

/// How much CRM context to return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum ContextLevel {
    /// No `context` key.
    #[default]
    None,
    /// Linked objects without fields.
    Basic,
    /// Linked objects with their fields.
    Extended,
}

/// Which parts of each call to return; Gong returns only what is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentSelector {
    /// CRM context level.
    pub context: ContextLevel,
    /// Parties.
    pub parties: bool,
    /// Media URLs (needs scope `api:calls:read:media-url`; the URLs expire after 8 h).
    pub media: bool,
    /// Tracker hits.
    pub trackers: bool,
    /// Tracker occurrences (timestamps); needs `trackers`.
    pub tracker_occurrences: bool,
    /// Topics.
    pub topics: bool,
    /// Brief (summary).
    pub brief: bool,
    /// Key points.
    pub key_points: bool,
    /// Highlights.
    pub highlights: bool,
    /// Outline.
    pub outline: bool,
    /// Call outcome.
    pub call_outcome: bool,
    /// Structure.
    pub structure: bool,
    /// Points of interest.
    pub points_of_interest: bool,
}

macro_rules! flag_setters {
    ($($name:ident),+) => {$(
        #[doc = concat!("Sets `", stringify!($name), "`.")]
        pub fn $name(mut self, on: bool) -> Self {
            self.$name = on;
            self
        }
    )+};
}

impl ContentSelector {
    /// Metadata only.
    pub fn new() -> Self {
        Self::default()
    }

    /// What a Timeline activity needs: parties, trackers, Extended CRM context, brief and
    /// key points. Not media: media URLs expire, they are fetched live with `call_media`.
    pub fn for_timeline() -> Self {
        Self::new()
            .context(ContextLevel::Extended)
            .parties(true)
            .trackers(true)
            .brief(true)
            .key_points(true)
            .highlights(true)
            .outline(true)
            .call_outcome(true)
            .points_of_interest(true)
    }

    /// [`ContentSelector::for_timeline`] without the AI content (highlights, outline,
    /// outcome, points of interest): what the Timeline asked for before S9, kept to
    /// measure what the content costs.
    pub fn without_content() -> Self {
        Self::for_timeline()
            .highlights(false)
            .outline(false)
            .call_outcome(false)
            .points_of_interest(false)
    }

    /// Sets the CRM context level.
    pub fn context(mut self, level: ContextLevel) -> Self {
        self.context = level;
        self
    }

    flag_setters!(
        parties,
        media,
        trackers,
        tracker_occurrences,
        topics,
        brief,
        key_points,
        highlights,
        outline,
        call_outcome,
        structure,
        points_of_interest
    );

    fn wire(&self) -> WireSelector {
        let content = WireContent {
            structure: self.structure,
            topics: self.topics,
            trackers: self.trackers,
            tracker_occurrences: self.tracker_occurrences,
            points_of_interest: self.points_of_interest,
            brief: self.brief,
            outline: self.outline,
            highlights: self.highlights,
            call_outcome: self.call_outcome,
            key_points: self.key_points,
        };
        let extended = self.context == ContextLevel::Extended;
        WireSelector {
            context: (self.context != ContextLevel::None).then_some(self.context),
            // Gong's default; sent explicitly so the request says what it relies on.
            context_timing: extended.then(|| vec!["Now"]),
            exposed_fields: WireExposed {
                parties: self.parties,
                media: self.media,
                content: (content != WireContent::default()).then_some(content),
            },
        }
    }
}

/// The JSON body of `POST /v2/calls/extensive`. The cursor is the only part that changes
/// between pages: Gong requires every other input to stay identical.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub filter: WireFilter,
    pub content_selector: WireSelector,
}

impl CallsRequest {
    pub(crate) fn new(filter: &CallsFilter, selector: &ContentSelector) -> Self {
        // Gong documents whole seconds (`2018-02-18T08:00:00Z`).
        let stamp = |d: DateTime<Utc>| d.to_rfc3339_opts(SecondsFormat::Secs, true);
        let (from, to) = filter.sent_bounds();
        Self {
            cursor: None,
            filter: WireFilter {
                from_date_time: from.map(stamp),
                to_date_time: to.map(stamp),
                workspace_id: filter.workspace_id.clone(),
                call_ids: filter.call_ids.clone(),
                primary_user_ids: filter.primary_user_ids.clone(),
            },
            content_selector: selector.wire(),
        }
    }
}

/// The JSON body of `POST /v2/calls/transcript` (reference §6): the calls filter
/// alone, and the cursor.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub filter: WireFilter,
}

impl TranscriptsRequest {
    pub(crate) fn new(filter: &CallsFilter) -> Self {
        let CallsRequest { filter, .. } = CallsRequest::new(filter, &ContentSelector::new());
        Self {
            cursor: None,
            filter,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    from_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_user_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireSelector {
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<ContextLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_timing: Option<Vec<&'static str>>,
    exposed_fields: WireExposed,
}

#[derive(Debug, Clone, Serialize)]
struct WireExposed {
    #[serde(skip_serializing_if = "is_false")]
    parties: bool,
    #[serde(skip_serializing_if = "is_false")]
    media: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<WireContent>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireContent {
    #[serde(skip_serializing_if = "is_false")]
    structure: bool,
    #[serde(skip_serializing_if = "is_false")]
    topics: bool,
    #[serde(skip_serializing_if = "is_false")]
    trackers: bool,
    #[serde(skip_serializing_if = "is_false")]
    tracker_occurrences: bool,
    #[serde(skip_serializing_if = "is_false")]
    points_of_interest: bool,
    #[serde(skip_serializing_if = "is_false")]
    brief: bool,
    #[serde(skip_serializing_if = "is_false")]
    outline: bool,
    #[serde(skip_serializing_if = "is_false")]
    highlights: bool,
    #[serde(skip_serializing_if = "is_false")]
    call_outcome: bool,
    #[serde(skip_serializing_if = "is_false")]
    key_points: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_timeline_selector_asks_for_exactly_what_an_activity_needs() {
        let from = "2025-03-03T00:00:00Z".parse().expect("literal");
        let to = "2025-03-04T00:00:00.5Z".parse().expect("literal");
        let body = CallsRequest::new(
            &CallsFilter::window(from, to),
            &ContentSelector::for_timeline(),
        );
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            json!({
                "filter": {"fromDateTime": "2025-03-03T00:00:00Z", "toDateTime": "2025-03-04T00:00:01Z"},
                "contentSelector": {
                    "context": "Extended",
                    "contextTiming": ["Now"],
                    "exposedFields": {"parties": true, "content": {
                        "trackers": true, "pointsOfInterest": true, "brief": true, "outline": true,
                        "highlights": true, "callOutcome": true, "keyPoints": true
                    }}
                }
            })
        );
    }

    #[test]
    fn window_bounds_go_out_in_whole_seconds_and_stay_inclusive() {
        let from = "2025-03-03T08:00:00.999999999Z".parse().expect("literal");
        let to = "2025-03-04T08:00:00.000000001Z".parse().expect("literal");
        let body = CallsRequest::new(&CallsFilter::window(from, to), &ContentSelector::new());
        let value = serde_json::to_value(&body).expect("serialises");
        assert_eq!(value["filter"]["fromDateTime"], "2025-03-03T08:00:00Z");
        assert_eq!(value["filter"]["toDateTime"], "2025-03-04T08:00:01Z");
    }

    #[test]
    fn an_empty_filter_still_sends_the_filter_key_gong_requires() {
        let body = CallsRequest::new(&CallsFilter::default(), &ContentSelector::new());
        let value = serde_json::to_value(&body).expect("serialises");
        assert_eq!(
            value,
            json!({"filter": {}, "contentSelector": {"exposedFields": {}}})
        );
    }

    #[test]
    fn the_cursor_goes_in_the_body_next_to_an_unchanged_filter() {
        let mut body = CallsRequest::new(
            &CallsFilter::ids(["7"]),
            &ContentSelector::new().media(true),
        );
        body.cursor = Some("eyJ.abc".into());
        let value = serde_json::to_value(&body).expect("serialises");
        assert_eq!(value["cursor"], "eyJ.abc");
        assert_eq!(value["filter"], json!({"callIds": ["7"]}));
        assert_eq!(
            value["contentSelector"]["exposedFields"],
            json!({"media": true})
        );
    }

    #[test]
    fn filters_that_cannot_match_are_recognised() {
        assert!(CallsFilter::ids(Vec::<String>::new()).matches_nothing());
        let t = Utc::now();
        assert!(CallsFilter::window(t, t).matches_nothing());
        assert!(!CallsFilter::default().matches_nothing());
    }
}
