//! The conformance suite every [`Store`] adapter must pass (feature `testing`).
//!
//! Each check is an `async fn(&dyn Store)` that expects a fresh, migrated, empty
//! store and panics on failure. An adapter runs all of them, one test each, with
//! [`conformance_tests!`](crate::conformance_tests):
//!
//! ```ignore
//! async fn fresh() -> (Box<dyn Store>, tempfile::TempDir) { /* open a temp database */ }
//! gong_timeline_store::conformance_tests!(fresh);
//! ```

mod accounts;
mod activities;
mod audit;
mod auth;
mod connections;
mod directory;
mod erasure;
pub mod fixtures;
mod jobs;
mod meetings;
mod outcomes;
mod quota;
mod tokens;
mod transcripts;
mod webhooks;

pub use accounts::*;
pub use activities::*;
pub use audit::*;
pub use auth::*;
pub use connections::*;
pub use directory::*;
pub use erasure::*;
pub use jobs::*;
pub use meetings::*;
pub use outcomes::*;
pub use quota::*;
pub use tokens::*;
pub use transcripts::*;
pub use webhooks::*;

#[allow(unused_imports)]
use crate::Store;

/// What an adapter's `fresh` returns: `(store, guard)`, or `Option<(store, guard)>`
/// for a database that may be absent (then `None` skips the test; the adapter prints
/// why, and fails instead when its CI variable requires the database).
pub trait Fresh {
    /// The store (derefs to `dyn Store`).
    type Store;
    /// Lives until the test ends (a temp dir, a schema to drop).
    type Guard;
    /// The store and guard, or `None` to skip.
    fn into_fresh(self) -> Option<(Self::Store, Self::Guard)>;
}

impl<S, G> Fresh for (S, G) {
    type Store = S;
    type Guard = G;
    fn into_fresh(self) -> Option<(S, G)> {
        Some(self)
    }
}

impl<S, G> Fresh for Option<(S, G)> {
    type Store = S;
    type Guard = G;
    fn into_fresh(self) -> Option<(S, G)> {
        self
    }
}

/// Expands to one `#[tokio::test]` per conformance check. `$make` is an async fn
/// returning `(store, guard)` or `Option<(store, guard)>` (see [`Fresh`]): the store
/// derefs to `dyn Store` (a `Box` or `Arc`), the guard lives until the test ends.
/// Attributes after it go on every test (e.g. an `ignore` with the reason when the
/// database is not configured).
#[macro_export]
macro_rules! conformance_tests {
    ($make:path $(, #[$attr:meta])*) => {
        $crate::conformance_tests!(@each $make, [$(#[$attr])*],
            seeded_activity_types_exist,
            imports_insert_then_update_without_duplicates,
            a_bad_company_row_stores_nothing,
            a_person_of_an_unknown_company_stores_nothing,
            users_may_share_an_email,
            declared_field_types_are_kept_and_replaced,
            created_users_get_ids_in_order,
            concurrent_ic_creations_of_one_email_make_one_user,
            connections_keep_credentials_sealed,
            oauth_tokens_are_saved_in_place,
            token_rotations_run_one_at_a_time,
            a_kept_or_failed_rotation_saves_nothing,
            only_oauth_connections_rotate_tokens,
            connections_are_renamed_and_repointed,
            a_schedule_slot_is_claimed_once_per_connection,
            deleting_a_connection_keeps_activities_and_the_log,
            settings_default_until_saved,
            manual_mappings_survive_automatic_mapping,
            one_job_per_connection_at_a_time,
            a_job_with_a_lapsed_lease_is_interrupted,
            jobs_filter_by_date_status_and_connection,
            job_pages_break_ties_by_id,
            finishing_a_job_sets_counts_and_last_sync,
            a_finished_job_keeps_its_gong_requests_and_429s,
            commit_page_upserts_by_external_id,
            commit_page_is_all_or_nothing,
            commit_pages_writes_a_group_in_order_or_nothing,
            a_page_of_any_size_writes_and_reads_every_row,
            a_commit_after_an_earlier_one_waits_for_its_outcome,
            commit_page_removes_activities_and_keeps_their_records,
            skip_marks_are_replaced_and_removed_in_the_page,
            checkpoint_only_moves_forward,
            retry_list_bumps_lists_and_prunes,
            retry_list_reads_in_pages_by_call_id,
            log_records_page_and_filter,
            record_counts_are_stored_with_the_job,
            activities_list_newest_first_with_company_and_author,
            exports_outlive_their_files,
            a_jobs_live_exports_are_listed_newest_first,
            admins_are_unique_by_username,
            accounts_have_a_role,
            a_removed_sign_in_ends_sessions_and_tokens_and_can_be_given_back,
            the_last_admin_stays_under_concurrent_demotions,
            sessions_expire_and_end,
            api_tokens_are_found_by_hash_and_revoked,
            a_password_reset_ends_the_admins_sessions,
            oauth_states_are_taken_once_before_they_expire,
            api_tokens_expire_and_note_their_last_use,
            sec2_log_in_attempts_are_counted_and_locked_out_in_the_store,
            stored_meetings_ride_with_the_page,
            a_writer_that_lost_its_lease_writes_nothing,
            resume_point_rides_with_the_page,
            webhooks_are_found_by_key_and_rotated,
            webhook_calls_are_queued_once_and_leave_with_their_page,
            a_webhook_job_does_not_count_as_the_slots_sync,
            erasure_removes_every_trace_and_keeps_a_receipt,
            erasure_anonymises_timeline_users_with_the_address,
            retention_purges_what_is_older_in_bounded_batches,
            an_erased_person_does_not_come_back_with_a_later_page,
            a_page_forgets_calls_deleted_in_gong,
            quota_settings_default_and_are_kept_per_connection,
            gong_request_counts_add_up_and_are_pruned,
            call_outcomes_are_cached_per_connection_and_replaced,
            activities_are_searched_by_subject_notes_attendees_and_trackers,
            activity_content_is_kept_and_read_back,
            transcripts_are_kept_searched_and_go_with_their_activity,
            audit_entries_are_listed_newest_first_and_pruned,
            one_call_is_one_activity_whichever_connection_writes_it,
            a_replacing_connection_takes_the_activities_and_accounts_are_kept
        );
    };
    (@each $make:path, $attrs:tt, $name:ident $(, $rest:ident)* $(,)?) => {
        $crate::conformance_tests!(@one $make, $attrs, $name);
        $crate::conformance_tests!(@each $make, $attrs $(, $rest)*);
    };
    (@each $make:path, $attrs:tt $(,)?) => {};
    (@one $make:path, [$(#[$attr:meta])*], $name:ident) => {
        #[tokio::test]
        $(#[$attr])*
        async fn $name() {
            let Some((store, _guard)) = $crate::conformance::Fresh::into_fresh($make().await)
            else {
                return; // the adapter's database is not configured here (it said so)
            };
            $crate::conformance::$name(&*store).await;
        }
    };
}
