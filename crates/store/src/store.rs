//! The [`Store`] trait: every read and write the sync engine, the CLI and the web
//! layer make. Object-safe (`Arc<dyn Store>`), batch-oriented: imports, user
//! creation, mapping upserts and [`Store::commit_page`] are each one transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gong_timeline_domain::outcome::CallOutcomes;
use gong_timeline_domain::quota::{QuotaSettings, RequestCount};
use gong_timeline_domain::throttle::{ThrottleKey, ThrottlePolicy};
use gong_timeline_domain::transcript::AskAgain;
use gong_timeline_domain::{GongAccount, Trigger};

use crate::records::*;
use crate::rotation::TokenRotation;
use crate::Result;

/// A future a store awaits.
type Waiting<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Where a page commit stands in its job's line, for [`Store::commit_pages_after`].
pub struct EarlierCommit {
    /// Resolves once the job's earlier commit holds its database connection (or
    /// has ended): only then does this one take a connection of its own, so the
    /// two never wait on each other for one, however busy the pool.
    pub begun: Waiting<()>,
    /// Resolves to whether the earlier commit committed.
    pub committed: Waiting<bool>,
    /// Called once this commit holds its connection, for the commit after it.
    pub begin: Box<dyn FnOnce() + Send>,
}

impl EarlierCommit {
    /// The turn of a commit with no earlier one running.
    pub fn none(begin: Box<dyn FnOnce() + Send>) -> EarlierCommit {
        EarlierCommit {
            begun: Box::pin(std::future::ready(())),
            committed: Box::pin(std::future::ready(true)),
            begin,
        }
    }
}

/// The Timeline store. Every method is atomic: on error nothing was written.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // ---- imports (each one transaction, all-or-nothing) ----

    /// Inserts or updates companies keyed by name (case-insensitive). A crm id used
    /// by another company is refused naming the row.
    async fn import_companies(&self, rows: Vec<CompanyRow>) -> Result<ImportCounts>;
    /// Inserts or updates persons keyed by email. A company name that does not exist
    /// is refused naming the row.
    async fn import_persons(&self, rows: Vec<PersonRow>) -> Result<ImportCounts>;
    /// Inserts or updates users keyed by (email, name): a re-import updates license,
    /// status and fields; a new name with a known email is a new user (a conflict).
    async fn import_users(&self, rows: Vec<UserRow>) -> Result<ImportCounts>;
    /// Inserts or updates activity types keyed by name (case-insensitive).
    async fn import_activity_types(&self, rows: Vec<ActivityTypeRow>) -> Result<ImportCounts>;

    /// T5: records the field types an import file's header declared (`arr:number`);
    /// a field declared again takes the new type (fields match case-insensitively).
    async fn declare_field_types(&self, declared: Vec<FieldTypeDecl>) -> Result<()>;
    /// Every declared field type, by object and field.
    async fn list_field_types(&self) -> Result<Vec<FieldTypeDecl>>;

    // ---- companies, persons, users, activity types ----

    /// All companies, by name.
    async fn list_companies(&self) -> Result<Vec<Company>>;
    /// One company by id.
    async fn get_company(&self, id: CompanyId) -> Result<Option<Company>>;
    /// One company by name (case-insensitive).
    async fn company_by_name(&self, name: &str) -> Result<Option<Company>>;
    /// All persons, by email.
    async fn list_persons(&self) -> Result<Vec<Person>>;
    /// All users, by id (the engine's in-memory maps load from it).
    async fn list_users(&self) -> Result<Vec<User>>;
    /// One user by id.
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// Users with this email (any case), by id.
    async fn users_by_email(&self, email: &str) -> Result<Vec<User>>;
    /// Creates users in one transaction; ids in the order given. A user made by the
    /// sync (`created_by_sync`) whose email a sync-made user has already is not made
    /// again: that user's id is returned (concurrent jobs planning one IC user).
    async fn create_users(&self, users: Vec<NewUser>) -> Result<Vec<UserId>>;
    /// All activity types, by name.
    async fn list_activity_types(&self) -> Result<Vec<ActivityType>>;
    /// One activity type by name (case-insensitive).
    async fn activity_type_by_name(&self, name: &str) -> Result<Option<ActivityType>>;

    // ---- connections ----

    /// Creates a connection; its credentials are encrypted at rest. A taken name is
    /// [`crate::StoreError::AlreadyExists`].
    async fn create_connection(&self, new: NewConnection) -> Result<Connection>;
    /// One connection by id.
    async fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>>;
    /// One connection by name (exact).
    async fn connection_by_name(&self, name: &str) -> Result<Option<Connection>>;
    /// All connections, by name.
    async fn list_connections(&self) -> Result<Vec<Connection>>;
    /// The decrypted credentials of a connection.
    async fn connection_credentials(&self, id: ConnectionId) -> Result<Credentials>;
    /// Replaces a connection's credentials (re-authorisation, new access key).
    async fn update_credentials(&self, id: ConnectionId, credentials: Credentials) -> Result<()>;
    /// Atomically stores refreshed OAuth tokens (and the customer API base URL when
    /// given) into an OAuth connection's credentials, and marks it Authorised.
    async fn save_oauth_tokens(
        &self,
        id: ConnectionId,
        tokens: serde_json::Value,
        api_base_url: Option<String>,
    ) -> Result<()>;
    /// Rotates an OAuth connection's single-use refresh token once, whatever the number
    /// of processes trying at the same time: takes the connection's token lock (held
    /// across processes: a row lock on PostgreSQL, a lease row on SQLite), re-reads the
    /// stored token set, runs `rotate` on it, saves what it answers (marking the
    /// connection Authorised) and frees the lock. Of concurrent callers each runs its
    /// step alone, after the previous one's tokens were saved. Returns the token set in
    /// effect afterwards. A failed step saves nothing: [`crate::StoreError::Rotation`].
    /// Access-key connections are [`crate::StoreError::Invalid`].
    async fn rotate_oauth_tokens(
        &self,
        id: ConnectionId,
        rotate: TokenRotation<'_>,
    ) -> Result<Option<serde_json::Value>>;
    /// Renames a connection and/or changes its base URL; a taken name is
    /// [`crate::StoreError::AlreadyExists`], an unknown id `NotFound`.
    async fn update_connection(
        &self,
        id: ConnectionId,
        change: ConnectionChange,
    ) -> Result<Connection>;
    /// Deletes a connection (C5): its credentials, settings, user mappings and sync
    /// state (checkpoint, retry list, skip marks, stored meetings) go, in one transaction; its
    /// activities and its jobs and log records stay. From then on no lookup finds it,
    /// and its name is free; the jobs list it as `<name> (deleted #<id>)`.
    async fn delete_connection(&self, id: ConnectionId, now: DateTime<Utc>) -> Result<()>;
    /// S10: `new` takes `old`'s place, in one transaction: `old` is deleted as by
    /// [`Store::delete_connection`] and its activities become `new`'s.
    async fn replace_connection(
        &self,
        old: ConnectionId,
        new: ConnectionId,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Records the Gong account a connection reaches (S10), replacing what was known.
    async fn set_gong_account(&self, id: ConnectionId, account: &GongAccount) -> Result<()>;
    /// The Gong accounts of the connections (not deleted) whose account is known.
    async fn gong_accounts(&self) -> Result<Vec<(Connection, GongAccount)>>;
    /// Sets a connection's status.
    async fn set_connection_status(&self, id: ConnectionId, status: ConnectionStatus)
        -> Result<()>;
    /// Sets or clears the HubSpot warning (C3).
    async fn set_hubspot_warning(&self, id: ConnectionId, warn: bool) -> Result<()>;
    /// Claims schedule `slot` (S6) for the connection's scheduled job: true for the
    /// first claim of that slot, false when another process claimed it already (or a
    /// later slot). Unknown ids are [`crate::StoreError::NotFound`].
    async fn claim_schedule_slot(&self, id: ConnectionId, slot: DateTime<Utc>) -> Result<bool>;
    /// The slot the connection's scheduled job was last claimed for (`None`: never).
    async fn schedule_claim(&self, id: ConnectionId) -> Result<Option<DateTime<Utc>>>;

    // ---- settings ----

    /// A connection's settings; [`Settings::default`] when none were saved.
    async fn get_settings(&self, connection_id: ConnectionId) -> Result<Settings>;
    /// Saves a connection's settings (validated by the caller).
    async fn put_settings(&self, connection_id: ConnectionId, settings: &Settings) -> Result<()>;

    // ---- user mappings ----

    /// Inserts or updates mappings in one transaction. Manual mappings keep their
    /// status, user and suggestions; only Gong's email and name are refreshed.
    async fn upsert_mappings(
        &self,
        connection_id: ConnectionId,
        mappings: Vec<MappingUpsert>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A connection's mappings, by Gong user id.
    async fn list_mappings(&self, connection_id: ConnectionId) -> Result<Vec<UserMapping>>;
    /// Manual resolution (U7): maps a Gong user to `user_id`, status Mapped, manual.
    async fn resolve_mapping(
        &self,
        connection_id: ConnectionId,
        gong_user_id: &str,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<UserMapping>;

    // ---- jobs and the execution log ----

    /// Starts a job unless the connection has one In progress under a live lease
    /// (then `None`). A job In progress whose lease lapsed is marked Failed
    /// ("interrupted") first. Atomic across processes.
    async fn try_start_job(
        &self,
        connection_id: ConnectionId,
        trigger: Trigger,
        lease: Lease,
        now: DateTime<Utc>,
    ) -> Result<Option<JobId>>;
    /// Extends a running job's lease. `false` when the job is no longer this owner's
    /// or no longer In progress: the caller must stop.
    async fn heartbeat(&self, job_id: JobId, lease: Lease) -> Result<bool>;
    /// Ends a job with its final status, counts and Gong usage, clears its lease and
    /// sets the connection's `last_sync_at`. With a fence, a job that is no longer the
    /// fence's (finished, taken over) is left alone: [`crate::StoreError::LeaseLost`].
    async fn finish_job(&self, job_id: JobId, finish: JobFinish) -> Result<()>;
    /// One job.
    async fn get_job(&self, id: JobId) -> Result<Option<Job>>;
    /// Jobs, newest first (by start, then id), a keyset page of them with
    /// `filter.seek` and `filter.limit`.
    async fn list_jobs(&self, filter: JobFilter) -> Result<Vec<Job>>;
    /// How many jobs match `filter` (its `seek` and `limit` are ignored).
    async fn count_jobs(&self, filter: &JobFilter) -> Result<u64>;
    /// A job's log records in the order written (by id), a keyset page of them with
    /// `filter.seek` and `filter.limit`: a page of any depth, of any statuses, is an
    /// index range scan.
    async fn list_log_records(&self, filter: RecordFilter) -> Result<Vec<LogRecord>>;
    /// How many records of a job have each status: the counts stored with the job,
    /// kept up to date as records are written (no count over the records).
    async fn count_log_records(&self, job_id: JobId) -> Result<RecordCounts>;
    /// Appends log records outside a page (e.g. a job-level failure).
    async fn add_log_records(&self, job_id: JobId, records: Vec<NewLogRecord>) -> Result<()>;

    // ---- activities ----

    /// The stored id and fingerprint of the activities of these call ids (one page's
    /// worth), keyed by call id, whichever connection wrote them: one Gong call is one
    /// activity (S10), and a connection replacing a deleted one finds its activities.
    async fn activity_hashes(
        &self,
        gong_call_ids: &[GongCallId],
    ) -> Result<HashMap<GongCallId, ActivityHash>>;
    /// The skip marks of these call ids of a connection (one page's worth), by call id.
    async fn skip_marks(
        &self,
        connection_id: ConnectionId,
        gong_call_ids: &[GongCallId],
    ) -> Result<HashMap<GongCallId, i64>>;
    /// Writes one page in ONE transaction: upserts by external id (an update keeps
    /// the activity's type: a new type applies to activities created from then on,
    /// M2; the activity belongs to the page's connection from then on, S10), log records,
    /// retry list changes, stored meetings, the checkpoint (forward only), the resume
    /// point and the job's counts — after checking the fence in that same
    /// transaction ([`crate::StoreError::LeaseLost`], nothing written).
    /// Returns the activity id of each upsert, in order.
    async fn commit_page(&self, page: &PageCommit) -> Result<Vec<ActivityId>>;
    /// Writes several pages of a job, in order, in ONE transaction: each as
    /// [`Store::commit_page`] writes it, with the fence checked in that same
    /// transaction. All or nothing: a lost lease or a failed page writes none of them.
    /// A job whose pages come faster than they commit writes them this way, so a
    /// transaction's fixed costs (the write lock, the fence, the durable commit) are
    /// paid once for several pages.
    async fn commit_pages(&self, pages: &[PageCommit]) -> Result<()>;
    /// How many page commits of one job may run at once (see
    /// [`Store::commit_pages_after`]): 1 where a write holds the whole database's lock
    /// (SQLite), 2 where transactions write side by side (PostgreSQL).
    fn concurrent_commits(&self) -> usize {
        1
    }
    /// [`Store::commit_pages`] while the job's previous commit may still be running.
    /// The pages' own rows (activities, log records, stored meetings, the retry
    /// list, skip marks) may be written meanwhile; the fence check, the job's counts,
    /// checkpoint and resume point, and the commit itself wait for `earlier` to
    /// have committed. When it failed nothing is written
    /// ([`crate::StoreError::EarlierCommitFailed`]). The pages must write other calls
    /// than the earlier commit: a transaction waiting on the other's rows would wait
    /// forever. A store may stop waiting and roll back ([`crate::StoreError::Locked`]:
    /// try again) so that another job's commit waiting on these pages' rows is never
    /// stuck behind it.
    async fn commit_pages_after(&self, pages: &[PageCommit], earlier: EarlierCommit) -> Result<()> {
        commit_after_in_order(self, pages, earlier).await
    }
    /// One activity.
    async fn get_activity(&self, id: ActivityId) -> Result<Option<Activity>>;
    /// One activity by external id.
    async fn activity_by_external_id(&self, external_id: &str) -> Result<Option<Activity>>;
    /// Activities, newest first (by date, then id), a keyset page of them with
    /// `filter.seek` and `filter.limit`.
    async fn list_activities(&self, filter: ActivityFilter) -> Result<Vec<Activity>>;
    /// How many activities match `filter` (its `seek` and `limit` are ignored).
    async fn count_activities(&self, filter: &ActivityFilter) -> Result<u64>;

    // ---- transcripts (S9) ----

    /// Up to `limit` activities of a connection without a stored transcript, or
    /// whose empty one is due to be asked for again (`again`), newest first (after
    /// `after` in that order, when given: a pass goes on from its last batch instead
    /// of reading past every activity it already handled), each with its stored
    /// meeting (whose parties name the speakers).
    async fn transcripts_wanted(
        &self,
        connection_id: ConnectionId,
        again: AskAgain,
        after: Option<ActivityKey>,
        limit: u32,
    ) -> Result<Vec<TranscriptWanted>>;
    /// Stores transcripts (replacing any) and indexes their text for search, in one
    /// transaction. A transcript whose activity is gone meanwhile is dropped.
    async fn put_transcripts(&self, transcripts: &[StoredTranscript]) -> Result<()>;
    /// An activity's transcript, if one was fetched.
    async fn get_transcript(&self, activity_id: ActivityId) -> Result<Option<StoredTranscript>>;
    /// What the transcripts of one connection's activities (or of all) take.
    async fn transcript_stats(
        &self,
        connection_id: Option<ConnectionId>,
    ) -> Result<TranscriptStats>;

    // ---- stored meetings (M1, M2) ----

    /// A page of a connection's stored meetings in (start, call id) order: those
    /// after `query.after`, started in `[since, until)`, of the set asked for.
    async fn list_stored_meetings(
        &self,
        connection_id: ConnectionId,
        query: MeetingQuery,
    ) -> Result<Vec<StoredMeeting>>;
    /// How many stored meetings of a connection started in `[since, until)`: what a
    /// look-back compares with Gong's count of the same window.
    async fn count_stored_meetings(
        &self,
        connection_id: ConnectionId,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64>;
    /// Deletes a connection's stored meetings that started before `before` (out of
    /// the backfill window); returns how many.
    async fn prune_stored_meetings(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
    ) -> Result<u64>;

    // ---- checkpoint and retry list ----

    /// A connection's checkpoint; default (empty) before the first page.
    async fn get_checkpoint(&self, connection_id: ConnectionId) -> Result<Checkpoint>;
    /// Records the end of a reconciliation pass.
    async fn set_last_reconciled(
        &self,
        connection_id: ConnectionId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Records where the monthly deep check (G1) stands.
    async fn set_deep_check(&self, connection_id: ConnectionId, state: &DeepCheck) -> Result<()>;
    /// At most `limit` retry entries of a connection first failed at or after
    /// `since` (the engine passes now − 30 days), those after `after` in call id
    /// order: a long list is read in pages, never whole (a million-call
    /// connection's is 100,000 entries or more).
    async fn retry_page(
        &self,
        connection_id: ConnectionId,
        since: DateTime<Utc>,
        after: Option<GongCallId>,
        limit: u32,
    ) -> Result<Vec<RetryItem>>;
    /// Removes retry entries by call id.
    async fn remove_retries(
        &self,
        connection_id: ConnectionId,
        gong_call_ids: &[GongCallId],
    ) -> Result<()>;
    /// Deletes retry entries first failed before `before`; returns how many.
    async fn prune_retries(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
    ) -> Result<u64>;

    // ---- webhooks (W1, W2) ----

    /// Stores a connection's webhook set-up (a new key, or a new mode), replacing
    /// any older one; the key is sealed. A taken key is refused.
    async fn put_webhook(&self, new: NewWebhook) -> Result<Webhook>;
    /// A connection's webhook set-up.
    async fn get_webhook(&self, connection_id: ConnectionId) -> Result<Option<Webhook>>;
    /// The webhook set-up whose key has this digest (the receiver's lookup).
    async fn webhook_by_key_hash(&self, key_hash: &str) -> Result<Option<Webhook>>;
    /// Notes a test ping (`isTest`).
    async fn record_webhook_test(
        &self,
        connection_id: ConnectionId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Queues a pushed call id durably and notes the arrival; a call already queued
    /// or processed is not queued again.
    async fn enqueue_webhook_call(
        &self,
        connection_id: ConnectionId,
        gong_call_id: &GongCallId,
        at: DateTime<Utc>,
    ) -> Result<Enqueued>;
    /// Up to `limit` of a connection's queued (unprocessed) calls, oldest first.
    async fn queued_webhook_calls(
        &self,
        connection_id: ConnectionId,
        limit: u32,
    ) -> Result<Vec<QueuedCall>>;
    /// Connections with queued calls, with how many and the oldest arrival.
    async fn webhook_backlogs(&self) -> Result<Vec<WebhookBacklog>>;
    /// Delays of a connection's calls processed at or after `since` (all
    /// connections' when `None`).
    async fn webhook_delays(
        &self,
        connection_id: Option<ConnectionId>,
        since: DateTime<Utc>,
    ) -> Result<WebhookDelays>;
    /// Deletes processed queue entries processed before `before`; returns how many.
    async fn prune_webhook_queue(&self, before: DateTime<Utc>) -> Result<u64>;

    // ---- exports ----

    /// Records a generated export. A taken token is refused.
    async fn create_export(&self, new: NewExport) -> Result<Export>;
    /// One export by its download token.
    async fn export_by_token(&self, token: &str) -> Result<Option<Export>>;
    /// A job's exports still downloadable at `now` (not expired, file kept), newest first.
    async fn list_job_exports(&self, job_id: JobId, now: DateTime<Utc>) -> Result<Vec<Export>>;
    /// Exports expired at `now` whose file is not yet deleted.
    async fn list_expired_exports(&self, now: DateTime<Utc>) -> Result<Vec<Export>>;
    /// Notes that an expired export's file was deleted (the row stays for 410 Gone).
    async fn mark_export_file_deleted(&self, id: ExportId) -> Result<()>;
    /// Removes an export row.
    async fn delete_export(&self, id: ExportId) -> Result<()>;

    // ---- web admin accounts, sessions, API tokens ----

    /// Creates an admin account. A taken username (any case) is
    /// [`crate::StoreError::AlreadyExists`] (one whose sign-in was removed is given
    /// it again, as [`Store::create_account`] does).
    async fn create_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Admin>;
    /// Creates an account of `role` (A1; [`Store::create_admin`] is `Role::Admin`).
    /// A taken username (any case) is [`crate::StoreError::AlreadyExists`], unless
    /// that account's sign-in was removed: then it may sign in again, with this
    /// password hash and role.
    async fn create_account(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<Admin>;
    /// Changes an account's role; unknown ids are [`crate::StoreError::NotFound`].
    /// Demoting the last admin who can sign in is [`crate::StoreError::LastAdmin`]:
    /// the check and the change are one write transaction, so two admins demoting
    /// each other at once leave one admin.
    async fn set_admin_role(&self, id: AdminId, role: Role) -> Result<()>;
    /// Removes account `id`'s sign-in (A1) at `now`, in one write transaction: no
    /// password or single sign-on signs it in any more, and its sessions and API
    /// tokens are deleted. The row stays, so single sign-on does not make the account
    /// again; [`Store::create_account`] gives sign-in back. The last admin who can
    /// sign in keeps it ([`crate::StoreError::LastAdmin`], checked in the same
    /// transaction); an unknown id or one already removed is
    /// [`crate::StoreError::NotFound`]. Returns the account as it was.
    async fn remove_sign_in(&self, id: AdminId, now: DateTime<Utc>) -> Result<Admin>;
    /// Every account that may sign in, by username.
    async fn list_admins(&self) -> Result<Vec<Admin>>;
    /// One admin by username (case-insensitive), its sign-in removed or not
    /// ([`Admin::can_sign_in`]).
    async fn admin_by_username(&self, username: &str) -> Result<Option<Admin>>;
    /// One admin by id, its sign-in removed or not ([`Admin::can_sign_in`]).
    async fn admin_by_id(&self, id: AdminId) -> Result<Option<Admin>>;
    /// Replaces an admin's password hash, ends every session of that admin and
    /// revokes their API tokens (in one transaction): a reset password locks out
    /// whoever knew the old one.
    async fn set_admin_password(&self, id: AdminId, password_hash: &str) -> Result<()>;
    /// How many accounts may sign in.
    async fn count_admins(&self) -> Result<u64>;
    /// Records a login session.
    async fn create_session(&self, session: Session) -> Result<()>;
    /// A session by its token hash, if it has not expired at `now`.
    async fn session_by_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>>;
    /// Ends a session (log out); unknown hashes are ignored.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Records an OAuth authorisation in progress; expired ones (at `now`) go.
    async fn create_oauth_state(&self, pending: PendingOAuth, now: DateTime<Utc>) -> Result<()>;
    /// Takes (deletes and returns) the authorisation of `state_hash` if it has not
    /// expired at `now`: of two concurrent callers, one gets it.
    async fn take_oauth_state(
        &self,
        state_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingOAuth>>;
    /// Records an API token. A taken hash is refused.
    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiToken>;
    /// An API token by its hash, expired or not (the caller checks
    /// [`ApiToken::is_live`]).
    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>>;
    /// Notes that a request used the token at `now`; unknown ids are ignored.
    async fn touch_api_token(&self, id: ApiTokenId, now: DateTime<Utc>) -> Result<()>;
    /// All API tokens, newest first.
    async fn list_api_tokens(&self) -> Result<Vec<ApiToken>>;
    /// Revokes an API token; unknown ids are [`crate::StoreError::NotFound`].
    async fn delete_api_token(&self, id: ApiTokenId) -> Result<()>;

    // ---- log-in throttling, shared by replicas ----

    /// Counts a log-in attempt against each of `keys` in one atomic step, unless one
    /// of them is locked out at `now` under `policy`: then nothing is counted and the
    /// wait is returned (whole seconds). Counts older than `policy.forget_after` are
    /// forgotten.
    async fn begin_login_attempt(
        &self,
        keys: &[ThrottleKey],
        policy: &ThrottlePolicy,
        now: DateTime<Utc>,
    ) -> Result<Option<std::time::Duration>>;
    /// Forgets the counts of `keys` (a successful log-in).
    async fn clear_login_attempts(&self, keys: &[ThrottleKey]) -> Result<()>;
    /// Forgets every count of an account, from any address (`admin unlock`);
    /// returns how many addresses it was counted from.
    async fn unlock_account(&self, username: &str) -> Result<u64>;

    // ---- erasure of a person (G2) ----

    /// Removes or anonymises every trace of `request.email` in one transaction
    /// (company persons deleted; attendees, meeting parties and users anonymised;
    /// the address cut out of titles and messages; Gong-user mappings deleted) and
    /// keeps a receipt. A dry run changes nothing and keeps no receipt. Running it
    /// again finds nothing more: the counts are then all zero.
    async fn erase_email(&self, request: &ErasureRequest) -> Result<ErasureReceipt>;
    /// Erasure receipts, newest first.
    async fn list_erasures(&self) -> Result<Vec<ErasureReceipt>>;

    // ---- retention (G3) ----

    /// Deletes at most `limit` of a connection's activities dated before `before`
    /// and at most `limit` of its stored meetings started before it (their log
    /// records stay, without the activity link); returns what went. Called until it
    /// returns zeros, so each transaction stays short.
    async fn purge_before(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<PurgeCounts>;
    /// How many of a connection's activities and stored meetings are older than
    /// `before`: what [`Store::purge_before`] would remove in all.
    async fn count_before(
        &self,
        connection_id: ConnectionId,
        before: DateTime<Utc>,
    ) -> Result<PurgeCounts>;

    // ---- the company's call outcomes (S9) ----

    /// A connection's cached list of Gong's call outcomes with their sentiment;
    /// `None` when it was never read.
    async fn get_call_outcomes(&self, connection_id: ConnectionId) -> Result<Option<CallOutcomes>>;
    /// Replaces a connection's cached list (and when it was read).
    async fn put_call_outcomes(
        &self,
        connection_id: ConnectionId,
        outcomes: &CallOutcomes,
    ) -> Result<()>;

    // ---- Gong's quota (Q1–Q4) ----

    /// A connection's budget of Gong requests; the default (half of Gong's 10,000 a
    /// day, 3 a second) when none was set.
    async fn get_quota(&self, connection_id: ConnectionId) -> Result<QuotaSettings>;
    /// Sets a connection's budget.
    async fn set_quota(&self, connection_id: ConnectionId, quota: &QuotaSettings) -> Result<()>;
    /// Adds requests to a connection's counts: counts of one bucket, purpose and
    /// endpoint add up, whichever replica sent them.
    async fn add_gong_requests(
        &self,
        connection_id: ConnectionId,
        counts: &[RequestCount],
    ) -> Result<()>;
    /// A connection's counts of buckets starting at or after `since`, oldest first.
    async fn gong_requests_since(
        &self,
        connection_id: ConnectionId,
        since: DateTime<Utc>,
    ) -> Result<Vec<RequestCount>>;
    /// Deletes every connection's counts of buckets before `before`; returns how many
    /// rows went.
    async fn prune_gong_requests(&self, before: DateTime<Utc>) -> Result<u64>;

    // ---- the audit log (A4) ----

    /// Records an admin's change; returns its id.
    async fn add_audit_entry(&self, entry: &NewAuditEntry) -> Result<AuditId>;
    /// Entries newest first: at most `limit`, older than `before_id` when given.
    async fn list_audit_entries(
        &self,
        limit: u32,
        before_id: Option<AuditId>,
    ) -> Result<Vec<AuditEntry>>;
    /// Deletes entries older than `before` (the retention period); returns how many.
    async fn prune_audit_entries(&self, before: DateTime<Utc>) -> Result<u64>;
}

/// [`Store::commit_pages_after`] for a store that writes one transaction at a time:
/// waits for the earlier commit's outcome, then commits as [`Store::commit_pages`]
/// (nothing when it failed).
pub async fn commit_after_in_order<S: Store + ?Sized>(
    store: &S,
    pages: &[PageCommit],
    earlier: EarlierCommit,
) -> Result<()> {
    earlier.begun.await;
    (earlier.begin)();
    if !earlier.committed.await {
        return Err(crate::StoreError::EarlierCommitFailed);
    }
    store.commit_pages(pages).await
}

/// Every retry entry of a connection first failed at or after `since`, read `page`
/// entries at a time ([`Store::retry_page`]), each page handed to `add` as it comes:
/// the list is never read whole.
pub async fn read_retry_pages(
    store: &dyn Store,
    connection_id: ConnectionId,
    since: DateTime<Utc>,
    page: u32,
    mut add: impl FnMut(Vec<RetryItem>),
) -> Result<()> {
    let mut after = None;
    loop {
        let entries = store
            .retry_page(connection_id, since, after.take(), page)
            .await?;
        let full = entries.len() == page as usize;
        after = entries.last().map(|item| item.gong_call_id.clone());
        add(entries);
        if !full {
            return Ok(());
        }
    }
}
