//! Generated calls: call `i` is a pure function of `(seed, i)` and the fixed world.
//!
//! Where a call sits in time and what its id is lives in [`super::spread`].
//!
//! Each call draws a *kind* that decides its CRM context and external parties:
//! - 70 % `Account`: a Salesforce Account (and sometimes an Opportunity) of company
//!   `c`, external parties are contacts of `c` (resolution R1; fails when `c` is one
//!   of the companies missing from companies.csv);
//! - 14 % `ContactsOnly`: no call-level context, external parties are contacts of `c`
//!   with Salesforce Contact links (resolution R2);
//! - 7 % `Unmatched`: external parties at unknown domains, no context (R3, "not found");
//! - 3 % `InternalOnly`: internal parties only, no context (R3, "not present");
//! - 6 % `HubSpot`: a HubSpot Account context (ignored, C3) and contacts of `c`.
//!
//! Independently: 3 % are private, 2 % have a deleted recording, 12 % have no tracker
//! hits at all, 15 % are audio-only.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::hash::{draw, mix, Rng, Stream};
use super::model::*;
use super::names::*;
use super::sfid;
use super::spread::Spread;
use super::world::{gong_id, World};

/// The owner (index into the user list) of call `i`, cheap enough to scan a
/// million calls for a `primaryUserIds` filter.
pub fn owner_index(seed: u64, i: u64, n_users: usize) -> usize {
    (draw(seed, Stream::Owner, i) % n_users as u64) as usize
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Account,
    ContactsOnly,
    Unmatched,
    InternalOnly,
    HubSpot,
}

/// Generates call `i`.
pub fn generate(world: &World, spread: &Spread, i: u64) -> SimCall {
    let seed = spread.seed;
    let mut rng = Rng::new(seed, Stream::Call, i);
    let kind = match rng.below(100) {
        0..=69 => Kind::Account,
        70..=83 => Kind::ContactsOnly,
        84..=90 => Kind::Unmatched,
        91..=93 => Kind::InternalOnly,
        _ => Kind::HubSpot,
    };
    let company = rng.pick(&world.companies);
    let owner = &world.users[owner_index(seed, i, world.users.len())];
    let started = Utc
        .timestamp_millis_opt(spread.start_ms(i))
        .single()
        .unwrap_or_default();
    let duration = rng.range(600, 3_600) as u32;
    let mut speaker_seq = 0u64;
    let mut party = |rng: &mut Rng, name: Option<String>, email: Option<String>| {
        speaker_seq += 1;
        let speaks = rng.chance(85);
        SimParty {
            id: gong_id(seed ^ i, Stream::Call, speaker_seq),
            name,
            email,
            title: None,
            user_id: None,
            speaker_id: speaks.then(|| gong_id(seed ^ i, Stream::Call, 100 + speaker_seq)),
            affiliation: Affiliation::Internal,
            context: Vec::new(),
        }
    };

    // Internal side: the owner and up to two colleagues.
    let mut parties = Vec::new();
    let mut internal = vec![owner];
    for _ in 0..rng.below(3) {
        let u = rng.pick(&world.users);
        if !internal.iter().any(|x| x.id == u.id) {
            internal.push(u);
        }
    }
    for u in &internal {
        let mut p = party(&mut rng, Some(u.full_name()), Some(u.email.clone()));
        p.title = u.title.clone();
        // Gong leaves userId out for some internal parties; clients match by email.
        p.user_id = (u.id == owner.id || !rng.chance(10)).then(|| u.id.clone());
        parties.push(p);
    }

    // External side.
    let contacts: Vec<_> = match kind {
        Kind::Account | Kind::ContactsOnly | Kind::HubSpot => {
            let k = rng.range(1, company.contacts.len().min(3) as u64) as usize;
            let start = rng.below(company.contacts.len() as u64) as usize;
            (0..k)
                .map(|j| &company.contacts[(start + j) % company.contacts.len()])
                .collect()
        }
        _ => Vec::new(),
    };
    for c in &contacts {
        let mut p = party(&mut rng, Some(c.name.clone()), Some(c.email.clone()));
        p.affiliation = Affiliation::External;
        p.title = Some(c.title.clone());
        if kind != Kind::Unmatched {
            let (system, id) = match kind {
                Kind::HubSpot => (CrmKind::HubSpot, (mix(i) % 9_000_000_000).to_string()),
                _ => (CrmKind::Salesforce, c.salesforce_id.clone()),
            };
            p.context.push(SimContext {
                system,
                objects: vec![SimCrmObject {
                    object_type: "Contact".into(),
                    object_id: id,
                    fields: vec![("Title".into(), json!(c.title))],
                }],
            });
        }
        parties.push(p);
    }
    if kind == Kind::Unmatched {
        for _ in 0..rng.range(1, 2) {
            let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
            let domain = format!("prospect-{}.example", rng.below(500));
            let email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase());
            let mut p = party(&mut rng, Some(format!("{first} {last}")), Some(email));
            p.affiliation = Affiliation::External;
            parties.push(p);
        }
    }
    if rng.chance(8) {
        let mut p = party(&mut rng, Some("Unknown caller".into()), None);
        p.affiliation = Affiliation::Unknown;
        parties.push(p);
    }

    let context = call_context(kind, company, &mut rng);
    let title = match kind {
        Kind::InternalOnly => format!(
            "Internal: {}",
            rng.pick(&["pipeline review", "deal desk", "forecast call"])
        ),
        Kind::Unmatched => format!("{SELLER} intro call"),
        _ => format!("{} | {}", company.name, rng.pick(CALL_TOPICS)),
    };
    let trackers = if rng.chance(12) {
        Vec::new()
    } else {
        tracker_hits(world, &parties, duration, &mut rng)
    };
    // A run of distinct topics from a random starting point.
    let first_topic = rng.below(TOPICS.len() as u64) as usize;
    let topics = (0..rng.range(1, 3) as usize)
        .map(|k| {
            let name = TOPICS[(first_topic + k) % TOPICS.len()];
            (name.to_string(), rng.range(30, 600) as u32)
        })
        .collect();
    let brief = Some(match kind {
        Kind::InternalOnly => {
            "The team reviewed the pipeline and agreed on owners for open deals.".to_string()
        }
        _ => format!(
            "{} discussed {} with {SELLER}; next steps were agreed.",
            company.name,
            rng.pick(TOPICS).to_lowercase()
        ),
    });
    SimCall {
        id: spread.call_id(i),
        title,
        scheduled: Some(started - Duration::seconds(rng.below(300) as i64)),
        started,
        utc_offset_secs: *rng.pick(OFFSETS),
        duration,
        primary_user_id: owner.id.clone(),
        is_private: rng.chance(3),
        system: rng.pick(SYSTEMS).to_string(),
        video: !rng.chance(15),
        recording_deleted: rng.chance(2),
        parties,
        context,
        trackers,
        topics,
        brief,
        key_points: vec![
            "Customer confirmed the current rollout scope.".into(),
            "Follow-up meeting to be scheduled.".into(),
        ],
        authored: None,
    }
}

/// Generates call `i` as one that finished processing at `appeared` (a call made
/// while the simulator runs): the same draws as [`generate`], moved in time so that
/// it ended 1-10 minutes before `appeared` (it started 11-70 minutes before).
pub fn generate_new(world: &World, spread: &Spread, i: u64, appeared: DateTime<Utc>) -> SimCall {
    let mut call = generate(world, spread, i);
    let processing = Rng::new(spread.seed, Stream::Arrival, i).range(60, 600) as i64;
    let started = appeared - Duration::seconds(i64::from(call.duration) + processing);
    let shift = started - call.started;
    call.scheduled = call.scheduled.map(|t| t + shift);
    call.started = started;
    call
}

fn call_context(kind: Kind, company: &super::world::SimCompany, rng: &mut Rng) -> Vec<SimContext> {
    let account_fields = vec![
        ("Name".to_string(), json!(company.name)),
        ("Website".to_string(), json!(company.domain)),
        ("Industry".to_string(), json!(company.industry)),
    ];
    match kind {
        Kind::Account => {
            let mut objects = vec![SimCrmObject {
                object_type: "Account".into(),
                object_id: company.salesforce_id.clone(),
                fields: account_fields,
            }];
            if rng.chance(50) {
                objects.push(SimCrmObject {
                    object_type: "Opportunity".into(),
                    object_id: sfid::to18(&sfid::id15("006", rng)),
                    fields: vec![
                        ("Name".into(), json!(format!("{} - Renewal", company.name))),
                        ("StageName".into(), json!("Negotiation")),
                        ("Amount".into(), json!(company.arr)),
                    ],
                });
            }
            vec![SimContext {
                system: CrmKind::Salesforce,
                objects,
            }]
        }
        Kind::HubSpot => vec![SimContext {
            system: CrmKind::HubSpot,
            objects: vec![SimCrmObject {
                object_type: "Account".into(),
                object_id: company.hubspot_id.clone(),
                fields: account_fields,
            }],
        }],
        _ => Vec::new(),
    }
}

fn tracker_hits(
    world: &World,
    parties: &[SimParty],
    duration: u32,
    rng: &mut Rng,
) -> Vec<SimTrackerHit> {
    let speakers: Vec<_> = parties
        .iter()
        .filter_map(|p| p.speaker_id.clone())
        .collect();
    let mut hits = Vec::new();
    for (t, def) in world.trackers.iter().enumerate() {
        if !rng.chance(45) {
            continue;
        }
        let mut phrases = Vec::new();
        let mut count = 0u32;
        if def.smart {
            count = rng.range(1, 4) as u32;
        } else {
            for kw in &def.keywords {
                if rng.chance(60) {
                    let c = rng.range(1, 4) as u32;
                    count += c;
                    phrases.push((kw.clone(), c));
                }
            }
        }
        if count == 0 {
            continue;
        }
        let mut occurrences: Vec<_> = (0..count)
            .map(|_| {
                let at = rng.below(u64::from(duration) * 10) as f64 / 10.0;
                let who = (!speakers.is_empty()).then(|| rng.pick(&speakers).clone());
                (at, who)
            })
            .collect();
        occurrences.sort_by(|a, b| a.0.total_cmp(&b.0));
        hits.push(SimTrackerHit {
            tracker: t,
            count,
            phrases,
            occurrences,
        });
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::spread::Spread;

    fn spread(n: u64) -> Spread {
        Spread {
            seed: 42,
            account: 0,
            n,
            start_ms: 1_700_000_000_000,
            window_ms: 60 * 86_400_000,
        }
    }

    #[test]
    fn generation_is_a_pure_function_of_seed_and_index() {
        let w = World::generate(42, 40, Utc::now());
        let s = spread(1_000);
        assert_eq!(generate(&w, &s, 123), generate(&w, &s, 123));
        assert_ne!(generate(&w, &s, 123).id, generate(&w, &s, 124).id);
        let calls: Vec<_> = (0..1_000).map(|i| generate(&w, &s, i)).collect();
        assert!(calls.iter().any(|c| c.is_private));
        assert!(calls.iter().any(|c| c.recording_deleted));
        assert!(calls.iter().any(|c| c.trackers.is_empty()));
        assert!(calls
            .iter()
            .any(|c| c.context.iter().any(|x| x.system == CrmKind::HubSpot)));
        assert!(calls.iter().any(|c| c.context.is_empty()
            && c.parties
                .iter()
                .any(|p| p.affiliation == Affiliation::External)));
    }

    #[test]
    fn a_new_call_ended_shortly_before_it_appeared() {
        let w = World::generate(42, 40, Utc::now());
        let s = spread(1_000);
        let appeared = Utc::now();
        for i in 1_000..1_050 {
            let call = generate_new(&w, &s, i, appeared);
            let ended = call.started + Duration::seconds(i64::from(call.duration));
            assert!(ended < appeared && ended >= appeared - Duration::minutes(10));
            assert!(call.started >= appeared - Duration::minutes(70));
            assert!(call.scheduled.is_some_and(|t| t <= call.started));
            assert_eq!(call.id, s.call_id(i));
        }
    }
}
