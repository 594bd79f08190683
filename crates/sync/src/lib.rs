//! gong_timeline_sync.
pub mod export;
