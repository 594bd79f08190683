//! gong_timeline_web.
