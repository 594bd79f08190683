//! Integration tests of the `gong-timeline` binary against the Gong simulator: one
//! test binary, one module per area, shared set-up in [`helpers`].

mod helpers;
mod sync;
mod companies;
mod users;
mod log;
mod settings;
