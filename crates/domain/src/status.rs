//! Statuses and triggers of jobs, log records and user mappings.
//!
//! `Display` renders the exact spelling of SPEC.md; `FromStr` accepts it back
//! (case-insensitively), so stores and CLIs never hold statuses as free strings.

/// Declares an enum whose `Display`/`FromStr`/serde spelling is the given text; its
/// parse error lists the accepted values. Shared with the store's own closed sets.
#[macro_export]
macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $text]
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The SPEC spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| $crate::ParseEnumError::new($what, s, $name::ALL.iter().map(|v| v.as_str())))
            }
        }
    };
}

spelled_enum!(
    /// The status of a sync job (L1).
    JobStatus, "job status" {
        InProgress => "In progress",
        Success => "Success",
        PartialSuccess => "Partial success",
        Failed => "Failed",
    }
);

spelled_enum!(
    /// The status of one meeting's log record (L2).
    RecordStatus, "record status" {
        Created => "Created",
        Updated => "Updated",
        Skipped => "Skipped",
        Failed => "Failed",
        Removed => "Removed",
    }
);

spelled_enum!(
    /// The status of a Gong user's mapping to a Timeline user (U1).
    MappingStatus, "mapping status" {
        Mapped => "Mapped",
        Created => "Created",
        Conflict => "Conflict",
        Failed => "Failed",
    }
);

spelled_enum!(
    /// What started a job (L1).
    Trigger, "trigger" {
        Schedule => "schedule",
        Manual => "manual",
        Save => "save",
        Reevaluate => "reevaluate",
        Resync => "resync",
        Webhook => "webhook",
        Retention => "retention",
    }
);

impl Trigger {
    /// Whether a finished job of this trigger counts as a sync of the connection's
    /// window (and moves its "last sync"): a webhook batch reads a few pushed calls
    /// (W3) and a retention job reads nothing from Gong (G3), so neither does.
    pub fn syncs_the_window(self) -> bool {
        !matches!(self, Trigger::Webhook | Trigger::Retention)
    }
}

spelled_enum!(
    /// Whether a connection can be used, from the last contact with Gong (C6).
    ConnectionStatus, "connection status" {
        Pending => "Not yet authorised",
        Authorised => "Authorised",
        NeedsReauthorisation => "Needs re-authorisation",
        Unreachable => "Unreachable",
        Disabled => "Disabled",
    }
);

impl ConnectionStatus {
    /// The status shown to an admin: a connection whose "Sync Gong Meetings" toggle is
    /// off is Disabled whatever Gong last said; otherwise the stored status stands.
    pub fn shown(stored: ConnectionStatus, enabled: bool) -> ConnectionStatus {
        if enabled {
            stored
        } else {
            ConnectionStatus::Disabled
        }
    }

    /// Why a sync of a connection with this (shown) status cannot start, and what to
    /// do, or `None` when it may start. A connection needing re-authorisation or out of
    /// reach is still tried: the problem may have passed.
    pub fn sync_refusal(self, name: &str) -> Option<String> {
        match self {
            ConnectionStatus::Pending => Some(format!(
                "connection '{name}' is not yet authorised: authorise it with Gong first (web: Connectors > {name} > Authorize; CLI: `gong-timeline connection authorize --name '{name}'`)"
            )),
            ConnectionStatus::Disabled => Some(format!(
                "connection '{name}' is disabled: turn \"Sync Gong Meetings\" on in its settings (web: Timeline settings; CLI: `gong-timeline settings set --connection '{name}' --enabled true`)"
            )),
            _ => None,
        }
    }
}

impl JobStatus {
    /// The final status of a job from its counts: no failures is Success, some
    /// failures beside successes is Partial success, only failures is Failed.
    pub fn from_counts(succeeded: u64, failed: u64) -> JobStatus {
        match (succeeded, failed) {
            (_, 0) => JobStatus::Success,
            (0, _) => JobStatus::Failed,
            _ => JobStatus::PartialSuccess,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_render_and_parse_with_the_spec_spelling() {
        assert_eq!(JobStatus::PartialSuccess.to_string(), "Partial success");
        assert_eq!(
            "In progress".parse::<JobStatus>().unwrap(),
            JobStatus::InProgress
        );
        assert_eq!(
            "conflict".parse::<MappingStatus>().unwrap(),
            MappingStatus::Conflict
        );
        let err = "Done".parse::<RecordStatus>().unwrap_err().to_string();
        assert!(err.contains("Created, Updated, Skipped, Failed"), "{err}");
    }

    #[test]
    fn connection_statuses_are_spelled_as_c6_says() {
        let spelled: Vec<&str> = ConnectionStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            spelled,
            [
                "Not yet authorised",
                "Authorised",
                "Needs re-authorisation",
                "Unreachable",
                "Disabled"
            ]
        );
    }

    #[test]
    fn a_disabled_or_unauthorised_connection_refuses_syncs_saying_what_to_do() {
        let shown = ConnectionStatus::shown(ConnectionStatus::Authorised, false);
        assert_eq!(shown, ConnectionStatus::Disabled);
        let why = shown.sync_refusal("Acme").expect("refused");
        assert!(why.contains("--enabled true"), "{why}");
        let why = ConnectionStatus::Pending
            .sync_refusal("Acme")
            .expect("refused");
        assert!(why.contains("authorise it"), "{why}");
        for tried in [
            ConnectionStatus::Authorised,
            ConnectionStatus::NeedsReauthorisation,
            ConnectionStatus::Unreachable,
        ] {
            assert_eq!(tried.sync_refusal("Acme"), None);
        }
    }

    #[test]
    fn job_status_follows_its_counts() {
        assert_eq!(JobStatus::from_counts(3, 0), JobStatus::Success);
        assert_eq!(JobStatus::from_counts(0, 0), JobStatus::Success);
        assert_eq!(JobStatus::from_counts(3, 1), JobStatus::PartialSuccess);
        assert_eq!(JobStatus::from_counts(0, 2), JobStatus::Failed);
    }
}
