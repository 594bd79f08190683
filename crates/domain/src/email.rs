//! Email addresses as the rules compare them.
//!
//! Gong, the CSV imports and the store all spell addresses their own way
//! (`Alice@Acme.com `, `alice@acme.com`). [`Email::parse`] turns any of them into one
//! canonical form — trimmed and lowercased — so that matching attendees to persons (R2,
//! S3) and owners to users (U1) is a plain equality. It accepts an address with exactly
//! one `@`, something on both sides of it, and no whitespace inside; it does not try to
//! be RFC 5322.

use serde::{Deserialize, Serialize};

/// A trimmed, lowercased email address with one `@` and non-empty sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a string is not an [`Email`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid email '{value}': {reason}")]
pub struct EmailError {
    value: String,
    reason: &'static str,
}

impl Email {
    /// Parses an address: trims it, lowercases it and checks its shape.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let fail = |reason| EmailError {
            value: raw.to_string(),
            reason,
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(fail("it contains whitespace"));
        }
        let mut parts = trimmed.split('@');
        let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
            (Some(local), Some(domain), None) => (local, domain),
            (_, None, _) => return Err(fail("it has no '@'")),
            _ => return Err(fail("it has more than one '@'")),
        };
        if local.is_empty() || domain.is_empty() {
            return Err(fail("both sides of the '@' must be non-empty"));
        }
        Ok(Email(trimmed.to_lowercase()))
    }

    /// The canonical (lowercase) address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let email = Email::parse("  Alice@ACME.com \n").unwrap();
        assert_eq!(email.as_str(), "alice@acme.com");
        assert_eq!(email, Email::parse("alice@acme.com").unwrap());
    }

    #[test]
    fn malformed_emails_are_refused_with_a_reason() {
        for (raw, reason) in [
            ("", "empty"),
            ("   ", "empty"),
            ("alice.acme.com", "no '@'"),
            ("a@b@c", "more than one"),
            ("@acme.com", "non-empty"),
            ("alice@", "non-empty"),
            ("al ice@acme.com", "whitespace"),
        ] {
            let err = Email::parse(raw).unwrap_err().to_string();
            assert!(err.contains(reason), "{raw:?}: {err}");
        }
    }

    #[test]
    fn emails_serialise_as_plain_strings_and_validate_on_the_way_in() {
        let email: Email = serde_json::from_str("\"Bob@Example.org\"").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            "\"bob@example.org\""
        );
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
