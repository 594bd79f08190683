//! The simulator's background tasks — the new-call timer and the webhook
//! dispatcher — started with the server and aborted when it stops.

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::state::SimState;
use crate::{arrivals, webhook};

/// Running background tasks; dropping this aborts them.
#[derive(Debug)]
pub struct Workers {
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts the tasks for `state` on the current runtime.
    pub fn spawn(state: &Arc<SimState>) -> Workers {
        Workers {
            tasks: vec![
                tokio::spawn(arrivals::run_timer(state.clone())),
                tokio::spawn(webhook::dispatch(state.clone())),
            ],
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
