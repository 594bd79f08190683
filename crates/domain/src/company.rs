//! Company resolution: which Timeline company a Gong meeting belongs to (R1–R3, C3).
//!
//! [`resolve_company`] is a pure function of the meeting and an in-memory
//! [`CompanyIndex`] the engine builds once per job from the store.
//!
//! # Rules, as interpreted here
//! - **R1, the CRM first.** Every CRM object of the call's context whose `object_type` is
//!   `Account` (case-insensitive) and whose system is not HubSpot is looked up by its id;
//!   ids are compared in canonical form (see [`crate::crm_id`]: Salesforce 15- and
//!   18-character forms of one id are one id). The first Account object, in the order
//!   Gong lists them, that names a known company wins.
//! - **C3, HubSpot is ignored.** HubSpot objects never resolve a company, and a call whose
//!   only context is HubSpot counts as having *no* CRM context for R3's messages.
//! - **R2, then the contacts.** The distinct emails of the meeting's External parties
//!   (trimmed, lowercased; unparseable ones are skipped) are matched to company persons.
//!   Each company scores the number of distinct attendees that are its persons (a person
//!   email listed under two companies counts for both). The highest score wins; a tie goes
//!   to the lowest company id and every tied id is reported in `tie_broken_between` (in
//!   ascending order, winner first) so the engine can log it. Parties of Internal or
//!   Unknown affiliation are not attendees of the customer and are not matched (S3).
//! - **R3, else a failure.** [`Message::CompanyNotFound`] when the call had CRM context
//!   (any non-HubSpot object, of any type) or at least one External party with an email;
//!   [`Message::CompanyInfoNotPresent`] when it had neither. An External party without an
//!   email carries nothing to resolve by, so it does not count as attendee information.
//! - Two companies holding the same canonical `crm_account_id` should not exist (imports
//!   refuse it); if they do, the lowest company id owns the id, whatever the order they
//!   were added in.

use std::collections::HashMap;

use crate::crm_id::CrmAccountId;
use crate::email::Email;
use crate::ids::CompanyId;
use crate::meeting::{Affiliation, CrmSystem, Meeting};
use crate::messages::Message;

/// Companies by canonical CRM account id and company persons by email, in memory.
#[derive(Debug, Clone, Default)]
pub struct CompanyIndex {
    by_crm_id: HashMap<CrmAccountId, CompanyId>,
    names: HashMap<CompanyId, String>,
    persons: HashMap<Email, Vec<CompanyId>>,
}

impl CompanyIndex {
    /// An empty index.
    pub fn new() -> CompanyIndex {
        CompanyIndex::default()
    }

    /// An index of `(company id, name, crm_account_id)` and `(person email, company id)`.
    pub fn build(
        companies: impl IntoIterator<Item = (CompanyId, String, Option<String>)>,
        persons: impl IntoIterator<Item = (Email, CompanyId)>,
    ) -> CompanyIndex {
        let mut index = CompanyIndex::new();
        for (id, name, crm) in companies {
            index.add_company(id, &name, crm.as_deref());
        }
        for (email, company_id) in persons {
            index.add_person(email, company_id);
        }
        index
    }

    /// Adds a company; a blank `crm_account_id` is none.
    pub fn add_company(&mut self, id: CompanyId, name: &str, crm_account_id: Option<&str>) {
        self.names.insert(id, name.to_string());
        if let Some(crm) = crm_account_id.and_then(CrmAccountId::parse) {
            let owner = self.by_crm_id.entry(crm).or_insert(id);
            *owner = (*owner).min(id);
        }
    }

    /// Adds a company person.
    pub fn add_person(&mut self, email: Email, company_id: CompanyId) {
        let companies = self.persons.entry(email).or_default();
        if let Err(at) = companies.binary_search(&company_id) {
            companies.insert(at, company_id);
        }
    }

    /// The company whose `crm_account_id` is this id, in either Salesforce form.
    pub fn company_by_crm_id(&self, raw: &str) -> Option<CompanyId> {
        CrmAccountId::parse(raw).and_then(|id| self.by_crm_id.get(&id).copied())
    }

    /// The companies (ascending ids) that have a person with this email.
    pub fn companies_of_person(&self, email: &Email) -> &[CompanyId] {
        self.persons.get(email).map_or(&[], Vec::as_slice)
    }

    /// A company's name, for messages.
    pub fn company_name(&self, id: CompanyId) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// Number of companies.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no company was added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// How a meeting's company was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedVia {
    /// R1: an Account object of the call's CRM context.
    Crm {
        /// The matching account id, canonical.
        account_id: CrmAccountId,
    },
    /// R2: the external attendees' emails.
    Contacts {
        /// How many distinct external attendees are persons of the winning company.
        matched: usize,
        /// When several companies tied: all of them, ascending (the winner is first).
        /// Empty when there was no tie.
        tie_broken_between: Vec<CompanyId>,
    },
}

/// The outcome of company resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompanyResolution {
    /// The meeting belongs to this company.
    Resolved {
        /// The company's id.
        company_id: CompanyId,
        /// Which rule found it.
        via: ResolvedVia,
    },
    /// R3: [`Message::CompanyNotFound`] or [`Message::CompanyInfoNotPresent`].
    Unresolved(Message),
}

impl CompanyResolution {
    /// The resolved company's id, if any.
    pub fn company_id(&self) -> Option<CompanyId> {
        match self {
            CompanyResolution::Resolved { company_id, .. } => Some(*company_id),
            CompanyResolution::Unresolved(_) => None,
        }
    }
}

/// Resolves a meeting's company by R1, then R2, else fails by R3 (see the module docs).
pub fn resolve_company(meeting: &Meeting, index: &CompanyIndex) -> CompanyResolution {
    if let Some(resolved) = by_crm(meeting, index).or_else(|| by_contacts(meeting, index)) {
        return resolved;
    }
    let had_crm = meeting
        .crm_objects
        .iter()
        .any(|o| o.system != CrmSystem::HubSpot);
    let had_attendees = meeting
        .parties
        .iter()
        .any(|p| p.affiliation == Affiliation::External && has_text(&p.email));
    if had_crm || had_attendees {
        CompanyResolution::Unresolved(Message::CompanyNotFound)
    } else {
        CompanyResolution::Unresolved(Message::CompanyInfoNotPresent)
    }
}

fn has_text(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// R1 (with C3): the first non-HubSpot Account object that names a known company.
fn by_crm(meeting: &Meeting, index: &CompanyIndex) -> Option<CompanyResolution> {
    meeting
        .crm_objects
        .iter()
        .filter(|o| o.system != CrmSystem::HubSpot && o.object_type.eq_ignore_ascii_case("account"))
        .filter_map(|o| CrmAccountId::parse(&o.object_id))
        .find_map(|account_id| {
            let company_id = *index.by_crm_id.get(&account_id)?;
            Some(CompanyResolution::Resolved {
                company_id,
                via: ResolvedVia::Crm { account_id },
            })
        })
}

/// The parseable emails of External parties, possibly repeated.
fn external_emails(meeting: &Meeting) -> impl Iterator<Item = Email> + '_ {
    meeting
        .parties
        .iter()
        .filter(|p| p.affiliation == Affiliation::External)
        .filter_map(|p| Email::parse(p.email.as_deref()?).ok())
}

/// R2: the company with most distinct matched external attendees, ties to the lowest id.
fn by_contacts(meeting: &Meeting, index: &CompanyIndex) -> Option<CompanyResolution> {
    let mut emails: Vec<Email> = external_emails(meeting).collect();
    emails.sort();
    emails.dedup();
    let mut scores: HashMap<CompanyId, usize> = HashMap::new();
    for email in &emails {
        for &company_id in index.companies_of_person(email) {
            *scores.entry(company_id).or_default() += 1;
        }
    }
    let best = *scores.values().max()?;
    let mut tied: Vec<CompanyId> = scores
        .into_iter()
        .filter(|&(_, score)| score == best)
        .map(|(id, _)| id)
        .collect();
    tied.sort_unstable();
    let company_id = tied[0];
    let tie_broken_between = if tied.len() > 1 { tied } else { Vec::new() };
    Some(CompanyResolution::Resolved {
        company_id,
        via: ResolvedVia::Contacts {
            matched: best,
            tie_broken_between,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::CrmSystem::{HubSpot, Other, Salesforce};
    use crate::testing::{crm, external, meeting, party};

    const ACME: CompanyId = CompanyId::new(1);
    const GLOBEX: CompanyId = CompanyId::new(2);
    const INITECH: CompanyId = CompanyId::new(3);

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap()
    }

    fn index() -> CompanyIndex {
        CompanyIndex::build(
            [
                (ACME, "Acme".into(), Some("001A0000006Vm9r".into())),
                (GLOBEX, "Globex".into(), Some("001A0000006Vm9sIAC".into())),
                (INITECH, "Initech".into(), None),
            ],
            [
                (email("wile@acme.com"), ACME),
                (email("road@acme.com"), ACME),
                (email("hank@globex.com"), GLOBEX),
                (email("peter@initech.com"), INITECH),
                (email("shared@consult.com"), GLOBEX),
                (email("shared@consult.com"), INITECH),
            ],
        )
    }

    fn resolved_id(m: &Meeting) -> Option<CompanyId> {
        resolve_company(m, &index()).company_id()
    }

    #[test]
    fn r1_crm_account_id_wins_over_contacts() {
        let mut m = meeting();
        m.crm_objects = vec![crm(Salesforce, "Account", "001A0000006Vm9r")];
        m.parties = vec![external("hank@globex.com")];
        assert_eq!(
            resolve_company(&m, &index()),
            CompanyResolution::Resolved {
                company_id: ACME,
                via: ResolvedVia::Crm {
                    account_id: CrmAccountId::parse("001A0000006Vm9rIAC").unwrap()
                },
            }
        );
    }

    #[test]
    fn r1_fifteen_and_eighteen_character_ids_resolve_the_same_company() {
        let mut m = meeting();
        m.crm_objects = vec![crm(Salesforce, "Account", "001A0000006Vm9rIAC")];
        assert_eq!(resolved_id(&m), Some(ACME));
        m.crm_objects = vec![crm(Salesforce, "account", "001A0000006Vm9s")];
        assert_eq!(resolved_id(&m), Some(GLOBEX));
        m.crm_objects = vec![crm(Salesforce, "ACCOUNT", "001A0000006VM9SIAC")];
        assert_eq!(resolved_id(&m), Some(GLOBEX));
    }

    #[test]
    fn r1_only_account_objects_resolve() {
        let mut m = meeting();
        m.crm_objects = vec![crm(Salesforce, "Opportunity", "001A0000006Vm9r")];
        assert_eq!(resolved_id(&m), None);
    }

    #[test]
    fn r1_first_known_account_in_context_order_wins() {
        let mut m = meeting();
        m.crm_objects = vec![
            crm(Salesforce, "Account", "001000000000000"),
            crm(Other("Dynamics".into()), "Account", "001A0000006Vm9s"),
            crm(Salesforce, "Account", "001A0000006Vm9r"),
        ];
        assert_eq!(resolved_id(&m), Some(GLOBEX));
    }

    #[test]
    fn c3_hubspot_context_is_ignored() {
        let mut m = meeting();
        m.crm_objects = vec![crm(HubSpot, "Account", "001A0000006Vm9r")];
        m.parties = vec![external("hank@globex.com")];
        assert_eq!(resolved_id(&m), Some(GLOBEX));
    }

    #[test]
    fn c3_hubspot_only_context_counts_as_no_crm_context() {
        let mut m = meeting();
        m.crm_objects = vec![crm(HubSpot, "Account", "999")];
        assert_eq!(
            resolve_company(&m, &index()),
            CompanyResolution::Unresolved(Message::CompanyInfoNotPresent)
        );
    }

    #[test]
    fn r2_company_with_most_matched_attendees_wins() {
        let mut m = meeting();
        m.parties = vec![
            external("hank@globex.com"),
            external("Wile@Acme.com "),
            external("road@acme.com"),
            external("stranger@nowhere.com"),
        ];
        assert_eq!(
            resolve_company(&m, &index()),
            CompanyResolution::Resolved {
                company_id: ACME,
                via: ResolvedVia::Contacts {
                    matched: 2,
                    tie_broken_between: vec![]
                },
            }
        );
    }

    #[test]
    fn r2_an_attendee_listed_twice_counts_once() {
        let mut m = meeting();
        m.parties = vec![
            external("wile@acme.com"),
            external("WILE@acme.com"),
            external("hank@globex.com"),
            external("shared@consult.com"),
        ];
        assert_eq!(resolved_id(&m), Some(GLOBEX));
    }

    #[test]
    fn r2_ties_go_to_the_lowest_company_id_and_are_reported() {
        let mut m = meeting();
        m.parties = vec![external("peter@initech.com"), external("hank@globex.com")];
        let via = match resolve_company(&m, &index()) {
            CompanyResolution::Resolved { company_id, via } => {
                assert_eq!(company_id, GLOBEX);
                via
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            via,
            ResolvedVia::Contacts {
                matched: 1,
                tie_broken_between: vec![GLOBEX, INITECH]
            }
        );
    }

    #[test]
    fn r2_ties_break_the_same_way_whatever_the_order() {
        for parties in [
            vec![external("shared@consult.com")],
            vec![external("peter@initech.com"), external("hank@globex.com")],
            vec![external("hank@globex.com"), external("peter@initech.com")],
        ] {
            let mut m = meeting();
            m.parties = parties;
            assert_eq!(resolved_id(&m), Some(GLOBEX));
        }
    }

    #[test]
    fn r2_internal_and_unknown_parties_are_not_matched() {
        let mut m = meeting();
        m.parties = vec![
            party("wile@acme.com", "Wile", Affiliation::Internal),
            party("road@acme.com", "Road", Affiliation::Unknown),
        ];
        assert_eq!(
            resolve_company(&m, &index()),
            CompanyResolution::Unresolved(Message::CompanyInfoNotPresent)
        );
    }

    #[test]
    fn r3_not_found_when_crm_context_or_attendees_match_nothing() {
        let mut m = meeting();
        m.crm_objects = vec![crm(Salesforce, "Opportunity", "006000000000001")];
        let not_found = CompanyResolution::Unresolved(Message::CompanyNotFound);
        assert_eq!(resolve_company(&m, &index()), not_found);
        m.crm_objects.clear();
        m.parties = vec![external("stranger@nowhere.com")];
        assert_eq!(resolve_company(&m, &index()), not_found);
    }

    #[test]
    fn r3_info_not_present_without_crm_context_or_attendee_emails() {
        let mut m = meeting();
        let absent = CompanyResolution::Unresolved(Message::CompanyInfoNotPresent);
        assert_eq!(resolve_company(&m, &index()), absent);
        m.parties = vec![party("", "Mystery Guest", Affiliation::External)];
        assert_eq!(resolve_company(&m, &index()), absent);
    }

    #[test]
    fn duplicate_crm_ids_belong_to_the_lowest_company_id() {
        let mut index = CompanyIndex::new();
        index.add_company(CompanyId::new(9), "Late", Some("001A0000006Vm9rIAC"));
        index.add_company(CompanyId::new(4), "Early", Some("001A0000006Vm9r"));
        assert_eq!(
            index.company_by_crm_id("001A0000006Vm9r"),
            Some(CompanyId::new(4))
        );
        assert_eq!(index.company_name(CompanyId::new(9)), Some("Late"));
        assert_eq!(index.len(), 2);
    }
}
