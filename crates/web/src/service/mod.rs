//! What the UI and the API both do, each in one place; handlers extract, call these
//! and render the result (a page or JSON). Nothing here renders. It uses `state`
//! and `auth`, which never use it, and never `ui` or `api`.
//!
//! - [`audit`]: recording each admin change (A4) and reading the log.
//! - [`lookup`]: the one look-up by id of a connection, a job, an activity, a
//!   company, and so the one "does not exist".
//! - [`connections`]: create (either kind), change, delete, the overview.
//! - [`oauth`]: the OAuth flow (consent URL with a bound `state`, callback).
//! - [`settings`]: preview, Save (validate → store → sync), settings errors' fields.
//! - [`runs`]: syncs started from the web, in the background; their status.
//! - [`users`]: a Gong user's suggested users, resolving a conflict, the user search.
//! - [`imports`]: CSV imports (the CLI's path) and bad rows as cells.
//! - [`webhooks`]: a connection's Gong webhook set-up and view.
//! - [`exports`]: .xlsx exports with expiry.
//! - [`media`]: recordings loaded live from Gong.
//! - [`hosts`]: allowed Gong hosts (no SSRF).
//! - [`tokens`]: API tokens (also `admin token`).
//! - [`erasures`]: erasing a person by email (G2), and the receipts.
//! - [`pending`]: a connection's stored meetings not on the Timeline, by reason,
//!   and their re-evaluation (#20 item 4).
//! - [`roles`]: granting sign-in to a Timeline user, changing a role, removing a
//!   sign-in (A1), recording an account single sign-on made, token scopes no wider
//!   than the role (A3). What each role may reach is `crate::auth::roles`.
//! - [`quota`]: Gong's quota: a connection's usage, its budget and rate, the
//!   re-sync estimate (Q1, Q3, Q4).

pub mod audit;
pub mod connections;
pub mod erasures;
pub mod exports;
pub mod hosts;
pub mod imports;
pub mod lookup;
pub mod media;
pub mod oauth;
pub mod pending;
pub mod quota;
pub mod roles;
pub mod runs;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod webhooks;
