//! The process's resident memory as the benches report it (Linux's `/proc`; 0
//! elsewhere): now, the peak, and [`Phases`], which restarts the peak so that each
//! phase of a run is measured alone while the run's peak is kept.

/// The peaks of a run's phases, and of the whole run.
#[derive(Debug, Default)]
pub(super) struct Phases {
    run: u64,
}

impl Phases {
    /// Ends a phase: its peak (from the resident set at its start), counted in the
    /// run's; the next phase starts now.
    pub(super) fn end_phase(&mut self) -> u64 {
        let phase = peak_bytes();
        self.run = self.run.max(phase);
        restart_peak();
        phase
    }

    /// The whole run's peak so far.
    pub(super) fn run_peak(&self) -> u64 {
        self.run.max(peak_bytes())
    }
}

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
fn restart_peak() {
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
