//! API and page tests against a real server on 127.0.0.1:0, a temp SQLite file and
//! the in-process Gong simulator (limits off). One test binary, modules by resource.

mod helpers;

mod accounts;
mod audit;
mod auth;
mod connections;
mod day_two;
mod hardening;
mod insights;
mod lifecycle;
mod oauth;
mod oidc;
mod oidc_provider;
mod openapi;
mod pages;
mod privacy;
mod quota;
mod roles;
mod security;
mod timeline;
mod ui;
mod users;
mod webhooks;
