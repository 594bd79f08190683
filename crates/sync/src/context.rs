//! The in-memory maps a job resolves meetings against: companies and persons,
//! users and their filterable fields, and Gong user → author decisions. Loaded once
//! per job, so resolving a meeting costs no database round trip.

use std::collections::HashMap;

use gong_timeline_domain::filter::{Fields, FilterSet};
use gong_timeline_domain::messages::GongPerson;
use gong_timeline_domain::outcome::CallOutcomes;
use gong_timeline_domain::users::UserDecision;
use gong_timeline_domain::{CompanyIndex, Email, UserStatus};
use gong_timeline_store::{
    Company, CompanyId, ConnectionId, Person, PersonId, User, UserId, UserMapping,
};

use crate::provision::UsersByEmail;

/// What the rules of one job need, in memory.
#[derive(Debug, Default)]
pub struct SyncContext {
    /// The connection being synced.
    pub connection_id: ConnectionId,
    /// Companies by CRM id, persons by email (R1, R2).
    pub companies: CompanyIndex,
    /// Company persons' ids by email (external attendees, S3).
    pub persons: HashMap<Email, PersonId>,
    /// Filterable fields of each company, built-ins included (T3).
    pub company_fields: HashMap<CompanyId, Fields>,
    /// Filterable fields of each user, built-ins included (T3).
    pub user_fields: HashMap<UserId, Fields>,
    /// Each user's status (U4).
    pub user_status: HashMap<UserId, UserStatus>,
    /// Timeline users by email, for provisioning late owners (U6).
    pub users_by_email: UsersByEmail,
    /// How each Gong user maps to an author.
    pub authors: HashMap<String, UserDecision>,
    /// Each mapped Gong user's name and email as Gong has them, for messages about a
    /// meeting whose owner is not among its parties.
    pub gong_people: HashMap<String, GongPerson>,
    /// Activity type name for new activities (T2).
    pub activity_type: String,
    /// The connection's filters (T3).
    pub filter: FilterSet,
    /// The filters as the admin wrote them, for log messages.
    pub filter_text: String,
    /// The type of every Company and User field (T5): filters on text fields
    /// compare as text.
    pub field_types: crate::settings::FieldTypes,
    /// The company's call outcomes with their sentiment, as last cached (S9).
    pub outcomes: Option<CallOutcomes>,
}

impl SyncContext {
    /// Builds the maps from the store's records.
    pub fn build(
        connection_id: ConnectionId,
        companies: &[Company],
        persons: &[Person],
        users: &[User],
    ) -> SyncContext {
        let mut person_ids = HashMap::with_capacity(persons.len());
        let mut person_companies = Vec::with_capacity(persons.len());
        for person in persons {
            if let Ok(email) = Email::parse(&person.email) {
                person_ids.insert(email.clone(), person.id);
                person_companies.push((email, person.company_id));
            }
        }
        let index = CompanyIndex::build(
            companies
                .iter()
                .map(|c| (c.id, c.name.clone(), c.crm_account_id.clone())),
            person_companies,
        );
        SyncContext {
            connection_id,
            companies: index,
            persons: person_ids,
            company_fields: companies
                .iter()
                .map(|c| (c.id, company_fields(c)))
                .collect(),
            user_fields: users.iter().map(|u| (u.id, user_fields(u))).collect(),
            user_status: users.iter().map(|u| (u.id, u.status)).collect(),
            users_by_email: UsersByEmail::build(users),
            activity_type: "Meeting".into(),
            ..SyncContext::default()
        }
    }

    /// Records a user the job created.
    pub fn add_user(&mut self, user: &User) {
        self.user_fields.insert(user.id, user_fields(user));
        self.user_status.insert(user.id, user.status);
        self.users_by_email.add(user);
    }

    /// Sets the author decisions from stored mappings.
    pub fn set_mappings(&mut self, mappings: &[UserMapping]) {
        for m in mappings {
            let decision = match (m.status, m.user_id) {
                (gong_timeline_domain::MappingStatus::Conflict, _) => {
                    UserDecision::Conflict(m.suggested.clone())
                }
                (_, Some(id)) => match self.user_active(id) {
                    Some(false) => UserDecision::Inactive(id),
                    _ => UserDecision::UseExisting(id),
                },
                (_, None) => UserDecision::CreateIc,
            };
            self.authors.insert(m.gong_user_id.clone(), decision);
            self.gong_people.insert(
                m.gong_user_id.clone(),
                GongPerson {
                    name: m.gong_name.clone(),
                    email: m.gong_email.clone().unwrap_or_default(),
                    gong_user_id: m.gong_user_id.clone(),
                },
            );
        }
    }

    fn user_active(&self, id: UserId) -> Option<bool> {
        self.user_status.get(&id).map(|s| *s == UserStatus::Active)
    }
}

fn company_fields(company: &Company) -> Fields {
    let mut fields: Fields = company
        .fields
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    fields.insert("name".into(), company.name.clone());
    fields.insert(
        "crm_account_id".into(),
        company.crm_account_id.clone().unwrap_or_default(),
    );
    fields
}

fn user_fields(user: &User) -> Fields {
    let mut fields: Fields = user
        .fields
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    fields.insert("email".into(), user.email.clone());
    fields.insert("name".into(), user.name.clone());
    fields.insert("license_type".into(), user.license_type.to_string());
    fields.insert("status".into(), user.status.to_string());
    fields
}
