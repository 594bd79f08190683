//! [`Store`] for [`Backend`]: each method delegates to its resource's module.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gong_timeline_domain::Trigger;
use gong_timeline_store::*;

use super::Backend;
use super::{
    activities, auth, companies, connections, exports, field_types, jobs, log_records, mappings,
    meetings, oauth_states, page_extras, sync_state, tokens, users, webhooks,
};

#[async_trait]
impl Store for Backend {
    async fn import_companies(&self, rows: Vec<CompanyRow>) -> Result<ImportCounts> {
        companies::import_companies(self, rows).await
    }
    async fn import_persons(&self, rows: Vec<PersonRow>) -> Result<ImportCounts> {
        companies::import_persons(self, rows).await
    }
    async fn import_users(&self, rows: Vec<UserRow>) -> Result<ImportCounts> {
        users::import_users(self, rows).await
    }
    async fn import_activity_types(&self, rows: Vec<ActivityTypeRow>) -> Result<ImportCounts> {
        users::import_activity_types(self, rows).await
    }

    async fn declare_field_types(&self, declared: Vec<FieldTypeDecl>) -> Result<()> {
        field_types::declare(self, declared).await
    }
    async fn list_field_types(&self) -> Result<Vec<FieldTypeDecl>> {
        field_types::list(self).await
    }

    async fn list_companies(&self) -> Result<Vec<Company>> {
        companies::list_companies(self).await
    }
    async fn get_company(&self, id: CompanyId) -> Result<Option<Company>> {
        companies::get_company(self, id).await
    }
    async fn company_by_name(&self, name: &str) -> Result<Option<Company>> {
        companies::company_by_name(self, name).await
    }
    async fn list_persons(&self) -> Result<Vec<Person>> {
        companies::list_persons(self).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        users::list_users(self).await
    }
    async fn get_user(&self, id: UserId) -> Result<Option<User>> {
        users::get_user(self, id).await
    }
    async fn users_by_email(&self, email: &str) -> Result<Vec<User>> {
        users::users_by_email(self, email).await
    }
    async fn create_users(&self, new: Vec<NewUser>) -> Result<Vec<UserId>> {
        users::create_users(self, new).await
    }
    async fn list_activity_types(&self) -> Result<Vec<ActivityType>> {
        users::list_activity_types(self).await
    }
    async fn activity_type_by_name(&self, name: &str) -> Result<Option<ActivityType>> {
        users::activity_type_by_name(self, name).await
    }

    async fn create_connection(&self, new: NewConnection) -> Result<Connection> {
        connections::create(self, new).await
    }
    async fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>> {
        connections::get(self, id).await
    }
    async fn connection_by_name(&self, name: &str) -> Result<Option<Connection>> {
        connections::by_name(self, name).await
    }
    async fn list_connections(&self) -> Result<Vec<Connection>> {
        connections::list(self).await
    }
    async fn update_connection(
        &self,
        id: ConnectionId,
        change: ConnectionChange,
    ) -> Result<Connection> {
        connections::update(self, id, change).await
    }
    async fn delete_connection(&self, id: ConnectionId, now: DateTime<Utc>) -> Result<()> {
        connections::delete(self, id, now).await
    }
    async fn connection_credentials(&self, id: ConnectionId) -> Result<Credentials> {
        connections::credentials(self, id).await
    }
    async fn update_credentials(&self, id: ConnectionId, credentials: Credentials) -> Result<()> {
        connections::update_credentials(self, id, credentials).await
    }
    async fn save_oauth_tokens(
        &self,
        id: ConnectionId,
        tokens: serde_json::Value,
        api_base_url: Option<String>,
    ) -> Result<()> {
        connections::save_oauth_tokens(self, id, tokens, api_base_url).await
    }
    async fn rotate_oauth_tokens(
        &self,
        id: ConnectionId,
        rotate: TokenRotation<'_>,
    ) -> Result<Option<serde_json::Value>> {
        tokens::rotate(self, id, rotate).await
    }
    async fn set_connection_status(
        &self,
        id: ConnectionId,
        status: ConnectionStatus,
    ) -> Result<()> {
        connections::set_status(self, id, status).await
    }
    async fn set_hubspot_warning(&self, id: ConnectionId, warn: bool) -> Result<()> {
        connections::set_hubspot_warning(self, id, warn).await
    }
    async fn claim_schedule_slot(&self, id: ConnectionId, slot: DateTime<Utc>) -> Result<bool> {
        connections::claim_schedule_slot(self, id, slot).await
    }
    async fn schedule_claim(&self, id: ConnectionId) -> Result<Option<DateTime<Utc>>> {
        connections::schedule_claim(self, id).await
    }

    async fn get_settings(&self, connection_id: ConnectionId) -> Result<Settings> {
        connections::get_settings(self, connection_id).await
    }
    async fn put_settings(&self, connection_id: ConnectionId, settings: &Settings) -> Result<()> {
        connections::put_settings(self, connection_id, settings).await
    }

    async fn upsert_mappings(
        &self,
        connection_id: ConnectionId,
        mappings: Vec<MappingUpsert>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        mappings::upsert(self, connection_id, mappings, now).await
    }
    async fn list_mappings(&self, connection_id: ConnectionId) -> Result<Vec<UserMapping>> {
        mappings::list(self, connection_id).await
    }
    async fn resolve_mapping(
        &self,
        connection_id: ConnectionId,
        gong_user_id: &str,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<UserMapping> {
        mappings::resolve(self, connection_id, gong_user_id, user_id, now).await
    }

    async fn try_start_job(
        &self,
        connection_id: ConnectionId,
        trigger: Trigger,
        lease: Lease,
        now: DateTime<Utc>,
    ) -> Result<Option<JobId>> {
        jobs::try_start(self, connection_id, trigger, lease, now).await
    }
    async fn heartbeat(&self, job_id: JobId, lease: Lease) -> Result<bool> {
        jobs::heartbeat(self, job_id, lease).await
    }
    async fn finish_job(&self, job_id: JobId, finish: JobFinish) -> Result<()> {
        jobs::finish(self, job_id, finish).await
    }
    async fn get_job(&self, id: JobId) -> Result<Option<Job>> {
        jobs::get(self, id).await
    }
    async fn list_jobs(&self, filter: JobFilter) -> Result<Vec<Job>> {
        jobs::list(self, filter).await
    }
    async fn count_jobs(&self, filter: &JobFilter) -> Result<u64> {
        jobs::count_jobs(self, filter).await
    }
    async fn list_log_records(&self, filter: RecordFilter) -> Result<Vec<LogRecord>> {
        log_records::list_records(self, filter).await
    }
    async fn count_log_records(&self, job_id: JobId) -> Result<RecordCounts> {
        log_records::count_records(self, job_id).await
    }
    async fn add_log_records(&self, job_id: JobId, records: Vec<NewLogRecord>) -> Result<()> {
        log_records::add_records(self, job_id, records).await
    }

    async fn activity_hashes(
        &self,
        connection_id: ConnectionId,
        gong_call_ids: &[String],
    ) -> Result<HashMap<String, ActivityHash>> {
        activities::hashes(self, connection_id, gong_call_ids).await
    }
    async fn skip_marks(
        &self,
        connection_id: ConnectionId,
        gong_call_ids: &[String],
    ) -> Result<HashMap<String, i64>> {
        page_extras::skip_marks(self, connection_id, gong_call_ids).await
    }
    async fn commit_page(&self, page: &PageCommit) -> Result<Vec<ActivityId>> {
        activities::commit_page(self, page).await
    }
    async fn get_activity(&self, id: ActivityId) -> Result<Option<Activity>> {
        activities::get(self, id).await
    }
    async fn activity_by_external_id(&self, external_id: &str) -> Result<Option<Activity>> {
        activities::by_external_id(self, external_id).await
    }
    async fn list_activities(&self, filter: ActivityFilter) -> Result<Vec<Activity>> {
        activities::list(self, filter).await
    }
    async fn count_activities(&self, filter: &ActivityFilter) -> Result<u64> {
        activities::count(self, filter).await
    }

    async fn list_stored_meetings(
        &self,
        connection_id: ConnectionId,
        query: MeetingQuery,
    ) -> Result<Vec<StoredMeeting>> {
        meetings::list(self, connection_id, query).await
    }
    async fn count_stored_meetings(
        &self,
        connection_id: ConnectionId,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64> {
        meetings::count(self, connection_id, since, until).await
    }
    async fn prune_stored_meetings(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
    ) -> Result<u64> {
        meetings::prune(self, connection_id, before).await
    }

    async fn get_checkpoint(&self, connection_id: ConnectionId) -> Result<Checkpoint> {
        sync_state::get_checkpoint(self, connection_id).await
    }
    async fn set_last_reconciled(
        &self,
        connection_id: ConnectionId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sync_state::set_last_reconciled(self, connection_id, at).await
    }
    async fn list_retries(
        &self,
        connection_id: ConnectionId,
        since: DateTime<Utc>,
    ) -> Result<Vec<RetryItem>> {
        sync_state::list(self, connection_id, since).await
    }
    async fn remove_retries(
        &self,
        connection_id: ConnectionId,
        gong_call_ids: &[String],
    ) -> Result<()> {
        sync_state::remove(self, connection_id, gong_call_ids).await
    }
    async fn prune_retries(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
    ) -> Result<u64> {
        sync_state::prune(self, connection_id, before).await
    }

    async fn put_webhook(&self, new: NewWebhook) -> Result<Webhook> {
        webhooks::put(self, new).await
    }
    async fn get_webhook(&self, connection_id: ConnectionId) -> Result<Option<Webhook>> {
        webhooks::get(self, connection_id).await
    }
    async fn webhook_by_key_hash(&self, key_hash: &str) -> Result<Option<Webhook>> {
        webhooks::by_key_hash(self, key_hash).await
    }
    async fn record_webhook_test(
        &self,
        connection_id: ConnectionId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        webhooks::record_test(self, connection_id, at).await
    }
    async fn enqueue_webhook_call(
        &self,
        connection_id: ConnectionId,
        gong_call_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Enqueued> {
        webhooks::enqueue(self, connection_id, gong_call_id, at).await
    }
    async fn queued_webhook_calls(
        &self,
        connection_id: ConnectionId,
        limit: u32,
    ) -> Result<Vec<QueuedCall>> {
        webhooks::queued(self, connection_id, limit).await
    }
    async fn webhook_backlogs(&self) -> Result<Vec<WebhookBacklog>> {
        webhooks::backlogs(self).await
    }
    async fn webhook_delays(
        &self,
        connection_id: Option<ConnectionId>,
        since: DateTime<Utc>,
    ) -> Result<WebhookDelays> {
        webhooks::delays(self, connection_id, since).await
    }
    async fn prune_webhook_queue(&self, before: DateTime<Utc>) -> Result<u64> {
        webhooks::prune(self, before).await
    }

    async fn create_export(&self, new: NewExport) -> Result<Export> {
        exports::create(self, new).await
    }
    async fn export_by_token(&self, token: &str) -> Result<Option<Export>> {
        exports::by_token(self, token).await
    }
    async fn list_job_exports(&self, job_id: JobId, now: DateTime<Utc>) -> Result<Vec<Export>> {
        exports::of_job(self, job_id, now).await
    }
    async fn list_expired_exports(&self, now: DateTime<Utc>) -> Result<Vec<Export>> {
        exports::expired(self, now).await
    }
    async fn mark_export_file_deleted(&self, id: ExportId) -> Result<()> {
        exports::mark_file_deleted(self, id).await
    }
    async fn delete_export(&self, id: ExportId) -> Result<()> {
        exports::delete(self, id).await
    }

    async fn create_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Admin> {
        auth::create_admin(self, username, password_hash, now).await
    }
    async fn admin_by_username(&self, username: &str) -> Result<Option<Admin>> {
        auth::admin_by_username(self, username).await
    }
    async fn set_admin_password(&self, id: AdminId, password_hash: &str) -> Result<()> {
        auth::set_admin_password(self, id, password_hash).await
    }
    async fn count_admins(&self) -> Result<u64> {
        auth::count_admins(self).await
    }
    async fn create_session(&self, session: Session) -> Result<()> {
        auth::create_session(self, session).await
    }
    async fn session_by_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>> {
        auth::session_by_hash(self, token_hash, now).await
    }
    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        auth::delete_session(self, token_hash).await
    }
    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiToken> {
        auth::create_api_token(self, new).await
    }
    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        auth::api_token_by_hash(self, token_hash).await
    }
    async fn touch_api_token(&self, id: ApiTokenId, now: DateTime<Utc>) -> Result<()> {
        auth::touch_api_token(self, id, now).await
    }
    async fn list_api_tokens(&self) -> Result<Vec<ApiToken>> {
        auth::list_api_tokens(self).await
    }
    async fn delete_api_token(&self, id: ApiTokenId) -> Result<()> {
        auth::delete_api_token(self, id).await
    }
    async fn create_oauth_state(&self, pending: PendingOAuth, now: DateTime<Utc>) -> Result<()> {
        oauth_states::create(self, pending, now).await
    }
    async fn take_oauth_state(
        &self,
        state_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingOAuth>> {
        oauth_states::take(self, state_hash, now).await
    }
}
