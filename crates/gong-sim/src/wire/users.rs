//! `GET /v2/users` (reference §7).

use serde::Serialize;

use super::Records;

/// The response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersResponse {
    pub request_id: String,
    pub records: Records,
    pub users: Vec<UserMetadata>,
}

/// `GET /v2/users/{id}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    pub request_id: String,
    pub user: UserMetadata,
}

/// One user.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMetadata {
    pub id: String,
    pub email_address: String,
    pub created: String,
    pub active: bool,
    pub email_aliases: Vec<String>,
    pub trusted_email_address: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub phone_number: Option<String>,
    pub extension: Option<String>,
    pub personal_meeting_urls: Vec<String>,
    pub settings: UserSettings,
    pub manager_id: Option<String>,
    pub meeting_consent_page_url: Option<String>,
    pub spoken_languages: Vec<SpokenLanguage>,
    /// Not in the spec but seen live: clients must ignore unknown keys.
    pub conferencing_providers: Option<Vec<String>>,
}

/// User settings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    pub web_conferences_recorded: bool,
    pub prevent_web_conference_recording: bool,
    pub telephony_calls_imported: bool,
    pub emails_imported: bool,
    pub prevent_email_import: bool,
    pub non_recorded_meetings_imported: bool,
    pub gong_connect_enabled: bool,
}

/// A spoken language.
#[derive(Debug, Serialize)]
pub struct SpokenLanguage {
    pub language: String,
    pub primary: bool,
}
