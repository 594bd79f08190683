//! [`Store`] for [`Backend`]: each method delegates to its resource's module, one
//! line each (the macro writes the `async fn`s `async_trait` then boxes).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gong_timeline_domain::outcome::CallOutcomes;
use gong_timeline_domain::quota::{QuotaSettings, RequestCount};
use gong_timeline_domain::throttle::{ThrottleKey, ThrottlePolicy};
use gong_timeline_domain::transcript::AskAgain;
use gong_timeline_domain::{GongAccount, Trigger};
use gong_timeline_store::*;

use super::Backend;
use super::{
    activities, audit, auth, call_outcomes, companies, connections, erasure, exports, field_types,
    jobs, log_records, login_attempts, mappings, meetings, oauth_states, page_extras, quota,
    sync_state, tokens, transcripts, users, webhooks,
};

/// `fn name(&self, arg: Type, …) -> Ret => module::function;` becomes an `async fn`
/// that calls `module::function(self, arg, …)`.
macro_rules! delegate {
    ($(fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty => $path:path;)*) => {
        #[async_trait]
        impl Store for Backend {
            fn concurrent_commits(&self) -> usize {
                super::dialect::CONCURRENT_COMMITS
            }

            $(async fn $name(&self $(, $arg: $ty)*) -> $ret {
                $path(self $(, $arg)*).await
            })*
        }
    };
}

delegate! {
    fn import_companies(&self, rows: Vec<CompanyRow>) -> Result<ImportCounts> => companies::import_companies;
    fn import_persons(&self, rows: Vec<PersonRow>) -> Result<ImportCounts> => companies::import_persons;
    fn import_users(&self, rows: Vec<UserRow>) -> Result<ImportCounts> => users::import_users;
    fn import_activity_types(&self, rows: Vec<ActivityTypeRow>) -> Result<ImportCounts> => users::import_activity_types;
    fn declare_field_types(&self, declared: Vec<FieldTypeDecl>) -> Result<()> => field_types::declare;
    fn list_field_types(&self) -> Result<Vec<FieldTypeDecl>> => field_types::list;
    fn list_companies(&self) -> Result<Vec<Company>> => companies::list_companies;
    fn get_company(&self, id: CompanyId) -> Result<Option<Company>> => companies::get_company;
    fn company_by_name(&self, name: &str) -> Result<Option<Company>> => companies::company_by_name;
    fn list_persons(&self) -> Result<Vec<Person>> => companies::list_persons;
    fn list_users(&self) -> Result<Vec<User>> => users::list_users;
    fn get_user(&self, id: UserId) -> Result<Option<User>> => users::get_user;
    fn users_by_email(&self, email: &str) -> Result<Vec<User>> => users::users_by_email;
    fn create_users(&self, new: Vec<NewUser>) -> Result<Vec<UserId>> => users::create_users;
    fn list_activity_types(&self) -> Result<Vec<ActivityType>> => users::list_activity_types;
    fn activity_type_by_name(&self, name: &str) -> Result<Option<ActivityType>> => users::activity_type_by_name;
    fn create_connection(&self, new: NewConnection) -> Result<Connection> => connections::create;
    fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>> => connections::get;
    fn connection_by_name(&self, name: &str) -> Result<Option<Connection>> => connections::by_name;
    fn list_connections(&self) -> Result<Vec<Connection>> => connections::list;
    fn update_connection(&self, id: ConnectionId, change: ConnectionChange) -> Result<Connection> => connections::update;
    fn delete_connection(&self, id: ConnectionId, now: DateTime<Utc>) -> Result<()> => connections::delete;
    fn replace_connection(&self, old: ConnectionId, new: ConnectionId, now: DateTime<Utc>) -> Result<()> => connections::replace;
    fn set_gong_account(&self, id: ConnectionId, account: &GongAccount) -> Result<()> => connections::set_account;
    fn gong_accounts(&self) -> Result<Vec<(Connection, GongAccount)>> => connections::accounts;
    fn connection_credentials(&self, id: ConnectionId) -> Result<Credentials> => connections::credentials;
    fn update_credentials(&self, id: ConnectionId, credentials: Credentials) -> Result<()> => connections::update_credentials;
    fn save_oauth_tokens(&self, id: ConnectionId, tokens: serde_json::Value, api_base_url: Option<String>) -> Result<()> => connections::save_oauth_tokens;
    fn rotate_oauth_tokens(&self, id: ConnectionId, rotate: TokenRotation<'_>) -> Result<Option<serde_json::Value>> => tokens::rotate;
    fn set_connection_status(&self, id: ConnectionId, status: ConnectionStatus) -> Result<()> => connections::set_status;
    fn set_hubspot_warning(&self, id: ConnectionId, warn: bool) -> Result<()> => connections::set_hubspot_warning;
    fn claim_schedule_slot(&self, id: ConnectionId, slot: DateTime<Utc>) -> Result<bool> => connections::claim_schedule_slot;
    fn schedule_claim(&self, id: ConnectionId) -> Result<Option<DateTime<Utc>>> => connections::schedule_claim;
    fn get_settings(&self, connection_id: ConnectionId) -> Result<Settings> => connections::get_settings;
    fn put_settings(&self, connection_id: ConnectionId, settings: &Settings) -> Result<()> => connections::put_settings;
    fn upsert_mappings(&self, connection_id: ConnectionId, mappings: Vec<MappingUpsert>, now: DateTime<Utc>) -> Result<()> => mappings::upsert;
    fn list_mappings(&self, connection_id: ConnectionId) -> Result<Vec<UserMapping>> => mappings::list;
    fn resolve_mapping(&self, connection_id: ConnectionId, gong_user_id: &str, user_id: UserId, now: DateTime<Utc>) -> Result<UserMapping> => mappings::resolve;
    fn try_start_job(&self, connection_id: ConnectionId, trigger: Trigger, lease: Lease, now: DateTime<Utc>) -> Result<Option<JobId>> => jobs::try_start;
    fn heartbeat(&self, job_id: JobId, lease: Lease) -> Result<bool> => jobs::heartbeat;
    fn finish_job(&self, job_id: JobId, finish: JobFinish) -> Result<()> => jobs::finish;
    fn get_job(&self, id: JobId) -> Result<Option<Job>> => jobs::get;
    fn list_jobs(&self, filter: JobFilter) -> Result<Vec<Job>> => jobs::list;
    fn count_jobs(&self, filter: &JobFilter) -> Result<u64> => jobs::count_jobs;
    fn list_log_records(&self, filter: RecordFilter) -> Result<Vec<LogRecord>> => log_records::list_records;
    fn count_log_records(&self, job_id: JobId) -> Result<RecordCounts> => log_records::count_records;
    fn add_log_records(&self, job_id: JobId, records: Vec<NewLogRecord>) -> Result<()> => log_records::add_records;
    fn activity_hashes(&self, gong_call_ids: &[GongCallId]) -> Result<HashMap<GongCallId, ActivityHash>> => activities::hashes;
    fn skip_marks(&self, connection_id: ConnectionId, gong_call_ids: &[GongCallId]) -> Result<HashMap<GongCallId, i64>> => page_extras::skip_marks;
    fn commit_page(&self, page: &PageCommit) -> Result<Vec<ActivityId>> => activities::commit_page;
    fn commit_pages(&self, pages: &[PageCommit]) -> Result<()> => activities::commit_pages;
    fn commit_pages_after(&self, pages: &[PageCommit], earlier: EarlierCommit) -> Result<()> => activities::commit_pages_after;
    fn get_activity(&self, id: ActivityId) -> Result<Option<Activity>> => activities::get;
    fn activity_by_external_id(&self, external_id: &str) -> Result<Option<Activity>> => activities::by_external_id;
    fn list_activities(&self, filter: ActivityFilter) -> Result<Vec<Activity>> => activities::list;
    fn count_activities(&self, filter: &ActivityFilter) -> Result<u64> => activities::count;
    fn transcripts_wanted(&self, connection_id: ConnectionId, again: AskAgain, after: Option<ActivityKey>, limit: u32) -> Result<Vec<TranscriptWanted>> => transcripts::wanted;
    fn put_transcripts(&self, transcripts: &[StoredTranscript]) -> Result<()> => transcripts::put;
    fn get_transcript(&self, activity_id: ActivityId) -> Result<Option<StoredTranscript>> => transcripts::get;
    fn transcript_stats(&self, connection_id: Option<ConnectionId>) -> Result<TranscriptStats> => transcripts::stats;
    fn list_stored_meetings(&self, connection_id: ConnectionId, query: MeetingQuery) -> Result<Vec<StoredMeeting>> => meetings::list;
    fn count_stored_meetings(&self, connection_id: ConnectionId, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<u64> => meetings::count;
    fn prune_stored_meetings(&self, connection_id: ConnectionId, before: DateTime<Utc>) -> Result<u64> => meetings::prune;
    fn get_checkpoint(&self, connection_id: ConnectionId) -> Result<Checkpoint> => sync_state::get_checkpoint;
    fn set_last_reconciled(&self, connection_id: ConnectionId, at: DateTime<Utc>) -> Result<()> => sync_state::set_last_reconciled;
    fn set_deep_check(&self, connection_id: ConnectionId, state: &DeepCheck) -> Result<()> => sync_state::set_deep_check;
    fn retry_page(&self, connection_id: ConnectionId, since: DateTime<Utc>, after: Option<GongCallId>, limit: u32) -> Result<Vec<RetryItem>> => sync_state::page;
    fn remove_retries(&self, connection_id: ConnectionId, gong_call_ids: &[GongCallId]) -> Result<()> => sync_state::remove;
    fn prune_retries(&self, connection_id: ConnectionId, before: DateTime<Utc>) -> Result<u64> => sync_state::prune;
    fn put_webhook(&self, new: NewWebhook) -> Result<Webhook> => webhooks::put;
    fn get_webhook(&self, connection_id: ConnectionId) -> Result<Option<Webhook>> => webhooks::get;
    fn webhook_by_key_hash(&self, key_hash: &str) -> Result<Option<Webhook>> => webhooks::by_key_hash;
    fn record_webhook_test(&self, connection_id: ConnectionId, at: DateTime<Utc>) -> Result<()> => webhooks::record_test;
    fn enqueue_webhook_call(&self, connection_id: ConnectionId, gong_call_id: &GongCallId, at: DateTime<Utc>) -> Result<Enqueued> => webhooks::enqueue;
    fn queued_webhook_calls(&self, connection_id: ConnectionId, limit: u32) -> Result<Vec<QueuedCall>> => webhooks::queued;
    fn webhook_backlogs(&self) -> Result<Vec<WebhookBacklog>> => webhooks::backlogs;
    fn webhook_delays(&self, connection_id: Option<ConnectionId>, since: DateTime<Utc>) -> Result<WebhookDelays> => webhooks::delays;
    fn prune_webhook_queue(&self, before: DateTime<Utc>) -> Result<u64> => webhooks::prune;
    fn create_export(&self, new: NewExport) -> Result<Export> => exports::create;
    fn export_by_token(&self, token: &str) -> Result<Option<Export>> => exports::by_token;
    fn list_job_exports(&self, job_id: JobId, now: DateTime<Utc>) -> Result<Vec<Export>> => exports::of_job;
    fn list_expired_exports(&self, now: DateTime<Utc>) -> Result<Vec<Export>> => exports::expired;
    fn mark_export_file_deleted(&self, id: ExportId) -> Result<()> => exports::mark_file_deleted;
    fn delete_export(&self, id: ExportId) -> Result<()> => exports::delete;
    fn create_admin(&self, username: &str, password_hash: &str, now: DateTime<Utc>) -> Result<Admin> => auth::create_admin;
    fn admin_by_username(&self, username: &str) -> Result<Option<Admin>> => auth::admin_by_username;
    fn create_account(&self, username: &str, password_hash: &str, role: Role, now: DateTime<Utc>) -> Result<Admin> => auth::create_account;
    fn set_admin_role(&self, id: AdminId, role: Role) -> Result<()> => auth::set_admin_role;
    fn remove_sign_in(&self, id: AdminId, now: DateTime<Utc>) -> Result<Admin> => auth::remove_sign_in;
    fn list_admins(&self) -> Result<Vec<Admin>> => auth::list_admins;
    fn admin_by_id(&self, id: AdminId) -> Result<Option<Admin>> => auth::admin_by_id;
    fn set_admin_password(&self, id: AdminId, password_hash: &str) -> Result<()> => auth::set_admin_password;
    fn count_admins(&self) -> Result<u64> => auth::count_admins;
    fn create_session(&self, session: Session) -> Result<()> => auth::create_session;
    fn session_by_hash(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> => auth::session_by_hash;
    fn delete_session(&self, token_hash: &str) -> Result<()> => auth::delete_session;
    fn create_api_token(&self, new: NewApiToken) -> Result<ApiToken> => auth::create_api_token;
    fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> => auth::api_token_by_hash;
    fn touch_api_token(&self, id: ApiTokenId, now: DateTime<Utc>) -> Result<()> => auth::touch_api_token;
    fn list_api_tokens(&self) -> Result<Vec<ApiToken>> => auth::list_api_tokens;
    fn delete_api_token(&self, id: ApiTokenId) -> Result<()> => auth::delete_api_token;
    fn create_oauth_state(&self, pending: PendingOAuth, now: DateTime<Utc>) -> Result<()> => oauth_states::create;
    fn take_oauth_state(&self, state_hash: &str, now: DateTime<Utc>) -> Result<Option<PendingOAuth>> => oauth_states::take;
    fn begin_login_attempt(&self, keys: &[ThrottleKey], policy: &ThrottlePolicy, now: DateTime<Utc>) -> Result<Option<std::time::Duration>> => login_attempts::begin;
    fn clear_login_attempts(&self, keys: &[ThrottleKey]) -> Result<()> => login_attempts::clear;
    fn unlock_account(&self, username: &str) -> Result<u64> => login_attempts::unlock_account;
    fn erase_email(&self, request: &ErasureRequest) -> Result<ErasureReceipt> => erasure::erase_email;
    fn list_erasures(&self) -> Result<Vec<ErasureReceipt>> => erasure::list_erasures;
    fn purge_before(&self, connection_id: ConnectionId, before: DateTime<Utc>, limit: u32) -> Result<PurgeCounts> => erasure::purge_before;
    fn count_before(&self, connection_id: ConnectionId, before: DateTime<Utc>) -> Result<PurgeCounts> => erasure::count_before;
    fn get_call_outcomes(&self, connection_id: ConnectionId) -> Result<Option<CallOutcomes>> => call_outcomes::get;
    fn put_call_outcomes(&self, connection_id: ConnectionId, outcomes: &CallOutcomes) -> Result<()> => call_outcomes::put;
    fn get_quota(&self, connection_id: ConnectionId) -> Result<QuotaSettings> => quota::get;
    fn set_quota(&self, connection_id: ConnectionId, quota: &QuotaSettings) -> Result<()> => quota::set;
    fn add_gong_requests(&self, connection_id: ConnectionId, counts: &[RequestCount]) -> Result<()> => quota::add_requests;
    fn gong_requests_since(&self, connection_id: ConnectionId, since: DateTime<Utc>) -> Result<Vec<RequestCount>> => quota::requests_since;
    fn prune_gong_requests(&self, before: DateTime<Utc>) -> Result<u64> => quota::prune;
    fn add_audit_entry(&self, entry: &NewAuditEntry) -> Result<AuditId> => audit::add;
    fn list_audit_entries(&self, limit: u32, before_id: Option<AuditId>) -> Result<Vec<AuditEntry>> => audit::list;
    fn prune_audit_entries(&self, before: DateTime<Utc>) -> Result<u64> => audit::prune;
}
