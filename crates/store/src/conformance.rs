//! The conformance suite every [`crate::Store`] adapter must pass (feature `testing`).
