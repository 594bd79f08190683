//! Mapping a Gong meeting to a Timeline activity (S1, S3, S4).
//!
//! [`build_activity`] is pure: the engine resolves the company (R) and the author (U)
//! first and passes a lookup of company persons by email. [`content_hash`] fingerprints
//! the result so that a meeting re-read unchanged costs no write.
//!
//! # Rules, as interpreted here
//! - **External id (S1, S10)**: `gong:{call_id}`, made only by [`external_id`]: one
//!   Gong call is one activity per Timeline, whichever connection wrote it. The
//!   activity belongs to the connection that last wrote it ([`ActivityDraft::connection_id`]),
//!   so a connection that replaces a deleted one to the same Gong account takes its
//!   activities over instead of doubling them.
//! - **Subject**: the trimmed title; an untitled meeting is
//!   `Gong meeting {YYYY-MM-DD HH:MM} UTC` (its start, so untitled meetings of one day
//!   stay distinguishable).
//! - **Date** is the start time (UTC); **duration** is Gong's, `None` when Gong sent none.
//! - **Notes**: Gong's brief, then its key points as `- ` bullets under `Key points:`,
//!   as plain text: HTML tags are removed and the common entities decoded (the web layer
//!   escapes on output). `None` when Gong sent neither.
//! - **Attendees**: Internal parties are internal attendees, External parties external
//!   attendees; parties of Unknown affiliation are neither (S3 names only those two).
//!   Each list is deduplicated by email (canonical, so `A@x.com` and `a@x.com` are one
//!   person), keeping the first position and the first non-empty name; parties without a
//!   usable email are kept by name (deduplicated case-insensitively) and dropped when they
//!   have neither. A name falls back to the email. External attendees carry the company
//!   person id when a person has that email, else only name and email.
//! - **Trackers (S4)**: Gong's trackers, in Gong's order. When Gong sent no tracker data,
//!   or an empty list, the activity is still built, with no trackers and
//!   [`Message::TrackersFailedToLoad`] in `trackers_message`.
//! - **Recording**: the Gong call URL (it does not expire; media URLs are fetched live, S5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::fingerprint::Fingerprint;
use crate::ids::{CompanyId, ConnectionId, GongCallId, PersonId, UserId};
use crate::meeting::{Affiliation, Meeting, OutlineSection, Party, Tracker};
use crate::messages::Message;
use crate::outcome::{ActivityOutcome, CallOutcomes};

/// The `source` of every activity this integration writes.
pub const SOURCE_GONG: &str = "Gong";

/// An internal attendee: a person of the Gong account's company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    /// Canonical email, when Gong gave a usable one.
    pub email: Option<Email>,
    /// Display name (the email when Gong gave no name).
    pub name: String,
}

/// An external attendee, matched to a company person by email when possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalAttendee {
    /// Canonical email, when Gong gave a usable one.
    pub email: Option<Email>,
    /// Display name (the email when Gong gave no name).
    pub name: String,
    /// The company person with this email, if any.
    pub person_id: Option<PersonId>,
}

/// A Timeline activity built from one Gong meeting, ready to upsert by external id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDraft {
    /// Unique per Gong call: see [`external_id`].
    pub external_id: String,
    /// The connection writing it: the activity belongs to it from then on (S10).
    pub connection_id: ConnectionId,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// The activity type's name (Meeting by default).
    pub activity_type: String,
    /// Title, or a generated subject for untitled meetings.
    pub subject: String,
    /// Start time, UTC.
    pub date: DateTime<Utc>,
    /// Duration in seconds, when Gong sent it.
    pub duration_seconds: Option<i64>,
    /// Brief and key points as plain text.
    pub notes: Option<String>,
    /// The mapped user of the call's owner.
    pub author_user_id: UserId,
    /// The resolved company.
    pub company_id: CompanyId,
    /// Internal parties.
    pub internal_attendees: Vec<Attendee>,
    /// External parties.
    pub external_attendees: Vec<ExternalAttendee>,
    /// Trackers with counts and phrases.
    pub trackers: Vec<Tracker>,
    /// S4's message when the call had no tracker data.
    pub trackers_message: Option<Message>,
    /// The Gong call page.
    pub recording_url: Option<String>,
    /// Always [`SOURCE_GONG`].
    pub source: String,
    /// What the call said beyond the brief (#23): next steps, action items, outcome,
    /// outline.
    pub content: ActivityContent,
}

/// The activity's unique external id for a Gong call (S1, S10): the call alone, so
/// that no two connections (a deleted one and its successor to the same Gong
/// account) ever hold two activities of one meeting.
pub fn external_id(call_id: &GongCallId) -> String {
    format!("gong:{call_id}")
}

/// What the content hash fingerprints as the activity's identity: the call and the
/// connection writing it, so that a connection taking an activity over is a change
/// (written, and the activity's `connection_id` follows), while the fingerprints
/// stored before S10 (which hashed `gong:{connection}:{call}`) stay valid.
fn owner_key(draft: &ActivityDraft) -> String {
    format!("gong:{}:{}", draft.connection_id, draft.gong_call_id)
}

/// What the call said beyond the brief and key points, as the activity card shows
/// it: Gong's next steps, action items, outcome and outline (#23).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityContent {
    /// The items of Gong's "Next steps" highlight.
    #[serde(default)]
    pub next_steps: Vec<String>,
    /// Action items said in the call.
    #[serde(default)]
    pub action_items: Vec<String>,
    /// The call's outcome, with its category and, from the company's list of
    /// outcomes, its sentiment (S9).
    #[serde(default)]
    pub outcome: Option<ActivityOutcome>,
    /// The call's outline.
    #[serde(default)]
    pub outline: Vec<OutlineSection>,
}

impl ActivityContent {
    /// The content of a meeting.
    pub fn of(meeting: &Meeting) -> ActivityContent {
        let d = &meeting.details;
        ActivityContent {
            next_steps: d.next_steps(),
            action_items: d.action_items.clone(),
            outcome: d.outcome.as_ref().map(ActivityOutcome::of),
            outline: d.outline.clone(),
        }
    }

    /// The outcome's sentiment joined from the company's list (S9): none without one.
    pub fn with_sentiments(mut self, list: Option<&CallOutcomes>) -> ActivityContent {
        self.outcome = self.outcome.map(|o| o.with_sentiment(list));
        self
    }

    /// True when Gong sent none of it.
    pub fn is_empty(&self) -> bool {
        self == &ActivityContent::default()
    }
}

/// Builds the activity of a meeting whose company and author are resolved.
pub fn build_activity(
    meeting: &Meeting,
    connection_id: ConnectionId,
    activity_type: &str,
    author_user_id: UserId,
    company_id: CompanyId,
    person_lookup: impl Fn(&Email) -> Option<PersonId>,
) -> ActivityDraft {
    let trackers = meeting.trackers.clone().unwrap_or_default();
    let trackers_message = trackers.is_empty().then_some(Message::TrackersFailedToLoad);
    ActivityDraft {
        external_id: external_id(&meeting.gong_call_id),
        connection_id,
        gong_call_id: meeting.gong_call_id.clone(),
        activity_type: activity_type.to_string(),
        subject: subject(meeting),
        date: meeting.started,
        duration_seconds: meeting.duration_seconds,
        notes: notes(meeting),
        author_user_id,
        company_id,
        internal_attendees: attendees(meeting, Affiliation::Internal)
            .into_iter()
            .map(|(email, name)| Attendee { email, name })
            .collect(),
        external_attendees: attendees(meeting, Affiliation::External)
            .into_iter()
            .map(|(email, name)| ExternalAttendee {
                person_id: email.as_ref().and_then(&person_lookup),
                email,
                name,
            })
            .collect(),
        trackers,
        trackers_message,
        recording_url: meeting.url.clone(),
        source: SOURCE_GONG.to_string(),
        content: ActivityContent::of(meeting),
    }
}

/// The title, or `Gong meeting {start} UTC` when there is none.
fn subject(meeting: &Meeting) -> String {
    match meeting.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => title.to_string(),
        _ => format!(
            "Gong meeting {} UTC",
            meeting.started.format("%Y-%m-%d %H:%M")
        ),
    }
}

/// Brief, then key points, as plain text.
fn notes(meeting: &Meeting) -> Option<String> {
    let brief = meeting
        .brief
        .as_deref()
        .map(plain_text)
        .filter(|b| !b.is_empty());
    let points: Vec<String> = meeting
        .key_points
        .iter()
        .map(|p| plain_text(p))
        .filter(|p| !p.is_empty())
        .collect();
    let mut sections = Vec::new();
    sections.extend(brief);
    if !points.is_empty() {
        let bullets: Vec<String> = points.iter().map(|p| format!("- {p}")).collect();
        sections.push(format!("Key points:\n{}", bullets.join("\n")));
    }
    (!sections.is_empty()).then(|| sections.join("\n\n"))
}

/// Removes HTML tags, decodes the common entities and trims every line.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let looks_like_tag = tail[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (looks_like_tag, tail.find('>')) {
            (true, Some(end)) => rest = &tail[end + 1..],
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    // Most texts have no entity: seven searches each for nothing were 1 % of a sync.
    let decoded = if out.contains('&') {
        decode_entities(&out)
    } else {
        out
    };
    let lines: Vec<&str> = decoded.lines().map(str::trim).collect();
    lines.join("\n").trim().to_string()
}

fn decode_entities(text: &str) -> String {
    [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text.to_string(), |acc, (entity, plain)| {
        acc.replace(entity, plain)
    })
}

/// The parties of one affiliation as (email, name), deduplicated (see module docs).
fn attendees(meeting: &Meeting, affiliation: Affiliation) -> Vec<(Option<Email>, String)> {
    let mut out: Vec<(Option<Email>, String)> = Vec::new();
    for party in meeting
        .parties
        .iter()
        .filter(|p| p.affiliation == affiliation)
    {
        let (email, name) = party_identity(party);
        let existing = out.iter_mut().find(|(e, n)| match &email {
            Some(_) => *e == email,
            None => e.is_none() && n.eq_ignore_ascii_case(&name),
        });
        match existing {
            Some(seen) if seen.1.is_empty() => seen.1 = name,
            Some(_) => {}
            None => out.push((email, name)),
        }
    }
    out.retain(|(e, n)| e.is_some() || !n.is_empty());
    for (email, name) in &mut out {
        if let (true, Some(email)) = (name.is_empty(), email) {
            *name = email.to_string();
        }
    }
    out
}

fn party_identity(party: &Party) -> (Option<Email>, String) {
    let email = party.email.as_deref().and_then(|e| Email::parse(e).ok());
    let name = party
        .name
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    (email, name)
}

/// A stable fingerprint of everything an activity shows, to skip unchanged re-reads.
pub fn content_hash(draft: &ActivityDraft) -> u64 {
    let mut fp = Fingerprint::new();
    fp.str(&owner_key(draft))
        .str(draft.gong_call_id.as_str())
        .str(&draft.activity_type)
        .str(&draft.subject)
        .int(draft.date.timestamp())
        .int(draft.date.timestamp_subsec_nanos().into())
        .opt_int(draft.duration_seconds)
        .opt_str(draft.notes.as_deref())
        .int(draft.author_user_id.get())
        .int(draft.company_id.get())
        .count(draft.internal_attendees.len());
    for a in &draft.internal_attendees {
        fp.opt_str(a.email.as_ref().map(Email::as_str)).str(&a.name);
    }
    fp.count(draft.external_attendees.len());
    for a in &draft.external_attendees {
        fp.opt_str(a.email.as_ref().map(Email::as_str))
            .str(&a.name)
            .opt_int(a.person_id.map(PersonId::get));
    }
    fp.count(draft.trackers.len());
    for t in &draft.trackers {
        fp.str(&t.name).int(t.count).count(t.phrases.len());
        for p in &t.phrases {
            fp.str(&p.phrase).int(p.count);
        }
    }
    let message = draft.trackers_message.as_ref().map(Message::to_string);
    fp.opt_str(message.as_deref())
        .opt_str(draft.recording_url.as_deref())
        .str(&draft.source);
    // Only when there is some: activities written before content existed keep their
    // hash, so they are not rewritten for nothing.
    if !draft.content.is_empty() {
        let c = &draft.content;
        fp.count(c.next_steps.len());
        c.next_steps.iter().for_each(|t| {
            fp.str(t);
        });
        fp.count(c.action_items.len());
        c.action_items.iter().for_each(|t| {
            fp.str(t);
        });
        fp.opt_str(c.outcome.as_ref().map(|o| o.name.as_str()))
            .opt_str(c.outcome.as_ref().and_then(|o| o.category.as_deref()));
        // Only when known, like the content: an outcome without one keeps its hash.
        if let Some(sentiment) = c.outcome.as_ref().and_then(|o| o.sentiment) {
            fp.str(sentiment.as_str());
        }
        fp.count(c.outline.len());
        for section in &c.outline {
            fp.str(&section.section).count(section.items.len());
            section.items.iter().for_each(|t| {
                fp.str(t);
            });
        }
    }
    fp.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::PhraseCount;
    use crate::testing::{external, meeting, party};
    use Affiliation::{External, Internal, Unknown};

    fn lookup(email: &Email) -> Option<PersonId> {
        (email.as_str() == "wile@acme.com").then_some(PersonId::new(42))
    }

    fn draft(m: &Meeting) -> ActivityDraft {
        build_activity(
            m,
            ConnectionId::new(3),
            "Meeting",
            UserId::new(11),
            CompanyId::new(7),
            lookup,
        )
    }

    fn tracker(name: &str, count: i64) -> Tracker {
        Tracker {
            name: name.into(),
            count,
            phrases: vec![PhraseCount {
                phrase: name.to_lowercase(),
                count,
            }],
        }
    }

    #[test]
    fn content_goes_on_the_activity_and_into_its_hash() {
        let plain = meeting();
        let bare = draft(&plain);
        assert!(bare.content.is_empty());
        let mut rich = meeting();
        rich.details.highlights = vec![crate::meeting::Highlight {
            title: "next steps".into(),
            items: vec!["Send the proposal".into()],
        }];
        rich.details.outcome = Some(crate::meeting::CallOutcome {
            name: "Demo scheduled".into(),
            category: Some("Positive".into()),
        });
        let full = draft(&rich);
        assert_eq!(full.content.next_steps, ["Send the proposal"]);
        assert_eq!(
            full.content.outcome.as_ref().unwrap().name,
            "Demo scheduled"
        );
        assert_ne!(content_hash(&full), content_hash(&bare));
    }

    #[test]
    fn s9_the_outcome_sentiment_goes_into_the_hash_only_when_known() {
        use crate::outcome::{CallOutcomes, KnownOutcome, Sentiment};
        let mut rich = meeting();
        rich.details.outcome = Some(crate::meeting::CallOutcome {
            name: "Closed lost".into(),
            category: None,
        });
        let without = draft(&rich);
        let list = CallOutcomes {
            fetched_at: Utc::now(),
            outcomes: vec![KnownOutcome {
                id: None,
                name: "closed lost".into(),
                sentiment: Some(Sentiment::Negative),
            }],
        };
        let mut with = without.clone();
        with.content = with.content.with_sentiments(Some(&list));
        assert_eq!(
            with.content.outcome.as_ref().unwrap().sentiment,
            Some(Sentiment::Negative)
        );
        assert_ne!(content_hash(&with), content_hash(&without));
        let mut unlisted = without.clone();
        unlisted.content = unlisted.content.with_sentiments(None);
        assert_eq!(content_hash(&unlisted), content_hash(&without));
    }

    #[test]
    fn s10_external_id_is_the_call_alone_and_the_hash_sees_the_connection() {
        assert_eq!(external_id(&GongCallId::new("778234")), "gong:778234");
        let d = draft(&meeting());
        assert_eq!(d.external_id, "gong:7782342274025937895");
        let other = build_activity(
            &meeting(),
            ConnectionId::new(4),
            "Meeting",
            UserId::new(11),
            CompanyId::new(7),
            lookup,
        );
        assert_eq!(d.external_id, other.external_id);
        assert_eq!(other.connection_id, ConnectionId::new(4));
        // Taking an activity over is a change: it is written, with its new owner.
        assert_ne!(content_hash(&d), content_hash(&other));
    }

    #[test]
    fn s3_title_date_duration_recording_and_source_are_captured() {
        let mut m = meeting();
        m.title = Some("  Quarterly review ".into());
        let d = draft(&m);
        assert_eq!(d.subject, "Quarterly review");
        assert_eq!(d.date, m.started);
        assert_eq!(d.duration_seconds, Some(1800));
        assert_eq!(d.recording_url, m.url);
        assert_eq!(
            (d.author_user_id, d.company_id),
            (UserId::new(11), CompanyId::new(7))
        );
        assert_eq!(
            (d.activity_type.as_str(), d.source.as_str()),
            ("Meeting", "Gong")
        );
    }

    #[test]
    fn s3_untitled_meetings_get_a_dated_subject() {
        let mut m = meeting();
        m.title = Some("   ".into());
        assert_eq!(draft(&m).subject, "Gong meeting 2024-03-05 14:30 UTC");
    }

    #[test]
    fn s3_attendees_split_by_affiliation_and_dedupe_by_email() {
        let mut m = meeting();
        m.parties = vec![
            party("Ann@Us.com", "", Internal),
            party("ann@us.com ", "Ann Lee", Internal),
            party("", "Dial-in Dave", Internal),
            party("", "dial-in dave", Internal),
            party("", "", Internal),
            party("Wile@Acme.com", "Wile E.", External),
            external("wile@acme.com"),
            external("stranger@nowhere.com"),
            party("who@what.com", "Who", Unknown),
        ];
        let d = draft(&m);
        let ann = Email::parse("ann@us.com").unwrap();
        assert_eq!(
            d.internal_attendees,
            vec![
                Attendee {
                    email: Some(ann),
                    name: "Ann Lee".into()
                },
                Attendee {
                    email: None,
                    name: "Dial-in Dave".into()
                },
            ]
        );
        assert_eq!(
            d.external_attendees,
            vec![
                ExternalAttendee {
                    email: Some(Email::parse("wile@acme.com").unwrap()),
                    name: "Wile E.".into(),
                    person_id: Some(PersonId::new(42)),
                },
                ExternalAttendee {
                    email: Some(Email::parse("stranger@nowhere.com").unwrap()),
                    name: "stranger@nowhere.com".into(),
                    person_id: None,
                },
            ]
        );
    }

    #[test]
    fn s3_trackers_keep_counts_and_phrases() {
        let mut m = meeting();
        m.trackers = Some(vec![tracker("Pricing", 3), tracker("Competitors", 0)]);
        let d = draft(&m);
        assert_eq!(d.trackers, m.trackers.clone().unwrap());
        assert_eq!(d.trackers_message, None);
    }

    #[test]
    fn s4_no_tracker_data_still_builds_with_the_message() {
        let mut m = meeting();
        for trackers in [None, Some(Vec::new())] {
            m.trackers = trackers;
            let d = draft(&m);
            assert!(d.trackers.is_empty());
            assert_eq!(d.trackers_message, Some(Message::TrackersFailedToLoad));
        }
    }

    #[test]
    fn notes_carry_brief_and_key_points_as_plain_text() {
        let mut m = meeting();
        assert_eq!(draft(&m).notes, None);
        m.brief = Some("<p>Talked <b>pricing</b> &amp; terms; ARR < 10k.</p>".into());
        m.key_points = vec![
            "Renewal in Q3".into(),
            "  ".into(),
            "<i>Send</i> deck".into(),
        ];
        assert_eq!(
            draft(&m).notes.as_deref(),
            Some("Talked pricing & terms; ARR < 10k.\n\nKey points:\n- Renewal in Q3\n- Send deck")
        );
        m.brief = None;
        assert_eq!(
            draft(&m).notes.as_deref(),
            Some("Key points:\n- Renewal in Q3\n- Send deck")
        );
    }

    #[test]
    fn plain_text_strips_tags_but_keeps_comparisons() {
        assert_eq!(plain_text("<script>x</script>a <= b"), "xa <= b");
        assert_eq!(plain_text("1 <2 and &lt;b&gt;"), "1 <2 and <b>");
        assert_eq!(plain_text("  line one \n line two  "), "line one\nline two");
        assert_eq!(plain_text("unclosed <b"), "unclosed <b");
    }

    #[test]
    fn s1_content_hash_is_stable_and_sees_every_change() {
        let mut m = meeting();
        m.title = Some("Kick-off".into());
        m.parties = vec![external("wile@acme.com")];
        m.trackers = Some(vec![tracker("Pricing", 2)]);
        let base = draft(&m);
        assert_eq!(content_hash(&base), content_hash(&draft(&m.clone())));
        // Pinned: a change here means every stored fingerprint goes stale.
        assert_eq!(content_hash(&base), 17_814_371_786_187_780_267);
        let mut changed = Vec::new();
        let mut d = base.clone();
        d.subject.push('!');
        changed.push(d);
        let mut d = base.clone();
        d.duration_seconds = Some(1801);
        changed.push(d);
        let mut d = base.clone();
        d.trackers[0].phrases[0].count += 1;
        changed.push(d);
        let mut d = base.clone();
        d.external_attendees[0].person_id = None;
        changed.push(d);
        let mut d = base.clone();
        d.company_id = CompanyId::new(d.company_id.get() + 1);
        changed.push(d);
        for d in changed {
            assert_ne!(content_hash(&base), content_hash(&d), "{d:?}");
        }
    }
}
