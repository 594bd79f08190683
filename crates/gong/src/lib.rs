//! gong_timeline_gong.
