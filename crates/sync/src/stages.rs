//! The transform stages a meeting passes through, in order: skip private (S2) →
//! resolve company (R1–R3) → map author (U3–U6) → filter (T3) → build activity (S3),
//! its outcome's sentiment joined from the cached list (S9).
//! Each stage is a plain function of the meeting and the job's [`SyncContext`].

use gong_timeline_domain::filter::{meeting_fields, Fields};
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_domain::messages::GongPerson;
use gong_timeline_domain::users::UserDecision;
use gong_timeline_domain::{
    build_activity, resolve_company, ActivityDraft, CompanyResolution, Message, ResolvedVia,
};
use gong_timeline_domain::{CompanyId, UserId};

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
    if !passes_filters(ctx, meeting, company_id, author) {
        return Outcome::Skip(Message::SkippedByFilter {
            filter: ctx.filter_text.clone(),
        });
    }
    let mut draft = build_activity(
        meeting,
        ctx.connection_id,
        &ctx.activity_type,
        author,
        company_id,
        |email| ctx.persons.get(email).copied(),
    );
    draft.content = draft.content.with_sentiments(ctx.outcomes.as_ref());
    Outcome::Write(Box::new(draft), note)
}

/// R2: a tie between companies is logged, naming them.
fn tie_note(ctx: &SyncContext, chosen: CompanyId, via: &ResolvedVia) -> Option<Message> {
    let ResolvedVia::Contacts {
        tie_broken_between, ..
    } = via
    else {
        return None;
    };
    if tie_broken_between.len() < 2 {
        return None;
    }
    let name = |id: &CompanyId| ctx.companies.company_name(*id).unwrap_or("?").to_string();
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

fn author(meeting: &Meeting, ctx: &SyncContext) -> Result<UserId, Outcome> {
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

/// The owner's name and email for messages: from the meeting's parties, else from
/// Gong's user list as provisioning stored it, else (inactive) from the Timeline user.
fn owner_person_named(meeting: &Meeting, ctx: &SyncContext, decision: &UserDecision) -> GongPerson {
    let mut person = owner_person(meeting);
    if let Some(gong) = ctx.gong_people.get(&person.gong_user_id) {
        fill_blank(&mut person.name, &gong.name);
        fill_blank(&mut person.email, &gong.email);
    }
    if let UserDecision::Inactive(id) = decision {
        if let Some(fields) = ctx.user_fields.get(id) {
            fill_blank(&mut person.email, fields.get("email").map_or("", |v| v));
            fill_blank(&mut person.name, fields.get("name").map_or("", |v| v));
        }
    }
    person
}

fn fill_blank(field: &mut String, value: &str) {
    if field.is_empty() {
        *field = value.to_string();
    }
}

fn passes_filters(
    ctx: &SyncContext,
    meeting: &Meeting,
    company_id: CompanyId,
    author: UserId,
) -> bool {
    if ctx.filter.is_empty() {
        return true;
    }
    let empty = Fields::new();
    let company = ctx.company_fields.get(&company_id).unwrap_or(&empty);
    let user = ctx.user_fields.get(&author).unwrap_or(&empty);
    // The call's own fields only when a filter reads them (T6): no map per meeting
    // otherwise.
    let own = if ctx.filter.reads_meeting() {
        meeting_fields(meeting)
    } else {
        Fields::new()
    };
    ctx.filter.matches_meeting(company, user, &own)
}

#[cfg(test)]
mod tests {
    use gong_timeline_domain::FilterSet;
    use gong_timeline_domain::MappingStatus;
    use gong_timeline_store::ConnectionId;
    use gong_timeline_store::UserMapping;

    use super::*;
    use crate::testing::{acme, meeting};

    /// A meeting of Gong user `104`, who is not among its parties.
    fn meeting_of_absent_owner() -> Meeting {
        Meeting {
            owner_gong_user_id: Some("104".into()),
            ..meeting("c1")
        }
    }

    fn ctx_with_mapping(status: MappingStatus) -> SyncContext {
        let mut ctx = SyncContext::build(ConnectionId::new(1), &[acme()], &[], &[]);
        ctx.set_mappings(&[UserMapping {
            connection_id: ConnectionId::new(1),
            gong_user_id: "104".into(),
            gong_email: Some("conflict@acme.example".into()),
            gong_name: "Con Flict".into(),
            status,
            user_id: None,
            suggested: vec![UserId::new(5), UserId::new(6)],
            manual: false,
            updated_at: chrono::Utc::now(),
        }]);
        ctx
    }
    #[test]
    fn u3_a_conflict_message_names_an_owner_absent_from_the_parties_as_gong_has_them() {
        let ctx = ctx_with_mapping(MappingStatus::Conflict);

        let outcome = handle_meeting(&meeting_of_absent_owner(), &ctx);

        let Outcome::Fail { message, .. } = outcome else {
            panic!("a conflict fails the meeting: {outcome:?}");
        };
        let text = message.to_string();
        assert!(text.contains("Con Flict"), "{text}");
        assert!(text.contains("conflict@acme.example"), "{text}");
    }

    #[test]
    fn u6_an_unmapped_owner_message_names_them_as_gong_has_them() {
        let ctx = ctx_with_mapping(MappingStatus::Failed);

        let outcome = handle_meeting(&meeting_of_absent_owner(), &ctx);

        let Outcome::Fail { message, .. } = outcome else {
            panic!("an owner with no user fails the meeting: {outcome:?}");
        };
        assert!(message.to_string().contains("GongId 104"), "{message}");
        assert!(message.to_string().contains("Con Flict"), "{message}");
    }

    #[test]
    fn t6_a_meeting_filter_reads_the_call_and_combines_with_company_filters() {
        let mut ctx = SyncContext::build(ConnectionId::new(1), &[acme()], &[], &[]);
        let mut m = meeting("c1");
        m.title = Some("Candidate interview".into());
        m.details.scope = Some("External".into());
        let pass =
            |ctx: &SyncContext, m: &Meeting| passes_filters(ctx, m, acme().id, UserId::new(0));
        ctx.filter = FilterSet::parse(&["Meeting.title not contains interview"], None).unwrap();
        assert!(!pass(&ctx, &m), "an interview is excluded by its title");
        m.title = Some("QBR".into());
        assert!(pass(&ctx, &m));
        ctx.filter = FilterSet::parse(
            &["Meeting.scope = Internal", "Company.name = Acme"],
            Some("1 OR 2"),
        )
        .unwrap();
        assert!(
            pass(&ctx, &m),
            "logic combines a meeting and a company filter"
        );
    }
}
