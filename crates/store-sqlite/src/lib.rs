//! gong_timeline_store_sqlite.
