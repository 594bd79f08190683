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
    }
);

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
    fn job_status_follows_its_counts() {
        assert_eq!(JobStatus::from_counts(3, 0), JobStatus::Success);
        assert_eq!(JobStatus::from_counts(0, 0), JobStatus::Success);
        assert_eq!(JobStatus::from_counts(3, 1), JobStatus::PartialSuccess);
        assert_eq!(JobStatus::from_counts(0, 2), JobStatus::Failed);
    }
}
