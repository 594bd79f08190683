//! gong_timeline_sync.
