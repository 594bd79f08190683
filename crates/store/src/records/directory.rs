//! Companies, company persons, Timeline users and activity types: the customer
//! records the Timeline works from, and the rows that import them.

use gong_timeline_domain::{LicenseType, UserStatus};
use serde::{Deserialize, Serialize};

use super::{spelled, ActivityTypeId, CompanyId, Fields, PersonId, UserId};

/// A company (a customer account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    /// Store id.
    pub id: CompanyId,
    /// Name, unique case-insensitively.
    pub name: String,
    /// The CRM account id Gong carries in a call's context (C3, R1); unique when present.
    pub crm_account_id: Option<String>,
    /// Custom fields, usable in filters (`Company.<field>`).
    pub fields: Fields,
}

/// A company person: a contact at a company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Store id.
    pub id: PersonId,
    /// Email, lowercase, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The company the person belongs to.
    pub company_id: CompanyId,
}

/// A Timeline user: an internal person with a license type.
///
/// Emails are not unique: several users sharing one email is a user conflict (U3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Store id.
    pub id: UserId,
    /// Email, lowercase.
    pub email: String,
    /// Display name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// Active or inactive.
    pub status: UserStatus,
    /// Custom fields, usable in filters (`User.<field>`).
    pub fields: Fields,
    /// True when the sync created the user (U2, U5, U6), false when imported.
    pub created_by_sync: bool,
}

/// A user to create (the sync's Internal Collaborator users, U2/U5/U6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Email; the store lowercases it.
    pub email: String,
    /// Display name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// Active or inactive.
    pub status: UserStatus,
    /// Custom fields.
    pub fields: Fields,
    /// True when the sync creates the user.
    pub created_by_sync: bool,
}

spelled!(
    /// Where an activity type may be used.
    ActivityScope, "scope" {
        Global => "global",
        Company => "company",
    }
);

/// An activity type (Meeting, Call, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityType {
    /// Store id.
    pub id: ActivityTypeId,
    /// Name, unique case-insensitively.
    pub name: String,
    /// Global or company scope; only active global types can be synced to (T2).
    pub scope: ActivityScope,
    /// Whether the type can be chosen.
    pub active: bool,
}

/// One parsed row of a companies file. `row` is the file row (header = row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRow {
    /// File row number, the header being row 1.
    pub row: u64,
    /// Company name.
    pub name: String,
    /// CRM account id, `None` when the cell is empty.
    pub crm_account_id: Option<String>,
    /// Extra columns.
    pub fields: Fields,
}

/// One parsed row of a persons file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// File row number, the header being row 1.
    pub row: u64,
    /// Email, lowercase.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The company's name, as imported; must exist.
    pub company: String,
}

/// One parsed row of a users file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// File row number, the header being row 1.
    pub row: u64,
    /// Email, lowercase.
    pub email: String,
    /// Display name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// Active or inactive.
    pub status: UserStatus,
    /// Extra columns.
    pub fields: Fields,
}

/// One parsed row of an activity types file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityTypeRow {
    /// File row number, the header being row 1.
    pub row: u64,
    /// Name.
    pub name: String,
    /// Scope.
    pub scope: ActivityScope,
    /// Active flag.
    pub active: bool,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// Rows that made a new record.
    pub inserted: u64,
    /// Rows that updated an existing record (same key).
    pub updated: u64,
}

spelled!(
    /// Which object a field belongs to: companies or users (T3, T5).
    FieldObject, "field object" {
        Company => "Company",
        User => "User",
    }
);

/// A field type declared in an import file's header (`arr:number`, T5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldTypeDecl {
    /// Company or User.
    pub object: FieldObject,
    /// The field's name as the file spells it (matched case-insensitively).
    pub field: String,
    /// Its type.
    pub field_type: gong_timeline_domain::filter::FieldType,
}
