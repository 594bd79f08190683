//! The transform stages a meeting passes through, in order: skip private (S2) →
//! resolve company (R1–R3) → map author (U3–U6) → filter (T3) → build activity (S3).
//! Each stage is a plain function of the meeting and the job's [`SyncContext`].

use gong_timeline_domain::filter::Fields;
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_domain::messages::GongPerson;
use gong_timeline_domain::users::UserDecision;
use gong_timeline_domain::{
    build_activity, resolve_company, ActivityDraft, CompanyResolution, Message, ResolvedVia,
};

use crate::context::SyncContext;

/// Where a meeting ends up after the stages.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Not synced, on purpose (private, filtered out).
    Skip(Message),
    /// Not synced; `retry` puts it on the retry list for later syncs.
    Fail {
        /// Why, in SPEC's words where SPEC has them.
        message: Message,
        /// Whether a later sync may succeed without a change in Gong.
        retry: bool,
    },
    /// The owner is not mapped yet (U6): provision them, then run the stages again.
    UnknownOwner(GongPerson),
    /// Ready to write, with a note for the log record (an R2 tie).
    Write(Box<ActivityDraft>, Option<Message>),
}

/// Runs every stage on one meeting.
pub fn handle_meeting(meeting: &Meeting, ctx: &SyncContext) -> Outcome {
    if meeting.is_private {
        return Outcome::Skip(Message::SkippedPrivate);
    }
    let (company_id, note) = match resolve_company(meeting, &ctx.companies) {
        CompanyResolution::Resolved { company_id, via } => {
            (company_id, tie_note(ctx, company_id, &via))
        }
        CompanyResolution::Unresolved(message) => {
            return Outcome::Fail {
                message,
                retry: true,
            }
        }
    };
    let author = match author(meeting, ctx) {
        Ok(id) => id,
        Err(outcome) => return outcome,
    };
    if !passes_filters(ctx, company_id, author) {
        return Outcome::Skip(Message::SkippedByFilter {
            filter: ctx.filter_text.clone(),
        });
    }
    let draft = build_activity(
        meeting,
        ctx.connection_id,
        &ctx.activity_type,
        author,
        company_id,
        |email| ctx.persons.get(email).copied(),
    );
    Outcome::Write(Box::new(draft), note)
}

/// R2: a tie between companies is logged, naming them.
fn tie_note(ctx: &SyncContext, chosen: i64, via: &ResolvedVia) -> Option<Message> {
    let ResolvedVia::Contacts {
        tie_broken_between, ..
    } = via
    else {
        return None;
    };
    if tie_broken_between.len() < 2 {
        return None;
    }
    let name = |id: &i64| ctx.companies.company_name(*id).unwrap_or("?").to_string();
    Some(Message::ContactsTie {
        chosen: name(&chosen),
        tied: tie_broken_between.iter().map(name).collect(),
    })
}

/// The owner as Gong names them: from the party whose user id is the owner's.
pub fn owner_person(meeting: &Meeting) -> GongPerson {
    let owner = meeting.owner_gong_user_id.clone().unwrap_or_default();
    let party = meeting
        .parties
        .iter()
        .find(|p| p.gong_user_id.as_deref() == Some(owner.as_str()));
    GongPerson {
        name: party.and_then(|p| p.name.clone()).unwrap_or_default(),
        email: party.and_then(|p| p.email.clone()).unwrap_or_default(),
        gong_user_id: owner,
    }
}

fn author(meeting: &Meeting, ctx: &SyncContext) -> Result<i64, Outcome> {
    let Some(owner_id) = meeting.owner_gong_user_id.as_deref() else {
        return Err(Outcome::Fail {
            message: Message::Other("Gong sent no owner (primaryUserId) for this meeting, so it has no author; fix the call in Gong.".into()),
            retry: false,
        });
    };
    match ctx.authors.get(owner_id) {
        None => Err(Outcome::UnknownOwner(owner_person(meeting))),
        Some(decision) => decision
            .meeting_author(owner_person_named(meeting, ctx, decision))
            .map_err(|message| Outcome::Fail {
                message,
                retry: true,
            }),
    }
}

/// The owner's name and email for messages, from the meeting or, failing that, from
/// what provisioning knew.
fn owner_person_named(meeting: &Meeting, ctx: &SyncContext, decision: &UserDecision) -> GongPerson {
    let mut person = owner_person(meeting);
    if let (UserDecision::Inactive(id), true) = (decision, person.email.is_empty()) {
        if let Some(fields) = ctx.user_fields.get(id) {
            person.email = fields.get("email").cloned().unwrap_or_default();
            person.name = fields.get("name").cloned().unwrap_or_default();
        }
    }
    person
}

fn passes_filters(ctx: &SyncContext, company_id: i64, author: i64) -> bool {
    if ctx.filter.is_empty() {
        return true;
    }
    let empty = Fields::new();
    let company = ctx.company_fields.get(&company_id).unwrap_or(&empty);
    let user = ctx.user_fields.get(&author).unwrap_or(&empty);
    ctx.filter.matches(company, user)
}
