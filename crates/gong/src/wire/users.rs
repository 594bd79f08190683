//! Response models of `GET /v2/users` (reference §7).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de::{null_default, opt_datetime, opt_id};

/// A Gong user (`UserMetadata`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Gong user id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Primary email.
    #[serde(default)]
    pub email_address: Option<String>,
    /// Other emails of the same person; parties may carry any of them.
    #[serde(default, deserialize_with = "null_default")]
    pub email_aliases: Vec<String>,
    /// Verified email.
    #[serde(default)]
    pub trusted_email_address: Option<String>,
    /// When the user was created.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub created: Option<DateTime<Utc>>,
    /// Whether the user is active in Gong; absent means unknown (taken as active).
    #[serde(default)]
    pub active: Option<bool>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Phone extension.
    #[serde(default)]
    pub extension: Option<String>,
    /// Personal meeting links.
    #[serde(default, deserialize_with = "null_default")]
    pub personal_meeting_urls: Vec<String>,
    /// Recording/import settings.
    #[serde(default)]
    pub settings: Option<UserSettings>,
    /// Manager's user id.
    #[serde(default, deserialize_with = "opt_id")]
    pub manager_id: Option<String>,
    /// Consent page link.
    #[serde(default)]
    pub meeting_consent_page_url: Option<String>,
    /// Spoken languages.
    #[serde(default, deserialize_with = "null_default")]
    pub spoken_languages: Vec<SpokenLanguage>,
}

impl User {
    /// "First Last", or whichever part exists, or `None`.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// A user's recording and import settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    /// Web conferences are recorded.
    #[serde(default)]
    pub web_conferences_recorded: Option<bool>,
    /// Recording of web conferences is prevented.
    #[serde(default)]
    pub prevent_web_conference_recording: Option<bool>,
    /// Telephony calls are imported.
    #[serde(default)]
    pub telephony_calls_imported: Option<bool>,
    /// Emails are imported.
    #[serde(default)]
    pub emails_imported: Option<bool>,
    /// Email import is prevented.
    #[serde(default)]
    pub prevent_email_import: Option<bool>,
    /// Non-recorded meetings are imported.
    #[serde(default)]
    pub non_recorded_meetings_imported: Option<bool>,
    /// Gong Connect is enabled.
    #[serde(default)]
    pub gong_connect_enabled: Option<bool>,
}

/// A spoken language.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct SpokenLanguage {
    /// BCP-47 tag.
    #[serde(default)]
    pub language: Option<String>,
    /// Whether it is the primary one.
    #[serde(default)]
    pub primary: Option<bool>,
}
