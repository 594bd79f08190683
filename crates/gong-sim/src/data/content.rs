//! Gong's AI content and statistics of a call beyond brief, key points, topics and
//! trackers: structure, outline, highlights ("Next steps" among them), call outcome,
//! action items, interaction statistics, video, questions, public comments and the
//! transcript.
//!
//! None of it is kept in [`SimCall`]: each section is drawn when a request asks for
//! it, from its own stream seeded by `(seed, section, call id)`, so a section is the
//! same whichever other sections are asked for, and a page without them costs
//! nothing. A scenario call carries its AI content and transcript in
//! [`SimCall::authored`] instead (only what the file spells out is sent); its
//! statistics and comments are drawn like a generated call's.

use chrono::{DateTime, Duration, Utc};

use super::hash::{hash_bytes, Rng, Stream};
use super::model::{Affiliation, SimCall};
use super::world::gong_id;
use crate::wire::calls::*;
use crate::wire::transcript::{DialerOutcome, Monologue, Sentence};

/// The title of the highlights section that holds the call's next steps.
pub const NEXT_STEPS: &str = "Next steps";

/// The company's call outcomes: `content.callOutcome` is one of these, and
/// `GET /v2/call-outcomes` lists them. The category is the outcome's sentiment.
pub const OUTCOMES: [CallOutcome; 5] = [
    CallOutcome {
        id: "7310000000000000001",
        category: "Positive",
        name: "Demo scheduled",
    },
    CallOutcome {
        id: "7310000000000000002",
        category: "Positive",
        name: "Renewal confirmed",
    },
    CallOutcome {
        id: "7310000000000000003",
        category: "Neutral",
        name: "Follow-up needed",
    },
    CallOutcome {
        id: "7310000000000000004",
        category: "Neutral",
        name: "No decision",
    },
    CallOutcome {
        id: "7310000000000000005",
        category: "Negative",
        name: "Closed lost",
    },
];

/// The index of the outcome named `key` or with id `key` (any letter case).
pub fn outcome_index(key: &str) -> Option<usize> {
    OUTCOMES
        .iter()
        .position(|o| o.id == key || o.name.eq_ignore_ascii_case(key))
}

/// [`OUTCOMES`] as public clients read `GET /v2/call-outcomes` (`outcomes[]`).
pub fn dialer_outcomes() -> Vec<DialerOutcome> {
    OUTCOMES
        .iter()
        .zip(1..)
        .map(|(o, order)| DialerOutcome {
            call_outcome: o.name,
            display_order: order,
            connect_status: "CONNECTED",
            sentiment: match o.category {
                "Positive" => "POSITIVE",
                "Negative" => "NEGATIVE",
                _ => "NEUTRAL",
            },
            category: "ANSWERED",
        })
        .collect()
}

/// Sections, each with its own stream.
#[derive(Clone, Copy)]
enum Section {
    Structure = 1,
    Outline,
    Highlights,
    Outcome,
    ActionItems,
    Stats,
    Video,
    Questions,
    Comments,
    Transcript,
}

fn rng(seed: u64, call: &SimCall, section: Section) -> Rng {
    Rng::new(
        seed ^ ((section as u64) << 56),
        Stream::Content,
        hash_bytes(seed, call.id.as_bytes()),
    )
}

/// The customer's name from a generated title (`Company | topic`).
fn company(call: &SimCall) -> &str {
    call.title
        .split_once(" | ")
        .map_or("the customer", |(name, _)| name)
}

/// A template with each `{company}` filled in. Searching for the placeholder as a
/// string set up a substring searcher for every text (7 % of what content cost a sync).
fn fill(template: &str, company: &str) -> String {
    const PLACEHOLDER: &str = "{company}";
    let mut out = String::with_capacity(template.len() + company.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        match rest[at..].strip_prefix(PLACEHOLDER) {
            Some(after) => {
                out.push_str(company);
                rest = after;
            }
            None => {
                out.push('{');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Call length used to place things in time (a scenario may leave it 0).
fn length(call: &SimCall) -> f64 {
    f64::from(if call.duration == 0 {
        600
    } else {
        call.duration
    })
}

/// Seconds rounded to a tenth, as Gong's times carry fractions.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Speaker ids: `(internal, others)`.
fn speakers(call: &SimCall) -> (Vec<&str>, Vec<&str>) {
    let mut internal = Vec::new();
    let mut others = Vec::new();
    for p in &call.parties {
        if let Some(id) = p.speaker_id.as_deref() {
            if p.affiliation == Affiliation::Internal {
                internal.push(id);
            } else {
                others.push(id);
            }
        }
    }
    (internal, others)
}

const STRUCTURE: &[&str] = &[
    "Introduction",
    "Discovery",
    "Product demo",
    "Pricing",
    "Next steps",
];

/// `content.structure`: consecutive agenda parts covering the call.
pub fn structure(seed: u64, call: &SimCall) -> Vec<Topic> {
    let mut rng = rng(seed, call, Section::Structure);
    let n = rng.range(2, 4) as usize;
    let first = rng.below((STRUCTURE.len() - n + 1) as u64) as usize;
    let total = call.duration.max(n as u32);
    let each = total / n as u32;
    (0..n)
        .map(|k| Topic {
            name: STRUCTURE[first + k].to_string(),
            duration: if k + 1 == n {
                total - each * (n as u32 - 1)
            } else {
                each
            },
        })
        .collect()
}

const OUTLINE: &[(&str, &[&str])] = &[
    (
        "Introductions",
        &[
            "Attendees introduced themselves and their roles.",
            "The agenda for the call was confirmed.",
        ],
    ),
    (
        "Current setup",
        &[
            "{company} described how the team works today.",
            "The main pain point is manual reporting.",
        ],
    ),
    (
        "Requirements",
        &[
            "{company} needs single sign-on before rollout.",
            "Reporting for managers is a must-have.",
        ],
    ),
    (
        "Product walkthrough",
        &[
            "Dashboards and alerts were shown.",
            "Questions about integrations were answered.",
        ],
    ),
    (
        "Commercials",
        &[
            "Pricing tiers were discussed.",
            "{company} asked about a multi-year discount.",
        ],
    ),
    (
        "Wrap-up",
        &[
            "Owners were agreed for the open items.",
            "A follow-up date was set.",
        ],
    ),
];

/// `content.outline`.
pub fn outline(seed: u64, call: &SimCall) -> Option<Vec<OutlineSection>> {
    let len = length(call);
    if let Some(a) = &call.authored {
        let step = len / a.outline.len().max(1) as f64;
        return (!a.outline.is_empty()).then(|| {
            a.outline
                .iter()
                .enumerate()
                .map(|(k, (section, items))| {
                    let start = tenth(step * k as f64);
                    OutlineSection {
                        section: section.clone(),
                        start_time: start,
                        duration: tenth(step),
                        items: items
                            .iter()
                            .enumerate()
                            .map(|(j, text)| OutlineItem {
                                text: text.clone(),
                                start_time: tenth(start + step * j as f64 / items.len() as f64),
                            })
                            .collect(),
                    }
                })
                .collect()
        });
    }
    let mut rng = rng(seed, call, Section::Outline);
    let n = rng.range(2, 3) as usize;
    let first = rng.below((OUTLINE.len() - n + 1) as u64) as usize;
    let step = len / n as f64;
    let who = company(call);
    Some(
        (0..n)
            .map(|k| {
                let (section, texts) = OUTLINE[first + k];
                let start = tenth(step * k as f64 + rng.below(100) as f64 / 10.0);
                let items = if rng.chance(30) { 2 } else { 1 };
                OutlineSection {
                    section: section.to_string(),
                    start_time: start,
                    duration: tenth(step - 10.0),
                    items: texts[..items]
                        .iter()
                        .enumerate()
                        .map(|(j, t)| OutlineItem {
                            text: fill(t, who),
                            start_time: tenth(start + 5.0 + step * j as f64 / 3.0),
                        })
                        .collect(),
                }
            })
            .collect(),
    )
}

const NEXT_STEP_TEXTS: &[&str] = &[
    "Send the revised proposal to {company} by Friday.",
    "Schedule a technical deep-dive with {company}'s IT team.",
    "Share the completed security questionnaire.",
    "Book the onboarding kickoff for next week.",
    "Confirm pricing with procurement.",
    "Set up a pilot workspace for {company}.",
];

const OTHER_HIGHLIGHTS: &[(&str, &[&str])] = &[
    (
        "Pain points",
        &[
            "Reporting takes the team a day every week.",
            "Too many tools to switch between.",
        ],
    ),
    (
        "Decision process",
        &[
            "The CFO signs off on anything above budget.",
            "A decision is expected by the end of the quarter.",
        ],
    ),
    (
        "Competition",
        &[
            "{company} is also evaluating another vendor.",
            "Price is the main comparison point.",
        ],
    ),
];

/// `content.highlights`: most generated calls have a "Next steps" section with 1-3
/// items, some another section before it.
pub fn highlights(seed: u64, call: &SimCall) -> Option<Vec<Highlight>> {
    let len = length(call);
    if let Some(a) = &call.authored {
        return (!a.highlights.is_empty()).then(|| {
            a.highlights
                .iter()
                .map(|(title, items)| Highlight {
                    title: title.clone(),
                    items: items
                        .iter()
                        .enumerate()
                        .map(|(j, text)| HighlightItem {
                            text: text.clone(),
                            start_times: vec![tenth(
                                len * (j + 1) as f64 / (items.len() + 1) as f64,
                            )],
                        })
                        .collect(),
                })
                .collect()
        });
    }
    let mut rng = rng(seed, call, Section::Highlights);
    let who = company(call);
    let at = |rng: &mut Rng, lo: f64| vec![tenth(lo + rng.below((len * 2.0) as u64) as f64 / 10.0)];
    let mut out = Vec::new();
    if rng.chance(30) {
        let (title, texts) = *rng.pick(OTHER_HIGHLIGHTS);
        out.push(Highlight {
            title: title.to_string(),
            items: texts[..rng.range(1, 2) as usize]
                .iter()
                .map(|t| HighlightItem {
                    text: fill(t, who),
                    start_times: at(&mut rng, len * 0.2),
                })
                .collect(),
        });
    }
    if rng.chance(85) {
        let n = rng.range(1, 3) as usize;
        let first = rng.below(NEXT_STEP_TEXTS.len() as u64) as usize;
        out.push(Highlight {
            title: NEXT_STEPS.to_string(),
            items: (0..n)
                .map(|k| HighlightItem {
                    text: fill(NEXT_STEP_TEXTS[(first + k) % NEXT_STEP_TEXTS.len()], who),
                    start_times: at(&mut rng, len * 0.75),
                })
                .collect(),
        });
    }
    Some(out)
}

/// `content.callOutcome`: one of [`OUTCOMES`] (every generated call has one).
pub fn call_outcome(seed: u64, call: &SimCall) -> Option<CallOutcome> {
    if let Some(a) = &call.authored {
        return a.call_outcome.map(|k| OUTCOMES[k].clone());
    }
    let mut rng = rng(seed, call, Section::Outcome);
    Some(OUTCOMES[rng.below(OUTCOMES.len() as u64) as usize].clone())
}

const ACTION_ITEMS: &[&str] = &[
    "I'll send over the updated proposal by Friday.",
    "Let me loop in our security team and get back to you.",
    "I'll share the recording and the slides after the call.",
    "We'll set up the pilot workspace this week.",
    "I'll check the contract terms with legal.",
];

/// `content.pointsOfInterest`: 0-3 action items, said by a speaker of the call.
pub fn points_of_interest(seed: u64, call: &SimCall) -> Option<PointsOfInterest> {
    let len = length(call);
    if let Some(a) = &call.authored {
        return (!a.action_items.is_empty()).then(|| PointsOfInterest {
            action_items: a
                .action_items
                .iter()
                .enumerate()
                .map(|(j, (speaker, text))| {
                    let start = tenth(len * (j + 1) as f64 / (a.action_items.len() + 1) as f64);
                    ActionItem {
                        snippet_start_time: start,
                        snippet_end_time: tenth(start + 6.0),
                        speaker_id: speaker.clone(),
                        snippet: text.clone(),
                    }
                })
                .collect(),
        });
    }
    let mut rng = rng(seed, call, Section::ActionItems);
    let (internal, others) = speakers(call);
    let n = if internal.is_empty() && others.is_empty() {
        0
    } else {
        rng.range(0, 3) as usize
    };
    let first = rng.below(ACTION_ITEMS.len() as u64) as usize;
    let mut action_items: Vec<ActionItem> = (0..n)
        .map(|k| {
            let pool = if internal.is_empty() {
                &others
            } else {
                &internal
            };
            let start = tenth(len * 0.5 + rng.below((len * 4.0) as u64) as f64 / 10.0);
            ActionItem {
                snippet_start_time: start,
                snippet_end_time: tenth(start + rng.range(3, 12) as f64),
                speaker_id: Some(rng.pick(pool).to_string()),
                snippet: ACTION_ITEMS[(first + k) % ACTION_ITEMS.len()].to_string(),
            }
        })
        .collect();
    action_items.sort_by(|a, b| a.snippet_start_time.total_cmp(&b.snippet_start_time));
    Some(PointsOfInterest { action_items })
}

/// `interaction.interactionStats`.
pub fn interaction_stats(seed: u64, call: &SimCall) -> Vec<Stat> {
    let mut rng = rng(seed, call, Section::Stats);
    let mut value = |lo: u64, hi: u64, scale: f64| rng.range(lo, hi) as f64 / scale;
    vec![
        Stat {
            name: "Talk Ratio",
            value: value(25, 75, 100.0),
        },
        Stat {
            name: "Longest Monologue",
            value: value(30, 300, 1.0),
        },
        Stat {
            name: "Longest Customer Story",
            value: value(15, 200, 1.0),
        },
        Stat {
            name: "Interactivity",
            value: value(10, 100, 10.0),
        },
        Stat {
            name: "Patience",
            value: value(40, 250, 100.0),
        },
    ]
}

/// `interaction.video`: seconds per video kind (none for audio-only calls).
pub fn video(seed: u64, call: &SimCall) -> Vec<VideoStat> {
    if !call.video {
        return Vec::new();
    }
    let mut rng = rng(seed, call, Section::Video);
    let len = length(call);
    let presentation = tenth(len * rng.range(10, 50) as f64 / 100.0);
    let webcam = tenth(len * rng.range(30, 90) as f64 / 100.0);
    vec![
        VideoStat {
            name: "Presentation",
            duration: presentation,
        },
        VideoStat {
            name: "WebcamPrimaryUser",
            duration: webcam,
        },
        VideoStat {
            name: "WebcamNonCompany",
            duration: tenth(webcam * 0.8),
        },
        VideoStat {
            name: "Browser",
            duration: tenth(len - presentation),
        },
    ]
}

/// `interaction.questions`.
pub fn questions(seed: u64, call: &SimCall) -> Questions {
    let mut rng = rng(seed, call, Section::Questions);
    Questions {
        company_count: rng.range(0, 15) as u32,
        non_company_count: rng.range(0, 10) as u32,
    }
}

const COMMENTS: &[&str] = &[
    "Great discovery questions here.",
    "Worth sharing with the product team.",
    "Let's follow up on this objection.",
    "Good handling of the pricing question.",
];

/// `collaboration.publicComments`: 0-2 comments by the call's owner; `posted` is
/// rendered by `time` (the call's offset).
pub fn public_comments(
    seed: u64,
    call: &SimCall,
    time: impl Fn(DateTime<Utc>) -> String,
) -> Vec<Comment> {
    let mut rng = rng(seed, call, Section::Comments);
    let len = length(call);
    (0..rng.range(0, 2))
        .map(|k| {
            let start = tenth(rng.below((len * 10.0) as u64) as f64 / 10.0);
            let during = rng.chance(30);
            let posted = call.started
                + Duration::seconds(if during {
                    start as i64
                } else {
                    i64::from(call.duration) + rng.range(600, 86_400) as i64
                });
            Comment {
                id: gong_id(hash_bytes(seed, call.id.as_bytes()), Stream::Content, k),
                audio_start_time: start,
                audio_end_time: tenth(start + rng.range(5, 30) as f64),
                commenter_user_id: call.primary_user_id.clone(),
                comment: rng.pick(COMMENTS).to_string(),
                posted: time(posted),
                in_reply_to: None,
                during_call: during,
            }
        })
        .collect()
}

const INTERNAL_LINES: &[&str] = &[
    "Thanks for making the time today.",
    "Let me share my screen for a moment.",
    "How is the rollout going on your side?",
    "That's a great question, let me show you.",
    "We can set that up for you this week.",
    "Does that answer your question?",
    "I'll follow up with a summary after the call.",
];

const EXTERNAL_LINES: &[&str] = &[
    "Happy to be here.",
    "So far the team likes the dashboards.",
    "Our main concern is the timeline.",
    "We need this to work with our single sign-on.",
    "Can you walk me through the reporting?",
    "I'll need to check with our finance team.",
    "That sounds good to me.",
];

/// The call's transcript: 3-8 monologues of 1-4 sentences, alternating between the
/// internal and the other speakers; every phrase the call's keyword trackers hit is
/// said at least once. Empty when nobody spoke.
pub fn transcript(seed: u64, call: &SimCall) -> Vec<Monologue> {
    let len_ms = (length(call) * 1000.0) as u64;
    if let Some(a) = &call.authored {
        let sentences: usize = a.transcript.iter().map(|m| m.2.len()).sum();
        let step = len_ms / sentences.max(1) as u64;
        let mut at = 0;
        return a
            .transcript
            .iter()
            .map(|(speaker, topic, texts)| Monologue {
                speaker_id: speaker.clone(),
                topic: topic.clone(),
                sentences: texts
                    .iter()
                    .map(|text| {
                        let start = at;
                        at += step;
                        Sentence {
                            start,
                            end: start + step * 9 / 10,
                            text: text.clone(),
                        }
                    })
                    .collect(),
            })
            .collect();
    }
    let (internal, others) = speakers(call);
    if internal.is_empty() && others.is_empty() {
        return Vec::new();
    }
    let mut rng = rng(seed, call, Section::Transcript);
    let phrases: Vec<&str> = call
        .trackers
        .iter()
        .flat_map(|h| h.phrases.iter().map(|(p, _)| p.as_str()))
        .collect();
    let monologues = rng.range(3, 8) as usize;
    let counts: Vec<usize> = (0..monologues).map(|_| rng.range(1, 4) as usize).collect();
    let total: usize = counts.iter().sum();
    // Which sentence says which phrase.
    let mut says: Vec<Vec<&str>> = vec![Vec::new(); total];
    for p in &phrases {
        says[rng.below(total as u64) as usize].push(p);
    }
    let step = len_ms / total as u64;
    let mut at = 0u64;
    let mut k = 0usize;
    let topics = &call.topics;
    counts
        .iter()
        .enumerate()
        .map(|(m, n)| {
            let ours = (m % 2 == 0 && !internal.is_empty()) || others.is_empty();
            let (pool, lines) = if ours {
                (&internal, INTERNAL_LINES)
            } else {
                (&others, EXTERNAL_LINES)
            };
            let speaker_id = rng.pick(pool).to_string();
            let topic =
                (!topics.is_empty()).then(|| topics[m * topics.len() / monologues].0.clone());
            let sentences = (0..*n)
                .map(|_| {
                    let mut text = rng.pick(lines).to_string();
                    for p in &says[k] {
                        text.push_str(" We also talked about ");
                        text.push_str(p);
                        text.push('.');
                    }
                    k += 1;
                    let start = at + rng.below(step / 10 + 1);
                    at += step;
                    Sentence {
                        start,
                        end: at - step / 20,
                        text,
                    }
                })
                .collect();
            Monologue {
                speaker_id,
                topic,
                sentences,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn templates_name_the_company_wherever_asked_and_keep_other_braces() {
        assert_eq!(
            fill("Send {company} the plan.", "Acme"),
            "Send Acme the plan."
        );
        assert_eq!(fill("{company}, {company}", "A"), "A, A");
        assert_eq!(fill("No placeholder.", "Acme"), "No placeholder.");
        assert_eq!(fill("A {brace} and {", "Acme"), "A {brace} and {");
    }
}
