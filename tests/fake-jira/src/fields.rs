//! The field list of `GET /rest/api/3/field`: system fields and the custom fields, with their
//! JQL clause names and schemas, so the wrapper can map columns and custom field names.

use crate::data::{CustomFieldKind, CUSTOM_FIELDS};
use serde_json::{json, Value};

/// (id, name, clause names, schema type, items, orderable, searchable, navigable)
type SystemField = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
    bool,
    bool,
    bool,
);

const SYSTEM_FIELDS: [SystemField; 30] = [
    (
        "issuekey",
        "Key",
        &["id", "issue", "issuekey", "key"],
        "",
        None,
        false,
        false,
        true,
    ),
    (
        "summary",
        "Summary",
        &["summary"],
        "string",
        None,
        true,
        true,
        true,
    ),
    (
        "description",
        "Description",
        &["description"],
        "string",
        None,
        true,
        true,
        true,
    ),
    (
        "environment",
        "Environment",
        &["environment"],
        "string",
        None,
        true,
        true,
        true,
    ),
    (
        "project",
        "Project",
        &["project"],
        "project",
        None,
        false,
        true,
        true,
    ),
    (
        "issuetype",
        "Issue Type",
        &["issuetype", "type"],
        "issuetype",
        None,
        true,
        true,
        true,
    ),
    ("parent", "Parent", &["parent"], "", None, true, true, true),
    (
        "subtasks",
        "Sub-tasks",
        &["subtasks"],
        "array",
        Some("issuelinks"),
        false,
        false,
        true,
    ),
    (
        "status",
        "Status",
        &["status"],
        "status",
        None,
        false,
        true,
        true,
    ),
    (
        "statusCategory",
        "Status Category",
        &["statusCategory"],
        "statusCategory",
        None,
        false,
        true,
        false,
    ),
    (
        "priority",
        "Priority",
        &["priority"],
        "priority",
        None,
        true,
        true,
        true,
    ),
    (
        "resolution",
        "Resolution",
        &["resolution"],
        "resolution",
        None,
        true,
        true,
        true,
    ),
    (
        "resolutiondate",
        "Resolved",
        &["resolutiondate", "resolved"],
        "datetime",
        None,
        false,
        true,
        true,
    ),
    (
        "labels",
        "Labels",
        &["labels"],
        "array",
        Some("string"),
        true,
        true,
        true,
    ),
    (
        "components",
        "Components",
        &["component"],
        "array",
        Some("component"),
        true,
        true,
        true,
    ),
    (
        "fixVersions",
        "Fix versions",
        &["fixVersion"],
        "array",
        Some("version"),
        true,
        true,
        true,
    ),
    (
        "versions",
        "Affects versions",
        &["affectedVersion"],
        "array",
        Some("version"),
        true,
        true,
        true,
    ),
    (
        "assignee",
        "Assignee",
        &["assignee"],
        "user",
        None,
        true,
        true,
        true,
    ),
    (
        "reporter",
        "Reporter",
        &["reporter"],
        "user",
        None,
        true,
        true,
        true,
    ),
    (
        "creator",
        "Creator",
        &["creator"],
        "user",
        None,
        false,
        true,
        true,
    ),
    (
        "created",
        "Created",
        &["created", "createdDate"],
        "datetime",
        None,
        false,
        true,
        true,
    ),
    (
        "updated",
        "Updated",
        &["updated", "updatedDate"],
        "datetime",
        None,
        false,
        true,
        true,
    ),
    (
        "duedate",
        "Due date",
        &["due", "duedate"],
        "date",
        None,
        true,
        true,
        true,
    ),
    (
        "timespent",
        "Time Spent",
        &["timespent"],
        "number",
        None,
        false,
        false,
        true,
    ),
    (
        "timeoriginalestimate",
        "Original estimate",
        &["originalEstimate", "timeoriginalestimate"],
        "number",
        None,
        false,
        true,
        true,
    ),
    (
        "timeestimate",
        "Remaining Estimate",
        &["remainingEstimate", "timeestimate"],
        "number",
        None,
        false,
        true,
        true,
    ),
    (
        "issuelinks",
        "Linked Issues",
        &["issueLink"],
        "array",
        Some("issuelinks"),
        true,
        false,
        true,
    ),
    (
        "watches",
        "Watchers",
        &["watchers"],
        "watches",
        None,
        false,
        true,
        true,
    ),
    (
        "votes",
        "Votes",
        &["votes"],
        "votes",
        None,
        false,
        true,
        true,
    ),
    (
        "lastViewed",
        "Last Viewed",
        &["lastViewed"],
        "datetime",
        None,
        false,
        false,
        true,
    ),
];

fn custom_schema(kind: CustomFieldKind, id: u32) -> Value {
    let p = "com.atlassian.jira.plugin.system.customfieldtypes";
    let (ty, items, custom) = match kind {
        CustomFieldKind::Number => ("number", None, "float"),
        CustomFieldKind::Option => ("option", None, "select"),
        CustomFieldKind::StringArray => ("array", Some("string"), "labels"),
        CustomFieldKind::Date => ("date", None, "datepicker"),
        CustomFieldKind::DateTime => ("datetime", None, "datetime"),
        CustomFieldKind::User => ("user", None, "userpicker"),
        CustomFieldKind::Textarea => ("string", None, "textarea"),
    };
    let mut v = json!({"type": ty, "custom": format!("{p}:{custom}"), "customId": id});
    if let Some(items) = items {
        v["items"] = json!(items);
    }
    v
}

/// The whole `GET /field` answer.
pub fn field_list() -> Value {
    let mut out: Vec<Value> = SYSTEM_FIELDS
        .iter()
        .map(
            |(id, name, clauses, ty, items, orderable, searchable, navigable)| {
                let mut v = json!({
                    "id": id, "key": id, "name": name, "custom": false, "orderable": orderable,
                    "navigable": navigable, "searchable": searchable, "clauseNames": clauses,
                });
                if !ty.is_empty() {
                    let mut schema = json!({"type": ty, "system": id});
                    if let Some(items) = items {
                        schema["items"] = json!(items);
                    }
                    v["schema"] = schema;
                }
                v
            },
        )
        .collect();
    for def in CUSTOM_FIELDS.iter() {
        out.push(json!({
            "id": def.field_id(), "key": def.field_id(), "name": def.name, "untranslatedName": def.name,
            "custom": true, "orderable": true, "navigable": true, "searchable": true,
            "clauseNames": [format!("cf[{}]", def.id), def.name],
            "schema": custom_schema(def.kind, def.id),
        }));
    }
    Value::Array(out)
}
