//! What the UI and the API both do, each in one place: start a sync in the
//! background, run the OAuth flow, make and serve .xlsx exports, load a recording
//! live from Gong, check Gong hosts, make API tokens. Handlers call these and render the result.

pub mod connections;
pub mod exports;
pub mod hosts;
pub mod media;
pub mod oauth;
pub mod runs;
pub mod tokens;
pub mod webhooks;
