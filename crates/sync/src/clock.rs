//! Where "now" comes from: the engine's clock, a fixed one in tests. Its own module
//! so that the job's stages and the lease keeper read it without depending on the
//! engine.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Where "now" comes from; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;
