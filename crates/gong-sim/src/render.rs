//! Renders the internal model as Gong's JSON: a call under a content selector, a
//! user. Only what the selector asks for is built, so a bare page stays cheap.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

use crate::data::content;
use crate::data::model::{Affiliation, SimCall, SimContext, SimTracker, SimUser};
use crate::wire::calls::*;
use crate::wire::users::{SpokenLanguage, UserMetadata, UserSettings};

/// What a render needs besides the call.
pub struct RenderCtx<'a> {
    /// The data set's seed (AI content and statistics are drawn from it).
    pub seed: u64,
    /// The simulator's base URL.
    pub base_url: &'a str,
    /// Workspace id.
    pub workspace_id: &'a str,
    /// Tracker definitions (hits refer to them by index).
    pub trackers: &'a [SimTracker],
    /// Signs media URLs; `None` when the recording is unavailable.
    pub media: &'a dyn Fn(&SimCall) -> Option<Media>,
}

/// RFC 3339 with milliseconds in the given offset, as Gong renders times.
pub fn timestamp(t: DateTime<Utc>, offset_secs: i32) -> String {
    let tz = FixedOffset::east_opt(offset_secs)
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    // `%Y-%m-%dT%H:%M:%S%.3f%:z` without parsing a format string for each time.
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// The last `n` characters (scenario ids are free text, so never slice bytes).
fn tail(s: &str, n: usize) -> &str {
    let skip = s.chars().count().saturating_sub(n);
    s.char_indices().nth(skip).map_or("", |(at, _)| &s[at..])
}

fn affiliation(a: Affiliation) -> &'static str {
    match a {
        Affiliation::Internal => "Internal",
        Affiliation::External => "External",
        Affiliation::Unknown => "Unknown",
    }
}

fn contexts(list: &[SimContext], level: ContextLevel) -> Vec<Context> {
    list.iter()
        .map(|c| Context {
            system: c.system.as_str(),
            objects: c
                .objects
                .iter()
                .map(|o| CrmObject {
                    object_type: o.object_type.clone(),
                    object_id: o.object_id.clone(),
                    fields: (level == ContextLevel::Extended).then(|| {
                        o.fields
                            .iter()
                            .map(|(name, value)| Field {
                                name: name.clone(),
                                value: value.clone(),
                            })
                            .collect()
                    }),
                    timing: "Now",
                })
                .collect(),
        })
        .collect()
}

/// One call as `/v2/calls/extensive` sends it.
pub fn call(c: SimCall, sel: &ContentSelector, ctx: &RenderCtx<'_>) -> CallData {
    let fields = &sel.exposed_fields;
    let with_context = sel.context != ContextLevel::None;
    let media = if fields.media { (ctx.media)(&c) } else { None };
    let has_external = c
        .parties
        .iter()
        .any(|p| p.affiliation == Affiliation::External);
    let content = &fields.content;
    let interaction = &fields.interaction;
    // Gong may withhold a private call's content; the simulator always does.
    let open = !c.is_private;
    let seed = ctx.seed;
    CallData {
        context: with_context.then(|| contexts(&c.context, sel.context)),
        parties: fields.parties.then(|| {
            c.parties
                .iter()
                .map(|p| Party {
                    id: p.id.clone(),
                    email_address: p.email.clone(),
                    name: p.name.clone(),
                    title: p.title.clone(),
                    user_id: p.user_id.clone(),
                    speaker_id: p.speaker_id.clone(),
                    context: with_context.then(|| contexts(&p.context, sel.context)),
                    affiliation: affiliation(p.affiliation),
                    methods: vec!["Invitee", "Attendee"],
                })
                .collect()
        }),
        content: (open && content.any()).then(|| Content {
            structure: content.structure.then(|| content::structure(seed, &c)),
            topics: content.topics.then(|| {
                c.topics
                    .iter()
                    .map(|(n, d)| Topic {
                        name: n.clone(),
                        duration: *d,
                    })
                    .collect()
            }),
            trackers: content
                .trackers
                .then(|| trackers(&c, ctx.trackers, content.tracker_occurrences)),
            brief: if content.brief { c.brief.clone() } else { None },
            key_points: content.key_points.then(|| {
                c.key_points
                    .iter()
                    .map(|t| KeyPoint { text: t.clone() })
                    .collect()
            }),
            points_of_interest: if content.points_of_interest {
                content::points_of_interest(seed, &c)
            } else {
                None
            },
            outline: if content.outline {
                content::outline(seed, &c)
            } else {
                None
            },
            highlights: if content.highlights {
                content::highlights(seed, &c)
            } else {
                None
            },
            call_outcome: if content.call_outcome {
                content::call_outcome(seed, &c)
            } else {
                None
            },
        }),
        interaction: (open && interaction.any()).then(|| Interaction {
            speakers: interaction.speakers.then(|| {
                c.parties
                    .iter()
                    .filter_map(|p| {
                        Some(Speaker {
                            id: p.speaker_id.clone()?,
                            user_id: p.user_id.clone(),
                            talk_time: f64::from(c.duration) / c.parties.len().max(1) as f64,
                        })
                    })
                    .collect()
            }),
            interaction_stats: interaction
                .person_interaction_stats
                .then(|| content::interaction_stats(seed, &c)),
            video: interaction.video.then(|| content::video(seed, &c)),
            questions: interaction.questions.then(|| content::questions(seed, &c)),
        }),
        collaboration: (open && fields.collaboration.public_comments).then(|| Collaboration {
            public_comments: content::public_comments(seed, &c, |t| {
                timestamp(t, c.utc_offset_secs)
            }),
        }),
        media,
        meta_data: MetaData {
            url: format!("{}/call?id={}", ctx.base_url, c.id),
            title: c.title,
            scheduled: c.scheduled.map(|s| timestamp(s, c.utc_offset_secs)),
            started: timestamp(c.started, c.utc_offset_secs),
            duration: c.duration,
            primary_user_id: c.primary_user_id,
            direction: "Conference",
            system: c.system,
            scope: if has_external { "External" } else { "Internal" },
            media: if c.video { "Video" } else { "Audio" },
            language: "eng",
            workspace_id: ctx.workspace_id.to_string(),
            sdr_disposition: None,
            client_unique_id: None,
            custom_data: None,
            purpose: None,
            meeting_url: format!("https://zoom.us/j/{}", tail(&c.id, 11)),
            is_private: c.is_private,
            calendar_event_id: format!("cal{}", tail(&c.id, 10)),
            id: c.id,
        },
    }
}

/// Tracker hits as the API shows them: trackers with "API request results" off are
/// left out; phrases only with "Separate phrases" on (then the tracker-level
/// occurrences are empty); occurrences only when asked for.
fn trackers(c: &SimCall, defs: &[SimTracker], occurrences: bool) -> Vec<Tracker> {
    let occ = |list: &[(f64, Option<String>)]| {
        list.iter()
            .map(|(t, s)| Occurrence {
                start_time: *t,
                speaker_id: s.clone(),
            })
            .collect::<Vec<_>>()
    };
    c.trackers
        .iter()
        .filter_map(|hit| {
            let def = defs.get(hit.tracker).filter(|d| d.api_results)?;
            let separate = def.separate_phrases && !def.smart;
            Some(Tracker {
                id: def.id.clone(),
                name: def.name.clone(),
                count: hit.count,
                kind: if def.smart { "SMART" } else { "KEYWORD" },
                occurrences: occurrences.then(|| {
                    if separate {
                        Vec::new()
                    } else {
                        occ(&hit.occurrences)
                    }
                }),
                phrases: if separate {
                    let mut rest = hit.occurrences.as_slice();
                    hit.phrases
                        .iter()
                        .map(|(phrase, count)| {
                            let take = (*count as usize).min(rest.len());
                            let (mine, tail) = rest.split_at(take);
                            rest = tail;
                            Phrase {
                                count: *count,
                                phrase: phrase.clone(),
                                occurrences: occurrences.then(|| occ(mine)),
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            })
        })
        .collect()
}

/// Breaks a rendered call type-wise while keeping it valid JSON: `started` becomes
/// a number and `parties` (when present) a string. Used by the malformed-body fault.
pub fn break_call(data: &CallData) -> serde_json::Value {
    let mut v = serde_json::to_value(data).unwrap_or_default();
    if let Some(meta) = v.get_mut("metaData").and_then(|m| m.as_object_mut()) {
        meta.insert("started".into(), serde_json::json!(12345));
    }
    if let Some(parties) = v.get_mut("parties") {
        *parties = serde_json::json!("not-a-list");
    }
    v
}

/// One user as `/v2/users` sends it.
pub fn user(u: &SimUser, base_url: &str) -> UserMetadata {
    let local = u.email.split('@').next().unwrap_or_default().to_string();
    UserMetadata {
        id: u.id.clone(),
        email_address: u.email.clone(),
        created: timestamp(u.created, -25_200),
        active: u.active,
        email_aliases: Vec::new(),
        trusted_email_address: Some(u.email.clone()),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        title: u.title.clone(),
        phone_number: None,
        extension: None,
        personal_meeting_urls: Vec::new(),
        settings: UserSettings {
            web_conferences_recorded: u.active,
            prevent_web_conference_recording: false,
            telephony_calls_imported: false,
            emails_imported: u.active,
            prevent_email_import: false,
            non_recorded_meetings_imported: u.active,
            gong_connect_enabled: u.active,
        },
        manager_id: None,
        meeting_consent_page_url: Some(format!("{base_url}/join/{local}")),
        spoken_languages: vec![SpokenLanguage {
            language: "en-US".into(),
            primary: true,
        }],
        conferencing_providers: None,
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn times_render_as_gong_writes_them_with_milliseconds_and_the_calls_offset() {
        let t = "2026-10-09T00:03:24.136Z".parse().expect("test literal");
        assert_eq!(timestamp(t, 19_800), "2026-10-09T05:33:24.136+05:30");
        assert_eq!(timestamp(t, -25_200), "2026-10-08T17:03:24.136-07:00");
        let whole = "2026-10-09T00:03:24Z".parse().expect("test literal");
        assert_eq!(timestamp(whole, 0), "2026-10-09T00:03:24.000+00:00");
    }
}
