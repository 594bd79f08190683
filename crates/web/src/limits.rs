//! The most a request body may carry, where the guards, the routes and the error
//! that refuses an upload all read it.

/// Largest form body (not an upload) the CSRF check reads.
pub const FORM_LIMIT: usize = 1 << 20;
/// Largest upload (a CSV import) a multipart form or an API import may carry.
pub const UPLOAD_LIMIT: usize = 16 << 20;
