//! The entities other than issues: each is a list endpoint (one request, paged, or per parent
//! such as the comments of each issue) whose items become rows; columns are read by JSON
//! pointer and converted by the column's type.

use serde_json::Value;

use super::value::{boolean, date, int, json, names, rich_text, text, timestamp};
use super::{Cell, Column, Encode, PgType, Rule, Source, Write};
use crate::error::Result;
pub use crate::jira::endpoints::Shape;
use crate::jira::endpoints::{self, Deployment, Endpoint};

/// Parents whose children a per-parent listing reads, when no condition names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parents {
    /// Every issue's key (a JQL search of keys only).
    Issues,
    /// Every project's key.
    Projects,
    /// Every scrum board's id (kanban boards have no sprints).
    ScrumBoards,
    /// Every board's id.
    Boards,
    /// Every sprint's id (of every scrum board).
    Sprints,
    /// Every group's id.
    Groups,
    /// Every custom field with options (select lists, radio buttons, checkboxes).
    OptionFields,
}

/// Where an entity's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// JQL search and bulk fetch (the `issues` entity).
    Issues,
    /// One endpoint.
    List {
        /// Path and fixed query.
        path: Endpoint,
        /// Its answer's shape.
        shape: Shape,
    },
    /// One endpoint per parent; `{}` in the path is the parent's key or id.
    PerParent {
        /// Path with `{}`.
        path: Endpoint,
        /// Its answer's shape.
        shape: Shape,
        /// How to find every parent.
        parents: Parents,
    },
    /// Two levels: each parent's groups at `outer` (a custom field's contexts), then each
    /// group's items at `inner` (`{}` the parent, `{group}` the group's id). Items carry their
    /// group in [`GROUP_MEMBER`].
    Nested {
        /// The groups' path, with `{}`.
        outer: Endpoint,
        /// The items' path, with `{}` and `{group}`.
        inner: Endpoint,
        /// How to find every parent.
        parents: Parents,
    },
}

impl Listing {
    /// Whether the rows can be read from a site of `deployment`: its endpoints, and those that
    /// enumerate its parents, are served there.
    pub fn available_on(self, deployment: Deployment) -> bool {
        let parents_available = |parents: Parents| match parents {
            // Parents are enumerated with the issue search, which every deployment has.
            Parents::Issues => true,
            Parents::Projects => endpoints::PROJECTS.path(deployment).is_some(),
            Parents::ScrumBoards | Parents::Boards => endpoints::BOARDS.path(deployment).is_some(),
            Parents::Sprints => {
                endpoints::BOARDS.path(deployment).is_some()
                    && endpoints::BOARD_SPRINTS.path(deployment).is_some()
            }
            Parents::Groups => endpoints::GROUPS.path(deployment).is_some(),
            Parents::OptionFields => endpoints::FIELDS.path(deployment).is_some(),
        };
        match self {
            Listing::Issues => true,
            Listing::List { path, .. } => path.path(deployment).is_some(),
            Listing::PerParent { path, parents, .. } => {
                path.path(deployment).is_some() && parents_available(parents)
            }
            Listing::Nested {
                outer,
                inner,
                parents,
            } => {
                outer.path(deployment).is_some()
                    && inner.path(deployment).is_some()
                    && parents_available(parents)
            }
        }
    }
}

/// The member each child item carries its parent's key in.
pub const PARENT_MEMBER: &str = "__jira_fdw_parent";

/// The member each item of a nested listing carries its group (a context) in.
pub const GROUP_MEMBER: &str = "__jira_fdw_group";

/// Reads the value at a JSON pointer, converted for the column's type.
pub fn read_pointer(column: &Column, pointer: &str, item: &Value) -> Result<Cell> {
    let value = if pointer.is_empty() {
        Some(item)
    } else {
        item.pointer(pointer)
    };
    let name = column.name;
    match column.ty {
        PgType::Int8 => int(name, value),
        PgType::Text => text(name, value),
        PgType::Bool => boolean(name, value),
        PgType::Timestamptz => timestamp(name, value),
        PgType::Date => date(name, value),
        PgType::TextArray => names(name, value, "name"),
        PgType::Jsonb => json(value),
        PgType::Numeric => Ok(match value {
            Some(Value::Number(n)) => Cell::Numeric(n.to_string()),
            _ => Cell::Null,
        }),
    }
}

/// Reads an ADF (or plain text) document at a JSON pointer as text.
pub fn read_rich_text(column: &Column, pointer: &str, item: &Value) -> Result<Cell> {
    rich_text(column.name, item.pointer(pointer))
}

macro_rules! col {
    ($name:literal, $ty:ident, $pointer:literal) => {
        col!($name, $ty, $pointer, writes Write::No)
    };
    ($name:literal, $ty:ident, $pointer:literal, writes $write:expr) => {
        Column {
            name: $name,
            ty: PgType::$ty,
            fields: &[],
            rule: Rule::None,
            order: None,
            source: Source::Pointer($pointer),
            write: $write,
        }
    };
    ($name:literal, rich $pointer:literal) => {
        col!($name, rich $pointer, writes Write::No)
    };
    ($name:literal, rich $pointer:literal, writes $write:expr) => {
        Column {
            name: $name,
            ty: PgType::Text,
            fields: &[],
            rule: Rule::None,
            order: None,
            source: Source::RichText($pointer),
            write: $write,
        }
    };
    ($name:literal, since $ty:ident, $pointer:literal) => {
        Column {
            name: $name,
            ty: PgType::$ty,
            fields: &[],
            rule: Rule::UpdatedSince,
            order: None,
            source: Source::Pointer($pointer),
            write: Write::No,
        }
    };
    ($name:literal, parent $ty:ident, writes $write:expr) => {
        Column {
            name: $name,
            ty: PgType::$ty,
            fields: &[],
            rule: Rule::Parent,
            order: None,
            source: Source::Pointer(concat!("/", "__jira_fdw_parent")),
            write: $write,
        }
    };
    ($name:literal, parent $ty:ident) => {
        Column {
            name: $name,
            ty: PgType::$ty,
            fields: &[],
            rule: Rule::Parent,
            order: None,
            source: Source::Pointer(concat!("/", "__jira_fdw_parent")),
            write: Write::Parent,
        }
    };
}

/// The project of a child's issue: the prefix of the issue's key, searched as the issue's
/// `project` when the children's parents are listed.
const PARENT_PROJECT: Column = Column {
    name: "project_key",
    ty: PgType::Text,
    fields: &[],
    rule: Rule::Named {
        field: "project",
        nullable: false,
    },
    order: None,
    source: Source::ParentProject,
    write: Write::No,
};

/// The columns of a per-issue child table: the issue's key and project, the `jql` that selects
/// the issues, then the child's own.
macro_rules! per_issue {
    ($($column:expr),* $(,)?) => {
        &[col!("issue_key", parent Text), PARENT_PROJECT, super::JQL_COLUMN, $($column),*]
    };
}

/// `projects`: GET [`PROJECTS`](crate::jira::endpoints::PROJECTS).
pub static PROJECTS: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("key", Text, "/key"),
    col!("name", Text, "/name"),
    col!("project_type_key", Text, "/projectTypeKey"),
    col!("style", Text, "/style"),
    col!("simplified", Bool, "/simplified"),
    col!("is_private", Bool, "/isPrivate"),
    col!("description", Text, "/description"),
    col!("lead_account_id", Text, "/lead/accountId"),
    col!("lead_display_name", Text, "/lead/displayName"),
];

/// `users`: GET [`USERS`](crate::jira::endpoints::USERS).
pub static USERS: &[Column] = &[
    col!("account_id", Text, "/accountId"),
    col!("account_type", Text, "/accountType"),
    col!("display_name", Text, "/displayName"),
    col!("email_address", Text, "/emailAddress"),
    col!("active", Bool, "/active"),
    col!("time_zone", Text, "/timeZone"),
    col!("locale", Text, "/locale"),
];

/// `fields`: GET [`FIELDS`](crate::jira::endpoints::FIELDS).
pub static FIELDS: &[Column] = &[
    col!("id", Text, "/id"),
    col!("key", Text, "/key"),
    col!("name", Text, "/name"),
    col!("custom", Bool, "/custom"),
    col!("orderable", Bool, "/orderable"),
    col!("navigable", Bool, "/navigable"),
    col!("searchable", Bool, "/searchable"),
    col!("clause_names", TextArray, "/clauseNames"),
    col!("schema_type", Text, "/schema/type"),
    col!("schema_items", Text, "/schema/items"),
    col!("schema_system", Text, "/schema/system"),
    col!("schema_custom", Text, "/schema/custom"),
    col!("schema_custom_id", Int8, "/schema/customId"),
];

/// `myself`: GET [`MYSELF`](crate::jira::endpoints::MYSELF).
pub static MYSELF: &[Column] = &[
    col!("account_id", Text, "/accountId"),
    col!("account_type", Text, "/accountType"),
    col!("email_address", Text, "/emailAddress"),
    col!("display_name", Text, "/displayName"),
    col!("active", Bool, "/active"),
    col!("time_zone", Text, "/timeZone"),
    col!("locale", Text, "/locale"),
];

/// `server_info`: GET [`SERVER_INFO`](crate::jira::endpoints::SERVER_INFO).
pub static SERVER_INFO: &[Column] = &[
    col!("base_url", Text, "/baseUrl"),
    col!("version", Text, "/version"),
    col!("deployment_type", Text, "/deploymentType"),
    col!("build_number", Int8, "/buildNumber"),
    col!("build_date", Timestamptz, "/buildDate"),
    col!("server_time", Timestamptz, "/serverTime"),
    col!("scm_info", Text, "/scmInfo"),
    col!("server_title", Text, "/serverTitle"),
];

/// `priorities`: GET [`PRIORITIES`](crate::jira::endpoints::PRIORITIES).
pub static PRIORITIES: &[Column] = &[
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("status_color", Text, "/statusColor"),
    col!("icon_url", Text, "/iconUrl"),
];

/// `statuses`: GET [`STATUSES`](crate::jira::endpoints::STATUSES).
pub static STATUSES: &[Column] = &[
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("icon_url", Text, "/iconUrl"),
    col!("status_category_id", Int8, "/statusCategory/id"),
    col!("status_category_key", Text, "/statusCategory/key"),
    col!("status_category_name", Text, "/statusCategory/name"),
];

/// `status_categories`: GET [`STATUS_CATEGORIES`](crate::jira::endpoints::STATUS_CATEGORIES).
pub static STATUS_CATEGORIES: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("key", Text, "/key"),
    col!("name", Text, "/name"),
    col!("color_name", Text, "/colorName"),
];

/// `resolutions`: GET [`RESOLUTIONS`](crate::jira::endpoints::RESOLUTIONS).
pub static RESOLUTIONS: &[Column] = &[
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
];

/// `issue_types`: GET [`ISSUE_TYPES`](crate::jira::endpoints::ISSUE_TYPES).
pub static ISSUE_TYPES: &[Column] = &[
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("subtask", Bool, "/subtask"),
    col!("hierarchy_level", Int8, "/hierarchyLevel"),
    col!("icon_url", Text, "/iconUrl"),
];

/// `labels`: GET [`LABELS`](crate::jira::endpoints::LABELS).
pub static LABELS: &[Column] = &[col!("label", Text, "")];

/// `comments`: GET [`ISSUE_COMMENTS`](crate::jira::endpoints::ISSUE_COMMENTS) for each issue.
pub static COMMENTS: &[Column] = per_issue![
    col!("id", Int8, "/id"),
    col!("author_account_id", Text, "/author/accountId"),
    col!("author_display_name", Text, "/author/displayName"),
    col!("body", rich "/body", writes Write::Field("body", Encode::Rich)),
    col!("body_adf", Jsonb, "/body"),
    col!("update_author_account_id", Text, "/updateAuthor/accountId"),
    col!("created", Timestamptz, "/created"),
    col!("updated", Timestamptz, "/updated"),
];

/// `worklogs`: GET [`ISSUE_WORKLOGS`](crate::jira::endpoints::ISSUE_WORKLOGS) for each issue.
pub static WORKLOGS: &[Column] = per_issue![
    col!("issue_id", Int8, "/issueId"),
    col!("id", Int8, "/id"),
    col!("author_account_id", Text, "/author/accountId"),
    col!("author_display_name", Text, "/author/displayName"),
    col!("comment", rich "/comment", writes Write::Field("comment", Encode::Rich)),
    col!("comment_adf", Jsonb, "/comment"),
    col!("started", Timestamptz, "/started", writes Write::Field("started", Encode::DateTime)),
    col!("time_spent", Text, "/timeSpent"),
    col!(
        "time_spent_seconds",
        Int8,
        "/timeSpentSeconds",
        writes Write::Field("timeSpentSeconds", Encode::Number)
    ),
    col!("created", Timestamptz, "/created"),
    col!("updated", since Timestamptz, "/updated"),
];

/// `project_components`: GET [`PROJECT_COMPONENTS`](crate::jira::endpoints::PROJECT_COMPONENTS) for each project.
pub static PROJECT_COMPONENTS: &[Column] = &[
    col!("project_key", parent Text, writes Write::Field("project", Encode::Text)),
    col!("id", Int8, "/id"),
    col!("name", Text, "/name", writes Write::Field("name", Encode::Text)),
    col!("description", Text, "/description", writes Write::Field("description", Encode::Text)),
    col!("lead_account_id", Text, "/lead/accountId", writes Write::Field("leadAccountId", Encode::LeadUser)),
    col!("assignee_type", Text, "/assigneeType", writes Write::Field("assigneeType", Encode::Text)),
];

/// `project_versions`: GET [`PROJECT_VERSIONS`](crate::jira::endpoints::PROJECT_VERSIONS) for each project.
pub static PROJECT_VERSIONS: &[Column] = &[
    col!("project_key", parent Text, writes Write::Field("project", Encode::Text)),
    col!("id", Int8, "/id"),
    col!("name", Text, "/name", writes Write::Field("name", Encode::Text)),
    col!("description", Text, "/description", writes Write::Field("description", Encode::Text)),
    col!("released", Bool, "/released", writes Write::Field("released", Encode::Bool)),
    col!("archived", Bool, "/archived", writes Write::Field("archived", Encode::Bool)),
    col!("release_date", Date, "/releaseDate", writes Write::Field("releaseDate", Encode::Date)),
    col!("start_date", Date, "/startDate", writes Write::Field("startDate", Encode::Date)),
];

/// `boards`: GET [`BOARDS`](crate::jira::endpoints::BOARDS).
pub static BOARDS: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("name", Text, "/name"),
    col!("type", Text, "/type"),
    col!("project_id", Int8, "/location/projectId"),
    col!("project_key", Text, "/location/projectKey"),
];

/// `sprints`: GET [`BOARD_SPRINTS`](crate::jira::endpoints::BOARD_SPRINTS) for each scrum board.
pub static SPRINTS: &[Column] = &[
    col!("board_id", parent Int8, writes Write::Field("originBoardId", Encode::Number)),
    col!("id", Int8, "/id"),
    col!("name", Text, "/name", writes Write::Field("name", Encode::Text)),
    col!("state", Text, "/state", writes Write::Field("state", Encode::Text)),
    col!(
        "start_date",
        Timestamptz,
        "/startDate",
        writes Write::Field("startDate", Encode::DateTime)
    ),
    col!(
        "end_date",
        Timestamptz,
        "/endDate",
        writes Write::Field("endDate", Encode::DateTime)
    ),
    col!("complete_date", Timestamptz, "/completeDate"),
    col!("goal", Text, "/goal", writes Write::Field("goal", Encode::Text)),
    col!("origin_board_id", Int8, "/originBoardId"),
];

/// The issue columns agile endpoints list (board, sprint and backlog issues).
macro_rules! agile_issue_columns {
    ($parent:literal) => {
        &[
            col!($parent, parent Int8),
            col!("id", Int8, "/id"),
            col!("key", Text, "/key"),
            col!("summary", Text, "/fields/summary"),
            col!("status_name", Text, "/fields/status/name"),
            col!("issue_type_name", Text, "/fields/issuetype/name"),
            col!("assignee_account_id", Text, "/fields/assignee/accountId"),
        ]
    };
}

/// `issue_link_types`: GET [`ISSUE_LINK_TYPES`](crate::jira::endpoints::ISSUE_LINK_TYPES).
pub static ISSUE_LINK_TYPES: &[Column] = &[
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("inward", Text, "/inward"),
    col!("outward", Text, "/outward"),
];

/// `issue_links`: the `issuelinks` field of each issue.
pub static ISSUE_LINKS: &[Column] = per_issue![
    col!("id", Int8, "/id"),
    col!("type_name", Text, "/type/name", writes Write::Field("type", Encode::Name)),
    col!("inward", Text, "/type/inward"),
    col!("outward", Text, "/type/outward"),
    col!(
        "inward_issue_key",
        Text,
        "/inwardIssue/key",
        writes Write::Field("inwardIssue", Encode::Key)
    ),
    col!(
        "outward_issue_key",
        Text,
        "/outwardIssue/key",
        writes Write::Field("outwardIssue", Encode::Key)
    ),
];

/// `attachments`: the `attachment` field of each issue (metadata only).
pub static ATTACHMENTS: &[Column] = per_issue![
    col!("id", Int8, "/id"),
    col!("filename", Text, "/filename"),
    col!("author_account_id", Text, "/author/accountId"),
    col!("created", Timestamptz, "/created"),
    col!("size", Int8, "/size"),
    col!("mime_type", Text, "/mimeType"),
    col!("content", Text, "/content"),
    col!("thumbnail", Text, "/thumbnail"),
];

/// `issue_transitions`: GET [`ISSUE_TRANSITIONS`](crate::jira::endpoints::ISSUE_TRANSITIONS) for each issue.
pub static ISSUE_TRANSITIONS: &[Column] = per_issue![
    col!("id", Text, "/id"),
    col!("name", Text, "/name"),
    col!("to_status_id", Text, "/to/id"),
    col!("to_status_name", Text, "/to/name"),
    col!("has_screen", Bool, "/hasScreen"),
    col!("is_global", Bool, "/isGlobal"),
    col!("is_initial", Bool, "/isInitial"),
    col!("is_conditional", Bool, "/isConditional"),
    col!("is_available", Bool, "/isAvailable"),
];

/// `watchers`: GET [`ISSUE_WATCHERS`](crate::jira::endpoints::ISSUE_WATCHERS) for each issue.
pub static WATCHERS: &[Column] = per_issue![
    col!("account_id", Text, "/accountId", writes Write::Field("accountId", Encode::Text)),
    col!("display_name", Text, "/displayName"),
    col!("active", Bool, "/active"),
];

/// `votes`: the voters of each issue (GET [`ISSUE_VOTES`](crate::jira::endpoints::ISSUE_VOTES)).
pub static VOTES: &[Column] = per_issue![
    col!("account_id", Text, "/accountId"),
    col!("display_name", Text, "/displayName"),
];

/// `issue_changelogs`: GET [`ISSUE_CHANGELOG`](crate::jira::endpoints::ISSUE_CHANGELOG) for each issue.
pub static ISSUE_CHANGELOGS: &[Column] = per_issue![
    col!("id", Int8, "/id"),
    col!("author_account_id", Text, "/author/accountId"),
    col!("author_display_name", Text, "/author/displayName"),
    col!("created", Timestamptz, "/created"),
    col!("items", Jsonb, "/items"),
];

/// `project_categories`: GET [`PROJECT_CATEGORIES`](crate::jira::endpoints::PROJECT_CATEGORIES).
pub static PROJECT_CATEGORIES: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
];

/// `project_roles`: GET [`PROJECT_ROLES`](crate::jira::endpoints::PROJECT_ROLES) for each project.
pub static PROJECT_ROLES: &[Column] = &[
    col!("project_key", parent Text),
    col!("id", Int8, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("admin", Bool, "/admin"),
    col!("default", Bool, "/default"),
];

/// `groups`: GET [`GROUPS`](crate::jira::endpoints::GROUPS).
pub static GROUPS: &[Column] = &[
    col!("group_id", Text, "/groupId"),
    col!("name", Text, "/name"),
];

/// `group_members`: GET [`GROUP_MEMBERS`](crate::jira::endpoints::GROUP_MEMBERS) for each group.
pub static GROUP_MEMBERS: &[Column] = &[
    col!("group_id", parent Text),
    col!("account_id", Text, "/accountId"),
    col!("display_name", Text, "/displayName"),
    col!("email_address", Text, "/emailAddress"),
    col!("active", Bool, "/active"),
];

/// `filters`: GET [`FILTERS`](crate::jira::endpoints::FILTERS).
pub static FILTERS: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("owner_account_id", Text, "/owner/accountId"),
    col!("jql", Text, "/jql"),
    col!("view_url", Text, "/viewUrl"),
    col!("favourite", Bool, "/favourite"),
];

/// `dashboards`: GET [`DASHBOARDS`](crate::jira::endpoints::DASHBOARDS).
pub static DASHBOARDS: &[Column] = &[
    col!("id", Int8, "/id"),
    col!("name", Text, "/name"),
    col!("description", Text, "/description"),
    col!("owner_account_id", Text, "/owner/accountId"),
    col!("is_favourite", Bool, "/isFavourite"),
    col!("popularity", Int8, "/popularity"),
    col!("view", Text, "/view"),
];

/// `workflows`: GET [`WORKFLOWS`](crate::jira::endpoints::WORKFLOWS).
pub static WORKFLOWS: &[Column] = &[
    col!("name", Text, "/id/name"),
    col!("entity_id", Text, "/id/entityId"),
    col!("description", Text, "/description"),
    col!("created", Timestamptz, "/created"),
    col!("updated", Timestamptz, "/updated"),
    col!("is_default", Bool, "/isDefault"),
];

/// `epics`: GET [`BOARD_EPICS`](crate::jira::endpoints::BOARD_EPICS) for each board.
pub static EPICS: &[Column] = &[
    col!("board_id", parent Int8),
    col!("id", Int8, "/id"),
    col!("key", Text, "/key"),
    col!("name", Text, "/name"),
    col!("summary", Text, "/summary"),
    col!("done", Bool, "/done"),
    col!("color", Text, "/color/key"),
];

/// `board_issues`: GET [`BOARD_ISSUES`](crate::jira::endpoints::BOARD_ISSUES) for each board.
pub static BOARD_ISSUES: &[Column] = agile_issue_columns!("board_id");

/// `sprint_issues`: GET [`SPRINT_ISSUES`](crate::jira::endpoints::SPRINT_ISSUES) for each sprint.
pub static SPRINT_ISSUES: &[Column] = agile_issue_columns!("sprint_id");

/// `backlog_issues`: GET [`BOARD_BACKLOG`](crate::jira::endpoints::BOARD_BACKLOG) for each scrum board.
pub static BACKLOG_ISSUES: &[Column] = agile_issue_columns!("board_id");

/// `custom_field_options`: for each select custom field, each context
/// (GET [`FIELD_CONTEXTS`](crate::jira::endpoints::FIELD_CONTEXTS)) and its options ([`FIELD_CONTEXT_OPTIONS`](crate::jira::endpoints::FIELD_CONTEXT_OPTIONS)).
pub static CUSTOM_FIELD_OPTIONS: &[Column] = &[
    col!("field_id", parent Text),
    col!("context_id", Int8, "/__jira_fdw_group/id"),
    col!("context_name", Text, "/__jira_fdw_group/name"),
    col!(
        "is_global_context",
        Bool,
        "/__jira_fdw_group/isGlobalContext"
    ),
    col!(
        "is_any_issue_type",
        Bool,
        "/__jira_fdw_group/isAnyIssueType"
    ),
    col!("id", Int8, "/id"),
    col!("value", Text, "/value"),
    col!("disabled", Bool, "/disabled"),
    col!("parent_option_id", Int8, "/optionId"),
];

#[cfg(test)]
mod tests {
    use crate::catalog::Entity;
    use crate::jira::endpoints::Deployment;

    /// The README's table of entities says where each is read, as the listings declare it.
    #[test]
    fn readme_says_where_each_entity_is_read() {
        let readme = include_str!("../../README.md");
        let mut seen = 0;
        for line in readme.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split(" | ").collect();
            let name = cells[0].trim_start_matches("| `").trim_end_matches('`');
            let Ok(entity) = Entity::parse(name) else {
                continue;
            };
            if cells.len() < 5 || !matches!(cells[2], "yes" | "no") {
                continue;
            }
            seen += 1;
            let declared = entity.listing().available_on(Deployment::Server);
            assert_eq!(cells[2] == "yes", declared, "README row of {name}");
        }
        assert_eq!(seen, Entity::all().count());
    }
}
