//! Runs the store's conformance suite against PostgreSQL: a fresh schema per test
//! in the database named by `GONG_TIMELINE_TEST_POSTGRES` (see `.ci/postgres.sh`).
//! Without it (and without `REQUIRE_POSTGRES=1`, which makes its absence a failure)
//! the tests report themselves as ignored, saying how to run them (see `build.rs`).

mod common;

gong_timeline_store::conformance_tests!(
    common::fresh_or_skip,
    #[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: export GONG_TIMELINE_TEST_POSTGRES=$(.ci/postgres.sh start /tmp/pg) to run it")]
);
