//! The messages SPEC.md fixes verbatim, as one enum rendered in exactly one place.
//!
//! Users search for these strings: change nothing but the product name, which
//! stands where the source document says "Gainsight".

use serde::{Deserialize, Serialize};

/// The product's name, in place of "Gainsight" in the source document's messages.
pub const PRODUCT_NAME: &str = "gong-timeline";

/// A person named in a message: who Gong says they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GongPerson {
    /// Display name from Gong (may be empty).
    pub name: String,
    /// Email address from Gong (may be empty).
    pub email: String,
    /// Gong's user id.
    pub gong_user_id: String,
}

/// A message shown on the Timeline or written to a log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// S5: the recording could not be loaded live from Gong.
    VideoFailedToLoad,
    /// S4: the meeting has no tracker data.
    TrackersFailedToLoad,
    /// R3: CRM context or external attendees existed, but matched nothing.
    CompanyNotFound,
    /// R3: neither CRM context nor external attendees.
    CompanyInfoNotPresent,
    /// U4: the owner exists only as an inactive user.
    OrganiserInactive(GongPerson),
    /// U6: the owner is not (yet) mapped to a Timeline user.
    AuthorNotPresent(GongPerson),
    /// S2: a private meeting is never synced.
    SkippedPrivate,
    /// S2: a synced meeting became private in Gong; its activity left the Timeline.
    PrivateRemoved,
    /// G1: Gong no longer has the call; its activity left the Timeline.
    DeletedInGong,
    /// R2: several companies had as many matched attendees; the lowest id won.
    ContactsTie {
        /// The company chosen.
        chosen: String,
        /// Every tied company, the chosen one included.
        tied: Vec<String>,
    },
    /// T3: the meeting did not pass the connection's filters.
    SkippedByFilter {
        /// The filter expression, as the admin wrote it.
        filter: String,
    },
    /// U3/U7: the owner's email matches several users and the tie could not be broken.
    OwnerInConflict(GongPerson),
    /// Anything else, already phrased for a human.
    Other(String),
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::VideoFailedToLoad => f.write_str("This Video/Meeting Link has failed to load."),
            Message::TrackersFailedToLoad => f.write_str("The Trackers have failed to load."),
            Message::CompanyNotFound => {
                f.write_str("Account and Contact data not found for Company Resolution.")
            }
            Message::CompanyInfoNotPresent => {
                f.write_str("CompanyId and Attendees information not present.")
            }
            Message::OrganiserInactive(p) => write!(
                f,
                "Call organiser is inactive in {PRODUCT_NAME}. Name: {},: Email: {}, Gong userId: {}",
                p.name, p.email, p.gong_user_id
            ),
            Message::AuthorNotPresent(p) => write!(
                f,
                "Activity Author {} EmailId {} GongId {} not present in {PRODUCT_NAME}. Sync re-try will happen once the system creates a user with an IC license type.",
                p.name, p.email, p.gong_user_id
            ),
            Message::SkippedPrivate => f.write_str("Private meeting: not synced."),
            Message::DeletedInGong => f.write_str("Deleted in Gong"),
            Message::PrivateRemoved => f.write_str(
                "Private meeting: not synced; its earlier activity was removed from the Timeline.",
            ),
            Message::ContactsTie { chosen, tied } => write!(
                f,
                "Company resolved by contacts: {} matched as many attendees; {chosen} was chosen (the first imported).",
                tied.join(", ")
            ),
            Message::SkippedByFilter { filter } => {
                write!(f, "Skipped: the meeting does not match the filters ({filter}).")
            }
            Message::OwnerInConflict(p) => write!(
                f,
                "Activity Author {} EmailId {} GongId {} matches several users in {PRODUCT_NAME}; resolve the conflict in User Management and the meeting is retried at the next sync.",
                p.name, p.email, p.gong_user_id
            ),
            Message::Other(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abc() -> GongPerson {
        GongPerson {
            name: "abc".into(),
            email: "abc@xyz.com".into(),
            gong_user_id: "6010101010101010101".into(),
        }
    }

    #[test]
    fn u6_message_is_verbatim() {
        assert_eq!(
            Message::AuthorNotPresent(abc()).to_string(),
            "Activity Author abc EmailId abc@xyz.com GongId 6010101010101010101 not present in gong-timeline. Sync re-try will happen once the system creates a user with an IC license type."
        );
    }

    #[test]
    fn u4_message_is_verbatim() {
        assert_eq!(
            Message::OrganiserInactive(abc()).to_string(),
            "Call organiser is inactive in gong-timeline. Name: abc,: Email: abc@xyz.com, Gong userId: 6010101010101010101"
        );
    }

    #[test]
    fn r3_s4_s5_messages_are_verbatim() {
        assert_eq!(
            Message::CompanyNotFound.to_string(),
            "Account and Contact data not found for Company Resolution."
        );
        assert_eq!(
            Message::CompanyInfoNotPresent.to_string(),
            "CompanyId and Attendees information not present."
        );
        assert_eq!(
            Message::TrackersFailedToLoad.to_string(),
            "The Trackers have failed to load."
        );
        assert_eq!(
            Message::VideoFailedToLoad.to_string(),
            "This Video/Meeting Link has failed to load."
        );
    }
}
