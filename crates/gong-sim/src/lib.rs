//! gong_timeline_gong_sim.
