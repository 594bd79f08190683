//! The process's resident memory as the benches report it (Linux's `/proc`; 0
//! elsewhere): now, the peak, and the peak restarted so one phase is measured alone.

/// The resident set now (VmRSS).
pub(super) fn current_bytes() -> u64 {
    status_kib("VmRSS:") * 1024
}

/// The peak resident set since the start or the last [`restart_peak`] (VmHWM).
pub(super) fn peak_bytes() -> u64 {
    status_kib("VmHWM:") * 1024
}

/// Restarts the peak at the resident set now (`5` to `/proc/self/clear_refs`, see
/// proc(5)), so the next [`peak_bytes`] is one phase's. Where that is refused the
/// peak keeps counting from the start, which only overstates a phase.
pub(super) fn restart_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}
