//! The entities the extension serves: for each table its columns, their Postgres types, how each
//! value is read from Jira's JSON, and which JQL field a column maps to.

pub mod adf;
pub mod custom;
#[cfg(test)]
mod fuzz;
mod issues;
mod listing;
mod value;
pub mod wiki;
mod write;

pub use listing::{Listing, Parents, Shape, GROUP_MEMBER, PARENT_MEMBER};
pub use value::{timestamp, Cell, PgType};
pub use write::{adf, bulk_outcome, change, encode, transition_to, Change, Encode, Write, Writes};

use serde_json::Value;

use crate::error::{Error, Result};

/// Reads one column's value from an issue's JSON.
pub type Reader = fn(&Value) -> Result<Cell>;

/// How a column gets its value.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// Read from the entity's JSON object.
    Json(Reader),
    /// The `jql` pseudo-column: echoes the JQL the user passed in `WHERE jql = '...'`.
    Jql,
    /// The value at a JSON pointer of the item, converted for the column's type.
    Pointer(&'static str),
    /// An ADF document (or plain text) at a JSON pointer, rendered to text.
    RichText(&'static str),
    /// A custom field of an issue, by id.
    Custom(&'static str, custom::Kind),
    /// The project key of a child's parent issue (the prefix of its key).
    ParentProject,
}

impl Column {
    /// The column's value in `item` (the `jql` pseudo-column is filled by the scan).
    pub fn read(&self, item: &Value) -> Result<Cell> {
        match self.source {
            Source::Json(read) => read(item),
            Source::Pointer(pointer) => listing::read_pointer(self, pointer, item),
            Source::RichText(pointer) => listing::read_rich_text(self, pointer, item),
            Source::Custom(id, kind) => custom::read(self, id, kind, item),
            Source::ParentProject => Ok(item
                .get(PARENT_MEMBER)
                .and_then(Value::as_str)
                .and_then(|key| key.rsplit_once('-'))
                .map_or(Cell::Null, |(project, _)| Cell::Text(project.to_string()))),
            Source::Jql => Ok(Cell::Null),
        }
    }
}

impl Column {
    /// Where the value comes from, in words: the Jira field or JSON member it is read from.
    pub fn origin(&self) -> String {
        let member = |pointer: &str| pointer.trim_start_matches('/').replace('/', ".");
        match self.source {
            Source::Json(_) if self.fields.is_empty() => format!("Jira issue {}", self.name),
            Source::Json(_) if self.fields == ["*all"] => "every Jira field, raw".to_string(),
            Source::Json(_) => format!("Jira field {}", self.fields.join(", ")),
            Source::Pointer(p) if p.contains(PARENT_MEMBER) => {
                "the parent's key or id (from the request)".to_string()
            }
            Source::Pointer(p) if p.contains(GROUP_MEMBER) => {
                format!(
                    "the field context's {}",
                    member(&p.replace(GROUP_MEMBER, ""))
                )
            }
            Source::Pointer("") => "the list item itself".to_string(),
            Source::Pointer(p) => format!("Jira JSON member {}", member(p)),
            Source::RichText(p) => {
                format!("Jira JSON member {}, rendered to plain text", member(p))
            }
            Source::Custom(id, _) => format!("Jira custom field {id}"),
            Source::ParentProject => {
                "the project of the parent issue (its key's prefix)".to_string()
            }
            Source::Jql => "pseudo-column: the JQL of WHERE jql = '...'".to_string(),
        }
    }
}

/// One column of an entity.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The column name users write (snake_case).
    pub name: &'static str,
    /// Its Postgres type.
    pub ty: PgType,
    /// The Jira fields (`fields=` names) needed to fill it; empty for top-level `id`/`key`.
    pub fields: &'static [&'static str],
    /// How conditions on the column translate into JQL.
    pub rule: Rule,
    /// The JQL field to ORDER BY when Jira's order of it equals Postgres' (never NULL, same
    /// comparison).
    pub order: Option<&'static str>,
    /// Where the value comes from.
    pub source: Source,
    /// How INSERT and UPDATE set it (custom fields: by their kind, see [`Column::writer`]).
    pub write: Write,
}

/// The `jql` pseudo-column: on `issues` the JQL ANDed into the search, on issue children the
/// JQL that chooses their issues; echoed in every row.
pub const JQL_COLUMN: Column = Column {
    name: "jql",
    ty: PgType::Text,
    fields: &[],
    rule: Rule::Jql,
    order: None,
    source: Source::Jql,
    write: Write::No,
};

/// What Jira can search on a column, and how exactly. See `jql::translate` for the operators
/// each rule pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Not searchable: conditions stay local.
    None,
    /// The issue key: `=`/`IN` at the top level fetch by key (`issue/bulkfetch`).
    Key,
    /// The issue id: `=`/`IN` at the top level fetch by id; ranges are JQL `id < n`.
    Id,
    /// A field Jira matches case-insensitively by name, key or id (status, project, ...):
    /// `=`/`IN` are supersets; `IS NULL` is exact when the field can be empty.
    Named {
        /// The JQL field.
        field: &'static str,
        /// Whether the field can be empty.
        nullable: bool,
    },
    /// An account id (assignee, ...): exact `=`, `<>`, `IN`, `NOT IN`, `IS [NOT] NULL`.
    Account(&'static str),
    /// A date-time: comparisons in epoch milliseconds, exact.
    Timestamp {
        /// The JQL field.
        field: &'static str,
        /// Whether the field can be empty.
        nullable: bool,
    },
    /// A date: comparisons with a quoted `yyyy-MM-dd`, exact; the field can be empty.
    Date(&'static str),
    /// An array of names (labels, components, versions): containment is a superset,
    /// `= '{}'` is `IS EMPTY`.
    Names(&'static str),
    /// A number field (a custom field; it can be empty): `=`, `IN` and the ranges are sent as
    /// supersets, strict bounds widened, since Jira compares doubles; `IS [NOT] NULL` exact.
    Number(&'static str),
    /// Free text: `=` and `LIKE` become `~` on the whole words they guarantee (a superset).
    Text(&'static str),
    /// The `jql` pseudo-column: `= 'text'` is ANDed into the query as it is.
    Jql,
    /// The parent's key of a per-parent entity (`comments.issue_key`): `=`/`IN` at the top
    /// level choose the parents to read.
    Parent,
    /// A worklog's update time: a top-level lower bound (`>=`, `>`, `=`) reads only the
    /// worklogs updated since then (`/worklog/updated`), rechecked locally.
    UpdatedSince,
}

/// A table kind, named by the foreign table's `entity` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// Issues: JQL search.
    Issues,
    /// Projects.
    Projects,
    /// Users.
    Users,
    /// Fields, system and custom.
    Fields,
    /// The authenticated user.
    Myself,
    /// The site.
    ServerInfo,
    /// Priorities.
    Priorities,
    /// Statuses.
    Statuses,
    /// Status categories.
    StatusCategories,
    /// Resolutions.
    Resolutions,
    /// Issue types.
    IssueTypes,
    /// Labels.
    Labels,
    /// Comments of issues.
    Comments,
    /// Worklogs of issues.
    Worklogs,
    /// Components of projects.
    ProjectComponents,
    /// Versions of projects.
    ProjectVersions,
    /// Agile boards.
    Boards,
    /// Sprints of scrum boards.
    Sprints,
    /// Issue link types.
    IssueLinkTypes,
    /// Links of issues.
    IssueLinks,
    /// Attachments of issues (metadata).
    Attachments,
    /// Transitions available on issues.
    IssueTransitions,
    /// Watchers of issues.
    Watchers,
    /// Voters of issues.
    Votes,
    /// Change histories of issues.
    IssueChangelogs,
    /// Project categories.
    ProjectCategories,
    /// Roles of projects.
    ProjectRoles,
    /// Groups.
    Groups,
    /// Members of groups.
    GroupMembers,
    /// Saved filters.
    Filters,
    /// Dashboards.
    Dashboards,
    /// Workflows.
    Workflows,
    /// Epics of boards.
    Epics,
    /// Issues of boards.
    BoardIssues,
    /// Issues of sprints.
    SprintIssues,
    /// Backlogs of scrum boards.
    BacklogIssues,
    /// Options of select custom fields, per context.
    CustomFieldOptions,
}

/// Every entity with its name, columns and listing.
const ENTITIES: &[(Entity, &str, &[Column], Listing)] = {
    use crate::jira::endpoints;
    use listing::*;
    use Listing::{List, PerParent};
    &[
        (Entity::Issues, "issues", issues::COLUMNS, Listing::Issues),
        (
            Entity::Projects,
            "projects",
            PROJECTS,
            List {
                path: endpoints::PROJECTS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Users,
            "users",
            USERS,
            List {
                path: endpoints::USERS,
                shape: Shape::ArrayPages,
            },
        ),
        (
            Entity::Fields,
            "fields",
            FIELDS,
            List {
                path: endpoints::FIELDS,
                shape: Shape::Array,
            },
        ),
        (
            Entity::Myself,
            "myself",
            MYSELF,
            List {
                path: endpoints::MYSELF,
                shape: Shape::Object,
            },
        ),
        (
            Entity::ServerInfo,
            "server_info",
            SERVER_INFO,
            List {
                path: endpoints::SERVER_INFO,
                shape: Shape::Object,
            },
        ),
        (
            Entity::Priorities,
            "priorities",
            PRIORITIES,
            List {
                path: endpoints::PRIORITIES,
                shape: Shape::Array,
            },
        ),
        (
            Entity::Statuses,
            "statuses",
            STATUSES,
            List {
                path: endpoints::STATUSES,
                shape: Shape::Array,
            },
        ),
        (
            Entity::StatusCategories,
            "status_categories",
            STATUS_CATEGORIES,
            List {
                path: endpoints::STATUS_CATEGORIES,
                shape: Shape::Array,
            },
        ),
        (
            Entity::Resolutions,
            "resolutions",
            RESOLUTIONS,
            List {
                path: endpoints::RESOLUTIONS,
                shape: Shape::Array,
            },
        ),
        (
            Entity::IssueTypes,
            "issue_types",
            ISSUE_TYPES,
            List {
                path: endpoints::ISSUE_TYPES,
                shape: Shape::Array,
            },
        ),
        (
            Entity::Labels,
            "labels",
            LABELS,
            List {
                path: endpoints::LABELS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Comments,
            "comments",
            COMMENTS,
            PerParent {
                path: endpoints::ISSUE_COMMENTS,
                shape: Shape::Pages("comments"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::Worklogs,
            "worklogs",
            WORKLOGS,
            PerParent {
                path: endpoints::ISSUE_WORKLOGS,
                shape: Shape::Pages("worklogs"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::ProjectComponents,
            "project_components",
            PROJECT_COMPONENTS,
            PerParent {
                path: endpoints::PROJECT_COMPONENTS,
                shape: Shape::Array,
                parents: Parents::Projects,
            },
        ),
        (
            Entity::ProjectVersions,
            "project_versions",
            PROJECT_VERSIONS,
            PerParent {
                path: endpoints::PROJECT_VERSIONS,
                shape: Shape::Array,
                parents: Parents::Projects,
            },
        ),
        (
            Entity::Boards,
            "boards",
            BOARDS,
            List {
                path: endpoints::BOARDS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Sprints,
            "sprints",
            SPRINTS,
            PerParent {
                path: endpoints::BOARD_SPRINTS,
                shape: Shape::Pages("values"),
                parents: Parents::ScrumBoards,
            },
        ),
        (
            Entity::IssueLinkTypes,
            "issue_link_types",
            ISSUE_LINK_TYPES,
            List {
                path: endpoints::ISSUE_LINK_TYPES,
                shape: Shape::Within("/issueLinkTypes"),
            },
        ),
        (
            Entity::IssueLinks,
            "issue_links",
            ISSUE_LINKS,
            PerParent {
                path: endpoints::ISSUE_LINKS,
                shape: Shape::Within("/fields/issuelinks"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::Attachments,
            "attachments",
            ATTACHMENTS,
            PerParent {
                path: endpoints::ISSUE_ATTACHMENTS,
                shape: Shape::Within("/fields/attachment"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::IssueTransitions,
            "issue_transitions",
            ISSUE_TRANSITIONS,
            PerParent {
                path: endpoints::ISSUE_TRANSITIONS,
                shape: Shape::Within("/transitions"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::Watchers,
            "watchers",
            WATCHERS,
            PerParent {
                path: endpoints::ISSUE_WATCHERS,
                shape: Shape::Within("/watchers"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::Votes,
            "votes",
            VOTES,
            PerParent {
                path: endpoints::ISSUE_VOTES,
                shape: Shape::Within("/voters"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::IssueChangelogs,
            "issue_changelogs",
            ISSUE_CHANGELOGS,
            PerParent {
                path: endpoints::ISSUE_CHANGELOG,
                shape: Shape::Pages("values"),
                parents: Parents::Issues,
            },
        ),
        (
            Entity::ProjectCategories,
            "project_categories",
            PROJECT_CATEGORIES,
            List {
                path: endpoints::PROJECT_CATEGORIES,
                shape: Shape::Array,
            },
        ),
        (
            Entity::ProjectRoles,
            "project_roles",
            PROJECT_ROLES,
            PerParent {
                path: endpoints::PROJECT_ROLES,
                shape: Shape::Array,
                parents: Parents::Projects,
            },
        ),
        (
            Entity::Groups,
            "groups",
            GROUPS,
            List {
                path: endpoints::GROUPS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::GroupMembers,
            "group_members",
            GROUP_MEMBERS,
            PerParent {
                path: endpoints::GROUP_MEMBERS,
                shape: Shape::Pages("values"),
                parents: Parents::Groups,
            },
        ),
        (
            Entity::Filters,
            "filters",
            FILTERS,
            List {
                path: endpoints::FILTERS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Dashboards,
            "dashboards",
            DASHBOARDS,
            List {
                path: endpoints::DASHBOARDS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Workflows,
            "workflows",
            WORKFLOWS,
            List {
                path: endpoints::WORKFLOWS,
                shape: Shape::Pages("values"),
            },
        ),
        (
            Entity::Epics,
            "epics",
            EPICS,
            PerParent {
                path: endpoints::BOARD_EPICS,
                shape: Shape::Pages("values"),
                parents: Parents::Boards,
            },
        ),
        (
            Entity::BoardIssues,
            "board_issues",
            BOARD_ISSUES,
            PerParent {
                path: endpoints::BOARD_ISSUES,
                shape: Shape::Pages("issues"),
                parents: Parents::Boards,
            },
        ),
        (
            Entity::SprintIssues,
            "sprint_issues",
            SPRINT_ISSUES,
            PerParent {
                path: endpoints::SPRINT_ISSUES,
                shape: Shape::Pages("issues"),
                parents: Parents::Sprints,
            },
        ),
        (
            Entity::BacklogIssues,
            "backlog_issues",
            BACKLOG_ISSUES,
            PerParent {
                path: endpoints::BOARD_BACKLOG,
                shape: Shape::Pages("issues"),
                parents: Parents::ScrumBoards,
            },
        ),
        (
            Entity::CustomFieldOptions,
            "custom_field_options",
            CUSTOM_FIELD_OPTIONS,
            Listing::Nested {
                outer: endpoints::FIELD_CONTEXTS,
                inner: endpoints::FIELD_CONTEXT_OPTIONS,
                parents: Parents::OptionFields,
            },
        ),
    ]
};

impl Entity {
    fn entry(self) -> &'static (Entity, &'static str, &'static [Column], Listing) {
        ENTITIES
            .iter()
            .find(|e| e.0 == self)
            .unwrap_or(&ENTITIES[0])
    }

    /// Every entity, for messages and IMPORT FOREIGN SCHEMA.
    pub fn all() -> impl Iterator<Item = Entity> {
        ENTITIES.iter().map(|e| e.0)
    }

    /// The entity's table name.
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// Where the rows come from.
    pub fn listing(self) -> Listing {
        self.entry().3
    }

    /// Where the entity's rows are changed; `None` when they cannot be from SQL.
    pub fn writes(self) -> Option<Writes> {
        use crate::jira::endpoints as e;
        Some(match self {
            Entity::Issues => Writes {
                bulk: Some(e::ISSUE_BULK),
                wrapped: true,
                ..Writes::by_id(e::ISSUE_CREATE, e::ISSUE)
            },
            Entity::Comments => Writes::by_id(e::ISSUE_COMMENTS, e::ISSUE_COMMENT),
            Entity::Worklogs => Writes::by_id(e::ISSUE_WORKLOGS, e::ISSUE_WORKLOG),
            Entity::ProjectVersions => Writes::by_id(e::VERSION_CREATE, e::VERSION),
            Entity::ProjectComponents => Writes::by_id(e::COMPONENT_CREATE, e::COMPONENT),
            Entity::IssueLinks => Writes {
                edits: false,
                answers_id: false,
                parent_fills: &["inwardIssue", "outwardIssue"],
                ..Writes::by_id(e::ISSUE_LINK_CREATE, e::ISSUE_LINK)
            },
            Entity::Sprints => Writes {
                edits_by_post: true,
                ..Writes::by_id(e::SPRINT_CREATE, e::SPRINT)
            },
            Entity::Attachments => Writes {
                edits: false,
                inserts: false,
                ..Writes::by_id(e::ISSUE_ATTACH, e::ATTACHMENT)
            },
            Entity::Watchers => Writes {
                identity: "account_id",
                edits: false,
                answers_id: false,
                bare: Some("accountId"),
                ..Writes::by_id(e::ISSUE_WATCHERS, e::ISSUE_WATCHER)
            },
            _ => return None,
        })
    }

    /// Parses the `entity` option (case-insensitive).
    pub fn parse(value: &str) -> Result<Entity> {
        Entity::all()
            .find(|e| e.name().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| {
                Error::option(
                    format!("unknown entity \"{value}\""),
                    Some(format!(
                        "Known entities: {}.",
                        Entity::all()
                            .map(|e| e.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )
            })
    }

    /// The entity's columns, in their documented order.
    pub fn columns(self) -> &'static [Column] {
        self.entry().2
    }

    /// Finds a column by name (custom fields of issues also by id), or explains which names
    /// are valid.
    pub fn column(self, name: &str) -> Result<&'static Column> {
        self.columns()
            .iter()
            .find(|c| c.name == name)
            .or_else(|| match self {
                Entity::Issues => custom::lookup(name),
                _ => None,
            })
            .ok_or_else(|| Error::Definition {
                message: format!(
                    "column \"{name}\" is not a column of the Jira entity \"{}\"",
                    self.name()
                ),
                hint: Some(format!(
                    "Valid columns: {}.",
                    self.columns()
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            })
    }
}

/// The Jira fields to request for a set of columns, deduplicated, in a stable order.
/// A column that needs the raw `fields` object turns the request into `*all`.
pub fn fields_for(columns: &[&Column]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for column in columns {
        for field in column.fields {
            if *field == "*all" {
                return vec!["*all".to_string()];
            }
            if !out.iter().any(|f| f == field) {
                out.push(field.to_string());
            }
        }
    }
    if out.is_empty() {
        // Jira's default; asking explicitly keeps the request self-describing.
        out.push("id".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_column_lists_valid_ones() {
        let err = Entity::Issues.column("sumary").unwrap_err();
        assert!(err.to_string().contains("\"sumary\""));
        let hint = err.hint().unwrap();
        assert!(hint.contains("summary") && hint.contains("status_name"));
    }

    #[test]
    fn fields_are_deduplicated_and_all_wins() {
        let cols = Entity::Issues.columns();
        let pick = |n: &str| cols.iter().find(|c| c.name == n).unwrap();
        assert_eq!(
            fields_for(&[pick("status_name"), pick("status_id"), pick("key")]),
            vec!["status"]
        );
        assert_eq!(fields_for(&[pick("key")]), vec!["id"]);
        assert_eq!(fields_for(&[pick("summary"), pick("fields")]), vec!["*all"]);
    }

    #[test]
    fn entity_names_parse_case_insensitively() {
        assert_eq!(Entity::parse("Issues").unwrap(), Entity::Issues);
        assert!(Entity::parse("issue")
            .unwrap_err()
            .hint()
            .unwrap()
            .contains("issues"));
    }
}
