//! gong_timeline_store.
