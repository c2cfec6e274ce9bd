//! The internal model of the fake instance's data: plain typed structs from which both the
//! JSON responses and the SQL oracle are produced.

pub mod agile;
mod catalog;
pub mod children;
mod generate;
pub mod history;
pub mod links;
pub mod registry;
mod text;

use crate::adf::Doc;
use chrono::{DateTime, FixedOffset, NaiveDate};

pub use catalog::{Catalog, CustomFieldDef, CustomFieldKind, CUSTOM_FIELDS};
pub use generate::generate;

/// A project.
#[derive(Clone, Debug)]
pub struct Project {
    /// Numeric id (10000, 10001, ...).
    pub id: u64,
    /// Project key, e.g. `ALPHA`.
    pub key: String,
    /// Display name.
    pub name: String,
}

/// A user account.
#[derive(Clone, Debug)]
pub struct User {
    /// Atlassian account id.
    pub account_id: String,
    /// `atlassian` or `app`.
    pub account_type: String,
    /// Display name (unicode).
    pub display_name: String,
    /// E-mail address, hidden for some users as on real Cloud.
    pub email: Option<String>,
    /// Whether the account is active.
    pub active: bool,
    /// Profile time zone, hidden for some users.
    pub time_zone: Option<String>,
}

/// A status category (`new`, `indeterminate`, `done`).
#[derive(Clone, Debug)]
pub struct StatusCategory {
    /// Numeric id.
    pub id: u64,
    /// Key, e.g. `indeterminate`.
    pub key: String,
    /// Name, e.g. `In Progress`.
    pub name: String,
    /// Jira's colour name.
    pub color: String,
}

/// A workflow status.
#[derive(Clone, Debug)]
pub struct Status {
    /// Id (a numeric string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Index into [`Catalog::categories`].
    pub category: usize,
}

/// An issue type.
#[derive(Clone, Debug)]
pub struct IssueType {
    /// Id (numeric string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether issues of this type are sub-tasks (have a parent).
    pub subtask: bool,
    /// Hierarchy level (-1 sub-task, 0 standard, 1 epic).
    pub hierarchy_level: i32,
}

/// A priority; `rank` orders them (higher is more urgent).
#[derive(Clone, Debug)]
pub struct Priority {
    /// Id (numeric string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Sort rank: Lowest 1 .. Highest 5.
    pub rank: u32,
}

/// A resolution.
#[derive(Clone, Debug)]
pub struct Resolution {
    /// Id (numeric string).
    pub id: String,
    /// Name.
    pub name: String,
}

/// A project component.
#[derive(Clone, Debug)]
pub struct Component {
    /// Id (numeric string).
    pub id: String,
    /// Name (may contain commas and quotes).
    pub name: String,
    /// Description.
    pub description: String,
    /// Index into [`Catalog::users`] of the lead, if any.
    pub lead: Option<usize>,
    /// Deleted by a client (indices of the others stay as they are).
    pub deleted: bool,
}

/// A project version (fix version).
#[derive(Clone, Debug)]
pub struct Version {
    /// Id (numeric string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Released flag.
    pub released: bool,
    /// Archived flag.
    pub archived: bool,
    /// Description.
    pub description: String,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// Release date.
    pub release_date: Option<NaiveDate>,
    /// Deleted by a client (indices of the others stay as they are).
    pub deleted: bool,
}

/// An option of a select custom field.
#[derive(Clone, Debug)]
pub struct FieldOption {
    /// Id (numeric string).
    pub id: String,
    /// Shown value.
    pub value: String,
}

/// Values of the custom fields of one issue (`None` = null in Jira).
#[derive(Clone, Debug, Default)]
pub struct CustomValues {
    /// customfield_10010 "Story Points" (number).
    pub story_points: Option<f64>,
    /// customfield_10011 "Team" (option): index into [`Catalog::team_options`].
    pub team: Option<usize>,
    /// customfield_10012 "Tags" (array of string); `Some(vec![])` is an empty array.
    pub tags: Option<Vec<String>>,
    /// customfield_10013 "Start date" (date).
    pub start_date: Option<NaiveDate>,
    /// customfield_10014 "Approved at" (datetime).
    pub approved_at: Option<DateTime<FixedOffset>>,
    /// customfield_10015 "Reviewer" (user): index into [`Catalog::users`].
    pub reviewer: Option<usize>,
    /// customfield_10016 "Notes" (textarea; ADF in API v3).
    pub notes: Option<Doc>,
    /// customfield_10017 "Story points" (number; its name clashes with 10010's).
    pub story_points_2: Option<f64>,
}

/// One issue. References to catalog entries are indices.
#[derive(Clone, Debug)]
pub struct Issue {
    /// Numeric id (10001, 10002, ...).
    pub id: u64,
    /// Key, e.g. `ALPHA-3`.
    pub key: String,
    /// The number part of the key.
    pub number: u64,
    /// Index into [`Catalog::projects`].
    pub project: usize,
    /// Index into [`Catalog::issue_types`].
    pub issue_type: usize,
    /// Index into [`Dataset::issues`] of the parent (sub-tasks only).
    pub parent: Option<usize>,
    /// Indices into [`Dataset::issues`] of the sub-tasks, in order.
    pub subtasks: Vec<usize>,
    /// Index into [`Catalog::statuses`].
    pub status: usize,
    /// Index into [`Catalog::priorities`].
    pub priority: Option<usize>,
    /// Index into [`Catalog::resolutions`].
    pub resolution: Option<usize>,
    /// When it was resolved (set exactly when `resolution` is).
    pub resolution_date: Option<DateTime<FixedOffset>>,
    /// One-line summary (may contain any unicode except NUL).
    pub summary: String,
    /// Description (ADF) or null.
    pub description: Option<Doc>,
    /// Environment (ADF) or null.
    pub environment: Option<Doc>,
    /// Labels in Jira's order.
    pub labels: Vec<String>,
    /// Indices into [`Catalog::components`].
    pub components: Vec<usize>,
    /// Indices into [`Catalog::versions`].
    pub fix_versions: Vec<usize>,
    /// Index into [`Catalog::users`].
    pub assignee: Option<usize>,
    /// Index into [`Catalog::users`].
    pub reporter: usize,
    /// Index into [`Catalog::users`].
    pub creator: usize,
    /// Creation time, in the offset Jira reports it with.
    pub created: DateTime<FixedOffset>,
    /// Last update time (>= created).
    pub updated: DateTime<FixedOffset>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Time spent in seconds.
    pub time_spent: Option<i64>,
    /// Original estimate in seconds.
    pub original_estimate: Option<i64>,
    /// Number of watchers.
    pub watch_count: u32,
    /// Number of votes.
    pub votes: u32,
    /// Custom field values.
    pub custom: CustomValues,
    /// Indices into [`Dataset::links`] of the links this issue takes part in, in id order.
    pub links: Vec<usize>,
    /// Attachments in upload order.
    pub attachments: Vec<links::Attachment>,
    /// Deleted by a client: found by nothing (ids and indices of the others stay as they are).
    pub deleted: bool,
    /// Created by a client rather than generated.
    pub written: bool,
    /// The comments once a client changed any: then served from here instead of generated.
    pub comments: Option<Vec<children::Comment>>,
    /// The worklogs once a client changed any (then `time_spent` is their sum).
    pub worklogs: Option<Vec<children::Worklog>>,
    /// The watchers once a client changed them (indices into [`Catalog::users`]).
    pub watchers: Option<Vec<usize>>,
}

/// The whole data set of one instance.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Projects, users, statuses and the other shared entities.
    pub catalog: Catalog,
    /// Issues in id order.
    pub issues: Vec<Issue>,
    /// Issue links in id order; both issues of a link list it.
    pub links: Vec<links::IssueLink>,
    /// The id the next child a client creates gets (above every generated id).
    pub next_child_id: u64,
    /// The boards and their sprints once a client changed a sprint (else generated).
    pub boards: Option<Vec<agile::Board>>,
}
