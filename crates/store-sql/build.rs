//! Says whether the PostgreSQL tests can run here: with `GONG_TIMELINE_TEST_POSTGRES`
//! (a database URL) or `REQUIRE_POSTGRES=1` (CI: a missing database then fails them),
//! `cfg(postgres_tests)` is set; without either, those tests report themselves as
//! ignored with the reason, instead of passing without running. It also rebuilds the
//! crate when a migration is added.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=GONG_TIMELINE_TEST_POSTGRES");
    println!("cargo::rerun-if-env-changed=REQUIRE_POSTGRES");
    // `sqlx::migrate!` embeds the migrations: a new one must rebuild the crate.
    println!("cargo::rerun-if-changed=migrations");
    let url = std::env::var("GONG_TIMELINE_TEST_POSTGRES").unwrap_or_default();
    let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    if !url.trim().is_empty() || required {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
