//! Word lists the generator draws names, titles and prose from.

/// First names.
pub const FIRST: &[&str] = &[
    "Lena", "Marcus", "Priya", "Tomas", "Aisha", "Kenji", "Sofia", "Daniel", "Mei", "Oliver",
    "Fatima", "Lucas", "Hannah", "Mateo", "Chloe", "Ravi", "Elena", "Noah", "Zara", "Ethan",
    "Ingrid", "Samuel", "Yara", "Jonas", "Amara", "Felix", "Nadia", "Leo", "Clara", "Omar",
    "Greta", "Victor", "Isla", "Hugo", "Maya", "Arjun", "Lucia", "Theo", "Rosa", "Kai",
];

/// Last names.
pub const LAST: &[&str] = &[
    "Ortiz",
    "Hale",
    "Patel",
    "Novak",
    "Khan",
    "Tanaka",
    "Rossi",
    "Weber",
    "Chen",
    "Brooks",
    "Haddad",
    "Silva",
    "Schmidt",
    "Garcia",
    "Dubois",
    "Iyer",
    "Petrova",
    "Kim",
    "Ali",
    "Walsh",
    "Larsen",
    "Okafor",
    "Mendes",
    "Berg",
    "Nwosu",
    "Fischer",
    "Popescu",
    "Moreau",
    "Costa",
    "Reyes",
    "Lindqvist",
    "Kowalski",
    "Byrne",
    "Sato",
    "Andersen",
    "Mehta",
    "Romero",
    "Quinn",
    "Varga",
    "Nakamura",
];

/// First words of company names.
pub const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluepeak",
    "Ironwood",
    "Silverline",
    "Redwood",
    "Brightpath",
    "Cobalt",
    "Evergreen",
    "Summit",
    "Harbor",
    "Lumen",
    "Granite",
    "Sterling",
    "Maple",
    "Orbit",
    "Quartz",
];

/// Second words of company names.
pub const COMPANY_B: &[&str] = &[
    "Analytics",
    "Logistics",
    "Health",
    "Robotics",
    "Foods",
    "Energy",
    "Capital",
    "Software",
    "Retail",
    "Media",
    "Labs",
    "Systems",
];

/// Industries (a company field usable in filters).
pub const INDUSTRIES: &[&str] = &[
    "Software",
    "Healthcare",
    "Finance",
    "Manufacturing",
    "Retail",
    "Energy",
    "Education",
    "Media",
];

/// Regions.
pub const REGIONS: &[&str] = &["EMEA", "NA", "APAC", "LATAM"];

/// Departments of internal users.
pub const DEPARTMENTS: &[&str] = &["Sales", "Customer Success", "Support", "Marketing"];

/// Internal job titles.
pub const INTERNAL_TITLES: &[&str] = &[
    "Account Executive",
    "Customer Success Manager",
    "Solutions Engineer",
    "Sales Director",
    "Support Lead",
];

/// Customer job titles.
pub const EXTERNAL_TITLES: &[&str] = &[
    "VP Operations",
    "Head of IT",
    "Procurement Manager",
    "CFO",
    "Director of Sales",
    "Product Owner",
];

/// Topics of external calls.
pub const CALL_TOPICS: &[&str] = &[
    "Q2 renewal review",
    "Onboarding kickoff",
    "Quarterly business review",
    "Pricing discussion",
    "Product demo",
    "Security review",
    "Expansion planning",
    "Support escalation",
];

/// Topic names for `content.topics`.
pub const TOPICS: &[&str] = &[
    "Pricing",
    "Next Steps",
    "Product Demo",
    "Onboarding",
    "Security",
];

/// Conferencing systems.
pub const SYSTEMS: &[&str] = &["Zoom", "Google Meet", "Microsoft Teams", "Webex"];

/// UTC offsets (seconds) the account's answers are rendered in.
pub const OFFSETS: &[i32] = &[0, 7_200, -25_200, 19_800, -14_400, 3_600];

/// The seller's own email domain (internal parties).
pub const INTERNAL_DOMAIN: &str = "acme-saas.example";

/// The seller's company name, used in titles.
pub const SELLER: &str = "Acme SaaS";
