//! Runs the store's conformance suite against PostgreSQL: a fresh schema per test
//! in the database named by `GONG_TIMELINE_TEST_POSTGRES` (see `.ci/postgres.sh`).
//! Without it the tests skip with one line saying how to run them, unless
//! `REQUIRE_POSTGRES=1`, which makes its absence a failure.

mod common;

gong_timeline_store::conformance_tests!(common::fresh_or_skip);
