//! The `issues` entity: columns of the contract, read from `search/jql` and `issue/bulkfetch`.

use serde_json::Value;

use super::value::{date, int, names, rich_text, text, timestamp};
use super::{Cell, Column, Encode, PgType, Rule, Source, Write};
use crate::error::Result;

/// `fields.<field>`.
fn field<'a>(issue: &'a Value, name: &str) -> Option<&'a Value> {
    issue.get("fields")?.get(name)
}

/// `fields.<field>.<member>`.
fn member<'a>(issue: &'a Value, name: &str, member: &str) -> Option<&'a Value> {
    field(issue, name)?.get(member)
}

macro_rules! column {
    ($name:literal, $ty:ident, [$($f:literal),*], $rule:expr, |$issue:ident| $read:expr) => {
        column!($name, $ty, [$($f),*], $rule, None, Write::No, |$issue| $read)
    };
    ($name:literal, $ty:ident, [$($f:literal),*], $rule:expr, writes $write:expr, |$issue:ident| $read:expr) => {
        column!($name, $ty, [$($f),*], $rule, None, $write, |$issue| $read)
    };
    ($name:literal, $ty:ident, [$($f:literal),*], $rule:expr, $order:expr, |$issue:ident| $read:expr) => {
        column!($name, $ty, [$($f),*], $rule, $order, Write::No, |$issue| $read)
    };
    ($name:literal, $ty:ident, [$($f:literal),*], $rule:expr, $order:expr, $write:expr, |$issue:ident| $read:expr) => {
        Column {
            name: $name,
            ty: PgType::$ty,
            fields: &[$($f),*],
            rule: $rule,
            order: $order,
            write: $write,
            source: Source::Json({
                fn read($issue: &Value) -> Result<Cell> {
                    #[allow(unused)]
                    const NAME: &str = $name;
                    $read
                }
                read
            }),
        }
    };
}

/// The contract's `issues` columns.
pub static COLUMNS: &[Column] = &[
    column!("id", Int8, [], Rule::Id, |i| int("id", i.get("id"))),
    column!("key", Text, [], Rule::Key, |i| text("key", i.get("key"))),
    column!(
        "project_id",
        Int8,
        ["project"],
        Rule::Named {
            field: "project",
            nullable: false
        },
        writes Write::Field("project", Encode::Id),
        |i| int(NAME, member(i, "project", "id"))
    ),
    column!(
        "project_key",
        Text,
        ["project"],
        Rule::Named {
            field: "project",
            nullable: false
        },
        writes Write::Field("project", Encode::Key),
        |i| text(NAME, member(i, "project", "key"))
    ),
    column!(
        "project_name",
        Text,
        ["project"],
        Rule::Named {
            field: "project",
            nullable: false
        },
        |i| text(NAME, member(i, "project", "name"))
    ),
    column!(
        "issue_type_id",
        Text,
        ["issuetype"],
        Rule::Named {
            field: "issuetype",
            nullable: false
        },
        writes Write::Field("issuetype", Encode::Id),
        |i| text(NAME, member(i, "issuetype", "id"))
    ),
    column!(
        "issue_type_name",
        Text,
        ["issuetype"],
        Rule::Named {
            field: "issuetype",
            nullable: false
        },
        writes Write::Field("issuetype", Encode::Name),
        |i| text(NAME, member(i, "issuetype", "name"))
    ),
    column!(
        "parent_key",
        Text,
        ["parent"],
        Rule::Named {
            field: "parent",
            nullable: false
        },
        writes Write::Field("parent", Encode::Key),
        |i| text(NAME, member(i, "parent", "key"))
    ),
    column!(
        "status_id",
        Text,
        ["status"],
        Rule::Named {
            field: "status",
            nullable: false
        },
        writes Write::Status { by_id: true },
        |i| text(NAME, member(i, "status", "id"))
    ),
    column!(
        "status_name",
        Text,
        ["status"],
        Rule::Named {
            field: "status",
            nullable: false
        },
        writes Write::Status { by_id: false },
        |i| text(NAME, member(i, "status", "name"))
    ),
    column!(
        "status_category",
        Text,
        ["status"],
        Rule::Named {
            field: "statusCategory",
            nullable: false
        },
        |i| text(
            NAME,
            member(i, "status", "statusCategory").and_then(|c| c.get("name"))
        )
    ),
    column!(
        "priority_id",
        Text,
        ["priority"],
        Rule::Named {
            field: "priority",
            nullable: true
        },
        writes Write::Field("priority", Encode::Id),
        |i| text(NAME, member(i, "priority", "id"))
    ),
    column!(
        "priority_name",
        Text,
        ["priority"],
        Rule::Named {
            field: "priority",
            nullable: true
        },
        writes Write::Field("priority", Encode::Name),
        |i| text(NAME, member(i, "priority", "name"))
    ),
    column!(
        "resolution_name",
        Text,
        ["resolution"],
        Rule::Named {
            field: "resolution",
            nullable: true
        },
        |i| text(NAME, member(i, "resolution", "name"))
    ),
    column!(
        "resolution_date",
        Timestamptz,
        ["resolutiondate"],
        Rule::Timestamp {
            field: "resolutiondate",
            nullable: true
        },
        |i| timestamp(NAME, field(i, "resolutiondate"))
    ),
    column!("summary", Text, ["summary"], Rule::Text("summary"), writes Write::Field("summary", Encode::Text),
        |i| {
        text(NAME, field(i, "summary"))
    }),
    column!("description", Text, ["description"], Rule::None, writes Write::Field("description", Encode::Rich),
        |i| {
        rich_text(NAME, field(i, "description"))
    }),
    column!("environment", Text, ["environment"], Rule::None, writes Write::Field("environment", Encode::Rich),
        |i| {
        rich_text(NAME, field(i, "environment"))
    }),
    column!(
        "labels",
        TextArray,
        ["labels"],
        Rule::Names("labels"),
        writes Write::Field("labels", Encode::Strings),
        |i| names(NAME, field(i, "labels"), "name")
    ),
    column!(
        "components",
        TextArray,
        ["components"],
        Rule::Names("component"),
        writes Write::Field("components", Encode::Names),
        |i| names(NAME, field(i, "components"), "name")
    ),
    column!(
        "fix_versions",
        TextArray,
        ["fixVersions"],
        Rule::Names("fixVersion"),
        writes Write::Field("fixVersions", Encode::Names),
        |i| names(NAME, field(i, "fixVersions"), "name")
    ),
    column!(
        "assignee_account_id",
        Text,
        ["assignee"],
        Rule::Account("assignee"),
        writes Write::Field("assignee", Encode::Account),
        |i| text(NAME, member(i, "assignee", "accountId"))
    ),
    column!(
        "assignee_display_name",
        Text,
        ["assignee"],
        Rule::None,
        |i| text(NAME, member(i, "assignee", "displayName"))
    ),
    column!(
        "reporter_account_id",
        Text,
        ["reporter"],
        Rule::Account("reporter"),
        writes Write::Field("reporter", Encode::Account),
        |i| text(NAME, member(i, "reporter", "accountId"))
    ),
    column!(
        "reporter_display_name",
        Text,
        ["reporter"],
        Rule::None,
        |i| text(NAME, member(i, "reporter", "displayName"))
    ),
    column!(
        "creator_account_id",
        Text,
        ["creator"],
        Rule::Account("creator"),
        |i| text(NAME, member(i, "creator", "accountId"))
    ),
    column!("creator_display_name", Text, ["creator"], Rule::None, |i| {
        text(NAME, member(i, "creator", "displayName"))
    }),
    column!(
        "created",
        Timestamptz,
        ["created"],
        Rule::Timestamp {
            field: "created",
            nullable: false
        },
        Some("created"),
        |i| timestamp(NAME, field(i, "created"))
    ),
    column!(
        "updated",
        Timestamptz,
        ["updated"],
        Rule::Timestamp {
            field: "updated",
            nullable: false
        },
        Some("updated"),
        |i| timestamp(NAME, field(i, "updated"))
    ),
    column!("due_date", Date, ["duedate"], Rule::Date("due"), writes Write::Field("duedate", Encode::Date),
        |i| date(
        NAME,
        field(i, "duedate")
    )),
    column!("time_spent_seconds", Int8, ["timespent"], Rule::None, |i| {
        int(NAME, field(i, "timespent"))
    }),
    column!(
        "original_estimate_seconds",
        Int8,
        ["timeoriginalestimate"],
        Rule::None,
        writes Write::Field("timetracking", Encode::EstimateMinutes),
        |i| int(NAME, field(i, "timeoriginalestimate"))
    ),
    column!("fields", Jsonb, ["*all"], Rule::None, |i| Ok(
        match i.get("fields") {
            Some(f) => Cell::Json(f.clone()),
            None => Cell::Null,
        }
    )),
    column!("custom_fields", Jsonb, ["*all"], Rule::None, |i| {
        super::custom::all_of(i)
    }),
    super::JQL_COLUMN,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(name: &str, issue: &Value) -> Cell {
        let col = COLUMNS.iter().find(|c| c.name == name).unwrap();
        match col.source {
            Source::Json(r) => r(issue).unwrap(),
            _ => panic!("not a JSON column"),
        }
    }

    #[test]
    fn reads_a_recorded_cloud_issue() {
        let raw = include_str!("../../tests/data/cloud_issue.json");
        let issue: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(read("id", &issue), Cell::Int(10002));
        assert_eq!(read("key", &issue), Cell::Text("ED-1".into()));
        assert_eq!(read("project_key", &issue), Cell::Text("ED".into()));
        assert_eq!(read("project_id", &issue), Cell::Int(10000));
        assert_eq!(read("status_category", &issue), Cell::Text("To Do".into()));
        assert_eq!(read("assignee_account_id", &issue), Cell::Null);
        assert_eq!(
            read("labels", &issue),
            Cell::TextArray(vec!["bugfix".into(), "blitz_test".into()])
        );
        assert_eq!(read("components", &issue), Cell::TextArray(vec![]));
        let Cell::Timestamp(created) = read("created", &issue) else {
            panic!("created is not a timestamp")
        };
        assert_eq!(created.to_rfc3339(), "2020-01-01T10:11:12.345+05:30");
        assert_eq!(
            read("description", &issue),
            Cell::Text("Order entry fails when selecting supplier.\n\n- one\n- two".into())
        );
        assert_eq!(read("time_spent_seconds", &issue), Cell::Int(3600));
        assert_eq!(read("due_date", &issue), Cell::Null);
    }

    #[test]
    fn missing_fields_are_null_not_errors() {
        let issue = json!({"id": "1", "key": "A-1", "fields": {}});
        for col in COLUMNS {
            if let Source::Json(r) = col.source {
                let cell = r(&issue).unwrap();
                if !matches!(col.name, "id" | "key" | "fields" | "custom_fields") {
                    assert_eq!(cell, Cell::Null, "{}", col.name);
                }
            }
        }
    }

    #[test]
    fn wrong_json_types_are_errors() {
        let issue = json!({"id": "1", "key": "A-1", "fields": {"labels": "oops", "created": 5}});
        let col = COLUMNS.iter().find(|c| c.name == "labels").unwrap();
        let Source::Json(r) = col.source else {
            panic!()
        };
        assert!(r(&issue).is_err());
    }
}
