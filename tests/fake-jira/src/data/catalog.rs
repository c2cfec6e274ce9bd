//! The fixed entities of the fake instance: projects, users, statuses, types, priorities,
//! components, versions and custom field definitions.

use super::{
    Component, FieldOption, IssueType, Priority, Project, Resolution, Status, StatusCategory, User,
    Version,
};
use chrono::NaiveDate;

/// The schema type of a custom field, which decides its JSON shape and JQL comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomFieldKind {
    /// `number` (float).
    Number,
    /// `option` (single select).
    Option,
    /// `array` of `string` (labels-like).
    StringArray,
    /// `date`.
    Date,
    /// `datetime`.
    DateTime,
    /// `user` (user picker).
    User,
    /// `string` (textarea; ADF in API v3).
    Textarea,
}

/// Definition of one custom field, as listed by `GET /field`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomFieldDef {
    /// Numeric id: the field is `customfield_<id>`, JQL `cf[<id>]`.
    pub id: u32,
    /// Display name (JQL name).
    pub name: &'static str,
    /// Schema type.
    pub kind: CustomFieldKind,
}

impl CustomFieldDef {
    /// The field id, e.g. `customfield_10010`.
    pub fn field_id(&self) -> String {
        format!("customfield_{}", self.id)
    }
}

/// The custom fields of the instance. 10010 and 10017 have names equal up to case on purpose.
pub const CUSTOM_FIELDS: [CustomFieldDef; 8] = [
    CustomFieldDef {
        id: 10010,
        name: "Story Points",
        kind: CustomFieldKind::Number,
    },
    CustomFieldDef {
        id: 10011,
        name: "Team",
        kind: CustomFieldKind::Option,
    },
    CustomFieldDef {
        id: 10012,
        name: "Tags",
        kind: CustomFieldKind::StringArray,
    },
    CustomFieldDef {
        id: 10013,
        name: "Start date",
        kind: CustomFieldKind::Date,
    },
    CustomFieldDef {
        id: 10014,
        name: "Approved at",
        kind: CustomFieldKind::DateTime,
    },
    CustomFieldDef {
        id: 10015,
        name: "Reviewer",
        kind: CustomFieldKind::User,
    },
    CustomFieldDef {
        id: 10016,
        name: "Notes",
        kind: CustomFieldKind::Textarea,
    },
    CustomFieldDef {
        id: 10017,
        name: "Story points",
        kind: CustomFieldKind::Number,
    },
];

/// All shared entities; issues refer to them by index.
#[derive(Clone, Debug)]
pub struct Catalog {
    /// Projects (at least 4, with awkward names and a reserved-word key).
    pub projects: Vec<Project>,
    /// Users; index 0 is the authenticating user (`myself`).
    pub users: Vec<User>,
    /// Status categories.
    pub categories: Vec<StatusCategory>,
    /// Statuses, in workflow order (used by `ORDER BY status`).
    pub statuses: Vec<Status>,
    /// Issue types.
    pub issue_types: Vec<IssueType>,
    /// Priorities.
    pub priorities: Vec<Priority>,
    /// Resolutions.
    pub resolutions: Vec<Resolution>,
    /// Components with the index of their project.
    pub components: Vec<(usize, Component)>,
    /// Versions with the index of their project.
    pub versions: Vec<(usize, Version)>,
    /// Options of the "Team" select field.
    pub team_options: Vec<FieldOption>,
}

fn s(v: &str) -> String {
    v.to_string()
}

impl Catalog {
    /// Builds the catalog; `email` and `time_zone` describe the authenticating user.
    pub fn new(email: &str, time_zone: &str) -> Catalog {
        let projects: Vec<Project> = [
            ("ALPHA", "Alpha"),
            ("BETA", "Beta ✓ Ünïcode"),
            ("SET", "Set — reserved word key"),
            ("OPS", "Ops \"quoted\" 'project'"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (key, name))| Project {
            id: 10000 + i as u64,
            key: s(key),
            name: s(name),
        })
        .collect();
        let user =
            |id: &str, name: &str, email: Option<&str>, active: bool, tz: Option<&str>| User {
                account_id: s(id),
                account_type: s("atlassian"),
                display_name: s(name),
                email: email.map(s),
                active,
                time_zone: tz.map(s),
            };
        let mut users = vec![
            user(
                "5b10ac8d82e05b22cc7d4ef5",
                "Tess Tester",
                Some(email),
                true,
                Some(time_zone),
            ),
            user(
                "5b10a2844c20165700ede21g",
                "Zoë Åström",
                Some("zoe@example.com"),
                true,
                Some("Europe/Stockholm"),
            ),
            user(
                "5b10a0effa615349cb016cd8",
                "José Ñúñez",
                None,
                true,
                Some("America/Mexico_City"),
            ),
            user(
                "712020:0e9b3b4f-7a1c-4f4e-9d5e-1c2b3a4d5e6f",
                "李小龍",
                Some("li@example.com"),
                true,
                Some("Asia/Shanghai"),
            ),
            user(
                "5d9e6a7b8c0f1a2b3c4d5e6f",
                "Ольга Петрова",
                Some("olga@example.com"),
                true,
                None,
            ),
            user(
                "5e0f1a2b3c4d5e6f7a8b9c0d",
                "Seán O'Brien \"Bob\"",
                Some("sean@example.com"),
                true,
                Some("Europe/Dublin"),
            ),
            user(
                "60a1b2c3d4e5f60718293a4b",
                "Marta 🚀 Ruiz",
                None,
                true,
                Some("Asia/Kolkata"),
            ),
            user(
                "5a1b2c3d4e5f6a7b8c9d0e1f",
                "Former Employee",
                None,
                false,
                None,
            ),
        ];
        users.push(User {
            account_id: s("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"),
            account_type: s("app"),
            display_name: s("Automation for Jira"),
            email: None,
            active: true,
            time_zone: None,
        });
        let categories = vec![
            StatusCategory {
                id: 2,
                key: s("new"),
                name: s("To Do"),
                color: s("blue-gray"),
            },
            StatusCategory {
                id: 4,
                key: s("indeterminate"),
                name: s("In Progress"),
                color: s("yellow"),
            },
            StatusCategory {
                id: 3,
                key: s("done"),
                name: s("Done"),
                color: s("green"),
            },
        ];
        let statuses = vec![
            Status {
                id: s("10000"),
                name: s("To Do"),
                category: 0,
            },
            Status {
                id: s("3"),
                name: s("In Progress"),
                category: 1,
            },
            Status {
                id: s("10003"),
                name: s("Ärger"),
                category: 1,
            },
            Status {
                id: s("10001"),
                name: s("Done"),
                category: 2,
            },
            Status {
                id: s("10002"),
                name: s("Won't Do"),
                category: 2,
            },
        ];
        let issue_type = |id: &str, name: &str, subtask: bool, level: i32| IssueType {
            id: s(id),
            name: s(name),
            subtask,
            hierarchy_level: level,
        };
        let issue_types = vec![
            issue_type("10001", "Task", false, 0),
            issue_type("10002", "Bug", false, 0),
            issue_type("10003", "Story", false, 0),
            issue_type("10000", "Epic", false, 1),
            issue_type("10004", "Sub-task", true, -1),
        ];
        let priorities = [
            ("1", "Highest", 5),
            ("2", "High", 4),
            ("3", "Medium", 3),
            ("4", "Low", 2),
            ("5", "Lowest", 1),
        ]
        .iter()
        .map(|(id, name, rank)| Priority {
            id: s(id),
            name: s(name),
            rank: *rank,
        })
        .collect();
        let resolutions = vec![
            Resolution {
                id: s("10000"),
                name: s("Done"),
            },
            Resolution {
                id: s("10001"),
                name: s("Won't Do"),
            },
        ];
        let component_names = ["Backend", "Frontend", "Données ünicode", "API, \"v2\""];
        let version_names = [
            ("1.0", true, true),
            ("1.1", true, false),
            ("2.0-β", false, false),
        ];
        let mut components = Vec::new();
        let mut versions = Vec::new();
        let humans = users.len().saturating_sub(1).max(1);
        let day = |y: i32, m: u32, d: u32, plus: usize| {
            NaiveDate::from_ymd_opt(y, m, d).map(|x| x + chrono::Duration::days(plus as i64))
        };
        for (project, p) in projects.iter().enumerate() {
            let (key, title) = (&p.key, &p.name);
            for (j, name) in component_names.iter().enumerate() {
                let id = 10100 + project * 10 + j;
                components.push((
                    project,
                    Component {
                        id: id.to_string(),
                        name: s(name),
                        description: format!("Everything about {name} — «{key}»"),
                        lead: (j % 4 != 2).then_some((project + 2 * j + 1) % humans),
                        deleted: false,
                    },
                ));
            }
            for (j, (name, released, archived)) in version_names.iter().enumerate() {
                let id = 10200 + project * 10 + j;
                let (description, start_date, release_date) = match j {
                    0 => (
                        "First release".to_string(),
                        day(2023, 1, 9, project * 7),
                        day(2023, 6, 30, project),
                    ),
                    1 => (
                        format!("Maintenance release for {title}"),
                        None,
                        day(2023, 12, 15, project),
                    ),
                    _ => (
                        "Beta — nächste Version 🚧".to_string(),
                        day(2024, 1, 15, project),
                        if project % 2 == 0 {
                            day(2026, 9, 30, 0)
                        } else {
                            None
                        },
                    ),
                };
                versions.push((
                    project,
                    Version {
                        id: id.to_string(),
                        name: s(name),
                        released: *released,
                        archived: *archived,
                        description,
                        start_date,
                        release_date,
                        deleted: false,
                    },
                ));
            }
        }
        let team_options = ["Platform", "Mobile", "Données", "QA & Release"]
            .iter()
            .enumerate()
            .map(|(i, v)| FieldOption {
                id: (10300 + i).to_string(),
                value: s(v),
            })
            .collect();
        Catalog {
            projects,
            users,
            categories,
            statuses,
            issue_types,
            priorities,
            resolutions,
            components,
            versions,
            team_options,
        }
    }

    /// Indices of the components of a project.
    pub fn components_of(&self, project: usize) -> Vec<usize> {
        (0..self.components.len())
            .filter(|&i| self.components[i].0 == project && !self.components[i].1.deleted)
            .collect()
    }

    /// Indices of the versions of a project.
    pub fn versions_of(&self, project: usize) -> Vec<usize> {
        (0..self.versions.len())
            .filter(|&i| self.versions[i].0 == project && !self.versions[i].1.deleted)
            .collect()
    }
}
