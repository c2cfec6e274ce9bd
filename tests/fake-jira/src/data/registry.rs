//! Instance-level administrative entities: project categories, project roles, groups and
//! their members, saved filters, dashboards and workflows. They are fixed, and refer to the
//! catalog's projects and users by index, so they always agree with the issues.

/// A project category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectCategory {
    /// Id (numeric string).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
}

/// The project categories.
pub const PROJECT_CATEGORIES: [ProjectCategory; 2] = [
    ProjectCategory {
        id: "10000",
        name: "Product",
        description: "Customer-facing products",
    },
    ProjectCategory {
        id: "10001",
        name: "Opérations ⚙",
        description: "Internal \"ops\" & support",
    },
];

/// Index into [`PROJECT_CATEGORIES`] of a project's category (`SET`, the third, has none).
pub fn project_category(project: usize) -> Option<usize> {
    match project {
        0 | 1 => Some(0),
        2 => None,
        _ => Some(1),
    }
}

/// A project role, the same in every project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectRole {
    /// Numeric id.
    pub id: u64,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
    /// Whether it is the project administrators' role.
    pub admin: bool,
    /// Whether new members get it by default.
    pub default: bool,
}

/// The project roles.
pub const PROJECT_ROLES: [ProjectRole; 4] = [
    ProjectRole {
        id: 10002,
        name: "Administrators",
        description: "Admins can do most things, like update settings and add other admins.",
        admin: true,
        default: false,
    },
    ProjectRole {
        id: 10003,
        name: "Member",
        description:
            "Members are part of the team, and can add, edit, and collaborate on all work.",
        admin: false,
        default: true,
    },
    ProjectRole {
        id: 10004,
        name: "Viewer",
        description:
            "Viewers can search through, view, and comment on your team's work, but not much else.",
        admin: false,
        default: false,
    },
    ProjectRole {
        id: 10005,
        name: "atlassian-addons-project-access",
        description: "A project role that represents Connect add-ons declaring access to projects.",
        admin: false,
        default: false,
    },
];

/// A user group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// Name.
    pub name: &'static str,
    /// Group id (a UUID).
    pub group_id: &'static str,
    /// Indices into `Catalog::users` of its members, in order.
    pub members: &'static [usize],
}

/// The groups (user 7 is the inactive former employee, 8 the app account).
pub const GROUPS: [Group; 4] = [
    Group {
        name: "jira-administrators",
        group_id: "0a1b2c3d-1111-4e5f-8a9b-000000000001",
        members: &[0, 1],
    },
    Group {
        name: "jira-software-users",
        group_id: "0a1b2c3d-2222-4e5f-8a9b-000000000002",
        members: &[0, 1, 2, 3, 4, 5, 6, 7],
    },
    Group {
        name: "site-admins",
        group_id: "0a1b2c3d-3333-4e5f-8a9b-000000000003",
        members: &[0],
    },
    Group {
        name: "Données & QA ✓",
        group_id: "0a1b2c3d-4444-4e5f-8a9b-000000000004",
        members: &[2, 3, 5, 6, 7],
    },
];

/// A saved filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Id (numeric string).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
    /// Index into `Catalog::users` of the owner.
    pub owner: usize,
    /// The query (valid for the fake's JQL).
    pub jql: &'static str,
    /// Whether the caller marked it as a favourite.
    pub favourite: bool,
    /// How many users marked it as a favourite.
    pub favourited_count: u64,
}

/// The saved filters.
pub const FILTERS: [Filter; 4] = [
    Filter {
        id: "10000",
        name: "My open issues",
        description: "Everything assigned to me that is not resolved",
        owner: 0,
        jql: "assignee = currentUser() AND resolution = Unresolved ORDER BY priority DESC, updated DESC",
        favourite: true,
        favourited_count: 7,
    },
    Filter {
        id: "10001",
        name: "ALPHA — in progress",
        description: "",
        owner: 1,
        jql: "project = ALPHA AND status = \"In Progress\" ORDER BY created DESC",
        favourite: false,
        favourited_count: 2,
    },
    Filter {
        id: "10002",
        name: "Urgent bugs \"P1\"",
        description: "Highest and high priority bugs in every project",
        owner: 3,
        jql: "issuetype = Bug AND priority in (Highest, High) ORDER BY key ASC",
        favourite: true,
        favourited_count: 4,
    },
    Filter {
        id: "10003",
        name: "Ünïcode labels",
        description: "Issues labelled ünïcode or 日本語",
        owner: 5,
        jql: "labels in (\"ünïcode\", \"日本語\") ORDER BY updated DESC",
        favourite: false,
        favourited_count: 1,
    },
];

/// A dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dashboard {
    /// Id (numeric string).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
    /// Index into `Catalog::users` of the owner.
    pub owner: usize,
    /// Whether the caller marked it as a favourite.
    pub is_favourite: bool,
    /// How many users marked it as a favourite.
    pub popularity: u64,
    /// Whether it is shared with everyone (a `global` share permission).
    pub global: bool,
}

/// The dashboards.
pub const DASHBOARDS: [Dashboard; 3] = [
    Dashboard {
        id: "10000",
        name: "Default dashboard",
        description: "",
        owner: 0,
        is_favourite: true,
        popularity: 5,
        global: true,
    },
    Dashboard {
        id: "10001",
        name: "Équipe — sprint health 🚀",
        description: "Burndown, \"created vs resolved\" and open bugs",
        owner: 1,
        is_favourite: false,
        popularity: 2,
        global: false,
    },
    Dashboard {
        id: "10002",
        name: "Ops on-call",
        description: "Incidents and runbooks",
        owner: 4,
        is_favourite: false,
        popularity: 0,
        global: false,
    },
];

/// A workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// Name.
    pub name: &'static str,
    /// Entity id (a UUID).
    pub entity_id: &'static str,
    /// Description.
    pub description: &'static str,
    /// Creation time in Jira's format.
    pub created: &'static str,
    /// Last update time in Jira's format.
    pub updated: &'static str,
    /// Whether it is the default workflow.
    pub is_default: bool,
}

/// The workflows: Jira's read-only default and one per scheme the projects use.
pub const WORKFLOWS: [Workflow; 3] = [
    Workflow {
        name: "jira",
        entity_id: "5ed312c5-f7a6-4a78-a1f6-8ff7f307d063",
        description: "The default Jira workflow.",
        created: "2023-01-01T00:00:00.000+0000",
        updated: "2023-01-01T00:00:00.000+0000",
        is_default: true,
    },
    Workflow {
        name: "Software Simplified Workflow",
        entity_id: "a9c3e1d2-0b4f-4c8e-9d7a-6b5f4e3d2c1b",
        description: "To Do → In Progress → Ärger → Done / Won't Do",
        created: "2023-01-02T09:30:00.000+0000",
        updated: "2024-03-15T17:45:12.345+0000",
        is_default: false,
    },
    Workflow {
        name: "Ops \"incident\" workflow",
        entity_id: "f0e1d2c3-b4a5-4968-8776-655443322110",
        description: "",
        created: "2023-06-01T08:00:00.000+0000",
        updated: "2023-06-01T08:00:00.000+0000",
        is_default: false,
    },
];

/// A context of a custom field: where (projects, issue types) a configuration applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldContext {
    /// Id (numeric string).
    pub id: &'static str,
    /// The custom field's numeric id.
    pub field: u32,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
    /// Whether it applies to every project.
    pub global: bool,
    /// Whether it applies to every issue type.
    pub any_issue_type: bool,
}

/// The contexts of the select field "Team" (10011); other custom fields have one default
/// context each (see [`field_contexts`]).
pub const TEAM_CONTEXTS: [FieldContext; 2] = [
    FieldContext {
        id: "10400",
        field: 10011,
        name: "Default Configuration Scheme for Team",
        description: "Default configuration scheme generated by Jira",
        global: true,
        any_issue_type: true,
    },
    FieldContext {
        id: "10401",
        field: 10011,
        name: "Mobile «teams»",
        description: "Only for the \"Beta\" project",
        global: false,
        any_issue_type: false,
    },
];

/// An option of a select field in one context; `parent` is the option a cascading option
/// hangs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextOption {
    /// Id (numeric string).
    pub id: &'static str,
    /// Shown value.
    pub value: &'static str,
    /// Disabled options stay on issues but cannot be picked.
    pub disabled: bool,
    /// The parent option's id (cascading selects).
    pub parent: Option<&'static str>,
}

/// The options of the second Team context (the first lists the catalog's team options).
pub const MOBILE_TEAM_OPTIONS: [ContextOption; 4] = [
    ContextOption {
        id: "10310",
        value: "iOS",
        disabled: false,
        parent: None,
    },
    ContextOption {
        id: "10311",
        value: "Android",
        disabled: false,
        parent: None,
    },
    ContextOption {
        id: "10312",
        value: "Legacy 'Symbian'",
        disabled: true,
        parent: None,
    },
    ContextOption {
        id: "10313",
        value: "Tablets",
        disabled: false,
        parent: Some("10311"),
    },
];

/// The contexts of a custom field (by numeric id): the Team field's two, one default context
/// for every other custom field, none for unknown fields.
pub fn field_contexts(field: u32) -> Vec<FieldContext> {
    if field == 10011 {
        return TEAM_CONTEXTS.to_vec();
    }
    match super::CUSTOM_FIELDS.iter().position(|f| f.id == field) {
        Some(i) => vec![FieldContext {
            id: DEFAULT_CONTEXT_IDS[i % DEFAULT_CONTEXT_IDS.len()],
            field,
            name: "Default Configuration Scheme",
            description: "Default configuration scheme generated by Jira",
            global: true,
            any_issue_type: true,
        }],
        None => Vec::new(),
    }
}

/// Ids of the default contexts of the custom fields, by their position in `CUSTOM_FIELDS`.
const DEFAULT_CONTEXT_IDS: [&str; 8] = [
    "10500", "10501", "10502", "10503", "10504", "10505", "10506", "10507",
];
