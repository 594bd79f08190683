//! Gong's data-privacy endpoints: erase everything Gong holds for an email address,
//! and read what it still holds (to follow an erasure until it is done).

use reqwest::Method;

use super::transport::{ApiRequest, Reply};
use super::GongClient;
use crate::error::GongError;
use crate::wire::decode;
use crate::wire::privacy::{EmailData, EraseResponse};

const ERASE: &str = "/v2/data-privacy/erase-data-for-email-address";
const DATA: &str = "/v2/data-privacy/data-for-email-address";

impl GongClient {
    /// Asks Gong to delete every call, email, lead and contact that references
    /// `email`; returns Gong's request reference. Gong does it later (hours, says its
    /// documentation): follow it with [`GongClient::data_for_email`]. Gong's refusals
    /// (a 400 when its data-integrity protection finds too much to delete) are
    /// [`GongError::Api`] with Gong's own message.
    pub async fn erase_data_for_email(&self, email: &str) -> Result<Option<String>, GongError> {
        let body = self.privacy_request(Method::POST, ERASE, email).await?;
        let parsed: EraseResponse = decode::parse(ERASE, &body)?;
        Ok(parsed.request_id)
    }

    /// What Gong still holds for `email`.
    pub async fn data_for_email(&self, email: &str) -> Result<EmailData, GongError> {
        let body = self.privacy_request(Method::GET, DATA, email).await?;
        decode::parse(DATA, &body)
    }

    async fn privacy_request(
        &self,
        method: Method,
        path: &'static str,
        email: &str,
    ) -> Result<Vec<u8>, GongError> {
        let req = ApiRequest {
            method,
            path,
            query: vec![("emailAddress", email.to_owned())],
            body: None,
        };
        match self.inner.execute(&req).await? {
            Reply::Body(bytes) => Ok(bytes),
            // Gong answers these endpoints with data, never "no calls found"; if it
            // did, nothing references the address.
            Reply::NoCalls => Ok(b"{}".to_vec()),
        }
    }
}
