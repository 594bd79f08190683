//! The client against the simulator over real HTTP on random ports: one test binary,
//! one module per concern (zero2prod's `tests/api` layout).

mod auth;
mod faults;
mod hardening;
mod helpers;
mod limits;
mod outcomes;
mod paging;
mod throughput;
