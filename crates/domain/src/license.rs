//! License types and user status of Timeline users, with the tiers U3 ranks them by.

use crate::spelled_enum;

spelled_enum!(
    /// A Timeline user's license type.
    LicenseType, "license type" {
        Full => "Full",
        ViewerAnalytics => "Viewer+Analytics",
        Viewer => "Viewer",
        InternalCollaborator => "Internal Collaborator",
        External => "External",
        Partner => "Partner",
        System => "System",
        Guest => "Guest",
    }
);

spelled_enum!(
    /// Whether a Timeline user is active.
    UserStatus, "user status" {
        Active => "active",
        Inactive => "inactive",
    }
);

impl LicenseType {
    /// Paid licenses (Full, Viewer + Analytics, Viewer) beat unpaid ones (U3).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            LicenseType::Full | LicenseType::ViewerAnalytics | LicenseType::Viewer
        )
    }

    /// External-type licenses (External, Partner, System, Guest): an owner whose only
    /// match has one gets a new Internal Collaborator user instead (U5).
    pub fn is_external(self) -> bool {
        matches!(
            self,
            LicenseType::External | LicenseType::Partner | LicenseType::System | LicenseType::Guest
        )
    }

    /// Rank for conflict resolution: higher wins. Full > Viewer+Analytics > Viewer >
    /// every unpaid license, which all rank the same (U3).
    pub fn tier(self) -> u8 {
        match self {
            LicenseType::Full => 3,
            LicenseType::ViewerAnalytics => 2,
            LicenseType::Viewer => 1,
            _ => 0,
        }
    }
}

impl std::str::FromStr for LicenseTypeLenient {
    type Err = crate::ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let squashed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        match squashed.to_ascii_lowercase().as_str() {
            "ic" | "internalcollaborator" => {
                Ok(LicenseTypeLenient(LicenseType::InternalCollaborator))
            }
            "viewer+analytics" | "vieweranalytics" => {
                Ok(LicenseTypeLenient(LicenseType::ViewerAnalytics))
            }
            _ => s.parse().map(LicenseTypeLenient),
        }
    }
}

/// A license type parsed from user input, accepting "IC" and spacing variants
/// ("Viewer + Analytics") besides the SPEC spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenseTypeLenient(pub LicenseType);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_types_parse_from_the_import_spelling() {
        assert_eq!(
            "Viewer+Analytics".parse::<LicenseType>().unwrap(),
            LicenseType::ViewerAnalytics
        );
        assert_eq!(
            "internal collaborator".parse::<LicenseType>().unwrap(),
            LicenseType::InternalCollaborator
        );
        assert_eq!(
            "Viewer + Analytics"
                .parse::<LicenseTypeLenient>()
                .unwrap()
                .0,
            LicenseType::ViewerAnalytics
        );
        assert_eq!(
            "IC".parse::<LicenseTypeLenient>().unwrap().0,
            LicenseType::InternalCollaborator
        );
        let err = "Admin".parse::<LicenseType>().unwrap_err().to_string();
        assert!(
            err.contains("Full, Viewer+Analytics, Viewer, Internal Collaborator"),
            "{err}"
        );
    }

    #[test]
    fn u3_tiers_order_paid_licenses_above_unpaid() {
        assert!(LicenseType::Full.tier() > LicenseType::ViewerAnalytics.tier());
        assert!(LicenseType::ViewerAnalytics.tier() > LicenseType::Viewer.tier());
        assert!(LicenseType::Viewer.tier() > LicenseType::InternalCollaborator.tier());
        assert_eq!(
            LicenseType::InternalCollaborator.tier(),
            LicenseType::External.tier()
        );
        assert!(
            LicenseType::Guest.is_external() && !LicenseType::InternalCollaborator.is_external()
        );
    }
}
