//! How the process uses and gives back memory: the allocators' settings and SQLite's
//! statement-journal threshold, made once at start, before any other thread runs and
//! before SQLite starts. The only unsafe code of the binary: three calls into C
//! libraries' documented option setters.
//!
//! `bench --calls 100000` (README, Performance) measured each: mimalloc's default
//! holds freed pages for 1 s before returning them, and glibc's malloc (which SQLite's
//! C code uses) gives each of SQLite's connection threads its own arena, whose freed
//! memory stays with it. Each kept 10–12 MB more resident at the peak; the two
//! settings together cost about 1 s of system time and 5 % of the sync's speed at
//! 100,000 calls.
#![allow(unsafe_code)]

use std::ffi::c_int;

/// mimalloc's `mi_option_purge_delay` (v3's `mimalloc.h`; the Rust bindings name only
/// the stable options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds before mimalloc returns freed pages to the system: mimalloc v2's
/// default (v3's is 1,000).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// glibc malloc arenas: one for the whole process (SQLite's threads take turns; its
/// allocations are few next to its work).
const ARENAS: c_int = 1;

/// Bytes of a statement journal SQLite keeps in memory before it spills the rest to a
/// temporary file (SQLite's default is 64 KiB). Each multi-row upsert inside a write
/// transaction copies the pages it changes into one; a page of 100 meetings with
/// their AI content passes 64 KiB, and writing it to a file was 3 % of a sync's
/// samples. 4 MiB holds a page commit's statements; a statement that changes a whole
/// connection (moving its activities, deleting its stored meetings) still spills
/// past it, so memory stays bounded however large the data (unlike
/// `temp_store = MEMORY`, which never spills).
const STATEMENT_JOURNAL_SPILL_BYTES: c_int = 4 << 20;

/// A setting SQLite refused; the product runs as before, only slower on wide writes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Untuned {
    #[error(
        "SQLite refused the statement-journal threshold (code {0}): it must be set before SQLite starts; wide writes spill to temporary files"
    )]
    StatementJournalSpill(c_int),
}

/// Applies every setting; called first thing in `main`, before any thread or database.
pub fn tune() -> Result<(), Untuned> {
    // SAFETY: `mi_option_set` is mimalloc's documented option setter, called before
    // any other thread exists (it is not thread-safe); an option index it does not
    // know is ignored.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a tunable of glibc's malloc; it is called before
    // any other thread exists. A refusal (0) leaves glibc's default, which is safe.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
    spill_statement_journals_past(STATEMENT_JOURNAL_SPILL_BYTES)
}

fn spill_statement_journals_past(bytes: c_int) -> Result<(), Untuned> {
    // SAFETY: `sqlite3_config` is SQLite's documented process-wide setter; with
    // `SQLITE_CONFIG_STMTJRNL_SPILL` it takes one `int`. It is not thread-safe and
    // only works before `sqlite3_initialize` (otherwise `SQLITE_MISUSE`, no change),
    // which is why it runs before any other thread exists.
    let code = unsafe {
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_STMTJRNL_SPILL, bytes)
    };
    match code {
        libsqlite3_sys::SQLITE_OK => Ok(()),
        refused => Err(Untuned::StatementJournalSpill(refused)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_index_is_mimallocs_purge_delay() {
        // A drift of the index between mimalloc versions would set another option:
        // the purge delay's default (1,000 ms in v3) identifies it, unless the
        // environment set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(default, 1000);
        }
    }

    /// Set in the child process `sqlite_takes_the_threshold_only_before_it_starts`
    /// starts; other tests of this binary may have started SQLite already.
    const CHILD: &str = "GONG_TIMELINE_MEMORY_TEST_CHILD";

    #[test]
    fn sqlite_takes_the_threshold_only_before_it_starts() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "memory::tests::in_a_fresh_process",
                "--exact",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{printed}");
        assert!(printed.contains("1 passed"), "{printed}");
    }

    /// Only does its work in the process the test above starts.
    #[test]
    fn in_a_fresh_process() {
        if std::env::var_os(CHILD).is_none() {
            return;
        }
        assert_eq!(tune(), Ok(()));
        // SAFETY: SQLite's documented initializer, safe to call more than once.
        assert_eq!(unsafe { libsqlite3_sys::sqlite3_initialize() }, 0);
        assert_eq!(
            spill_statement_journals_past(STATEMENT_JOURNAL_SPILL_BYTES),
            Err(Untuned::StatementJournalSpill(
                libsqlite3_sys::SQLITE_MISUSE
            ))
        );
    }
}
