//! How the process gives memory back: the two allocators' settings, made once at
//! start, before any other thread runs. The only unsafe code of the binary: two calls
//! into C libraries' documented option setters.
//!
//! `bench --calls 100000` (README, Performance) measured each: mimalloc's default
//! holds freed pages for 1 s before returning them, and glibc's malloc (which SQLite's
//! C code uses) gives each of SQLite's connection threads its own arena, whose freed
//! memory stays with it. Each kept 10–12 MB more resident at the peak; the two
//! settings together cost about 1 s of system time and 5 % of the sync's speed at
//! 100,000 calls.
#![allow(unsafe_code)]

/// mimalloc's `mi_option_purge_delay` (v3's `mimalloc.h`; the Rust bindings name only
/// the stable options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds before mimalloc returns freed pages to the system: mimalloc v2's
/// default (v3's is 1,000).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// glibc malloc arenas: one for the whole process (SQLite's threads take turns; its
/// allocations are few next to its work).
const ARENAS: std::ffi::c_int = 1;

/// Applies both settings; called first thing in `main`.
pub fn tune() {
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
}
