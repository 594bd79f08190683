//! Integration tests of the `gong-timeline` binary against the Gong simulator: one
//! test binary, one module per area, shared set-up in [`helpers`].

mod accounts;
mod audit;
mod commands;
mod companies;
mod connection;
mod content;
mod db;
mod erasure;
mod hardening;
mod helpers;
mod import;
mod lifecycle;
mod lifecycle_gong;
mod log;
mod meeting_filters;
mod meeting_store;
mod pending;
mod quota;
mod readme;
mod replicas;
mod resilience;
mod retention;
mod search;
mod settings;
mod shapes;
mod sync;
mod users;
mod webhooks;
