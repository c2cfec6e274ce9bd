//! Changing issues, with Jira's rules (Data Center's text as strings and users by name): `POST /rest/api/3/issue` and `/issue/bulk` (at most 50,
//! each failure reported by its element number), `PUT` and `DELETE /issue/{idOrKey}`, and
//! `POST /issue/{idOrKey}/transitions`. Fields are checked as Jira checks them: required ones,
//! ADF for rich text, names and ids that must exist, and `status` only through a transition.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde_json::{json, Map, Value};

use super::children::{comment_json, worklog_json};
use super::datacenter;
use super::errors::{bad_request, jira_error, ApiError, NO_ISSUE};
use super::{params, Shared};
use crate::adf::{Block, Doc, Inline};
use crate::data::children::{comments, worklogs, Comment, Worklog};
use crate::data::{CustomValues, Dataset, Issue};
use crate::Deployment;

/// The most issues one bulk create takes.
pub const BULK_LIMIT: usize = 50;

/// Field errors, as Jira's `errors` object lists them.
type FieldErrors = BTreeMap<String, String>;

fn field_errors(errors: &FieldErrors) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"errorMessages": [], "errors": errors})),
    )
        .into_response()
}

fn body_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(
            "Unexpected character: the request body is not a JSON object.",
        )),
    }
}

/// The `fields` object of a create or edit body.
fn fields_of(map: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    match map.get("fields") {
        Some(Value::Object(fields)) => Ok(fields.clone()),
        None if map.contains_key("update") || map.contains_key("transition") => Ok(Map::new()),
        _ => Err(ApiError::bad_request(
            "The request body has no \"fields\" object.",
        )),
    }
}

/// `POST /rest/api/3/issue`.
pub async fn create_issue(State(state): State<Shared>, body: Bytes) -> Response {
    let fields = match body_object(&body).and_then(|m| fields_of(&m)) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let now = state.now();
    let dialect = state.config.deployment;
    let created = state.change(|ds| create(ds, &fields, now, dialect));
    match created {
        Ok(index) => (StatusCode::CREATED, Json(reference(&state, index))).into_response(),
        Err(errors) => field_errors(&errors),
    }
}

/// `POST /rest/api/3/issue/bulk`: `{"issueUpdates": [...]}`; what can be created is, and each
/// failure names its element.
pub async fn bulk_create(State(state): State<Shared>, body: Bytes) -> Response {
    let map = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let Some(Value::Array(updates)) = map.get("issueUpdates") else {
        return bad_request("The request body has no \"issueUpdates\" array.");
    };
    if updates.len() > BULK_LIMIT {
        return bad_request(format!(
            "Bulk create is limited to {BULK_LIMIT} issues per request."
        ));
    }
    let now = state.now();
    let dialect = state.config.deployment;
    let outcomes: Vec<Result<usize, FieldErrors>> = state.change(|ds| {
        updates
            .iter()
            .map(|u| match u.get("fields") {
                Some(Value::Object(fields)) => create(ds, fields, now, dialect),
                _ => Err(FieldErrors::from([(
                    "fields".to_string(),
                    "The issue has no fields.".to_string(),
                )])),
            })
            .collect()
    });
    let mut issues = Vec::new();
    let mut errors = Vec::new();
    for (n, outcome) in outcomes.into_iter().enumerate() {
        match outcome {
            Ok(index) => issues.push(reference(&state, index)),
            Err(e) => errors.push(json!({
                "status": 400,
                "elementErrors": {"errorMessages": [], "errors": e},
                "failedElementNumber": n,
            })),
        }
    }
    let status = if issues.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::CREATED
    };
    (status, Json(json!({"issues": issues, "errors": errors}))).into_response()
}

/// `PUT /rest/api/3/issue/{idOrKey}`: sets the given fields; 204.
pub async fn edit_issue(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    body: Bytes,
) -> Response {
    let fields = match body_object(&body).and_then(|m| fields_of(&m)) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let now = state.now();
    let dialect = state.config.deployment;
    let edited = state.change(|ds| {
        let mut issue = ds.issues[index].clone();
        apply(ds, &mut issue, &fields, false, dialect)?;
        issue.updated = now;
        ds.issues[index] = issue;
        Ok::<(), FieldErrors>(())
    });
    match edited {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(errors) => field_errors(&errors),
    }
}

/// `DELETE /rest/api/3/issue/{idOrKey}`: 204; an issue with sub-tasks needs
/// `deleteSubtasks=true`, which deletes them too.
pub async fn delete_issue(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let pairs = params::pairs(q.as_deref());
    let with_subtasks = params::last(&pairs, "deleteSubtasks").is_some_and(|v| v == "true");
    let deleted = state.change(|ds| {
        let live: Vec<usize> = ds.issues[index]
            .subtasks
            .iter()
            .copied()
            .filter(|&s| !ds.issues[s].deleted)
            .collect();
        if !live.is_empty() && !with_subtasks {
            return Err(format!(
                "The issue has {} subtasks. You must specify the 'deleteSubtasks' parameter to delete this issue with all its subtasks.",
                live.len()
            ));
        }
        for s in live {
            ds.issues[s].deleted = true;
        }
        ds.issues[index].deleted = true;
        Ok(())
    });
    match deleted {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => bad_request(message),
    }
}

/// The id of the transition to status `s` (one global transition to each other status).
pub fn transition_id(status: usize) -> String {
    (10 * (status + 1) + 1).to_string()
}

/// `POST /rest/api/3/issue/{idOrKey}/transitions`: `{"transition": {"id": ...}}`; 204.
pub async fn transition_issue(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    body: Bytes,
) -> Response {
    let map = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let id = match map.get("transition").and_then(|t| t.get("id")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return bad_request("Missing transition id."),
    };
    let now = state.now();
    let moved = state.change(|ds| {
        let current = ds.issues[index].status;
        let target = (0..ds.catalog.statuses.len())
            .find(|&s| s != current && transition_id(s) == id)
            .ok_or_else(|| format!("Transition id '{id}' is not valid for this issue."))?;
        let done = ds.catalog.categories[ds.catalog.statuses[target].category].key == "done";
        let issue = &mut ds.issues[index];
        issue.status = target;
        if done && issue.resolution.is_none() {
            issue.resolution = Some(0);
            issue.resolution_date = Some(now);
        } else if !done {
            issue.resolution = None;
            issue.resolution_date = None;
        }
        issue.updated = now;
        Ok::<(), String>(())
    });
    match moved {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => bad_request(message),
    }
}

/// `{"id", "key", "self"}` of the issue at `index`, as a create answers.
fn reference(state: &Shared, index: usize) -> Value {
    let ds = state.data();
    let issue = &ds.issues[index];
    json!({
        "id": issue.id.to_string(),
        "key": issue.key,
        "self": format!("{}/rest/api/3/issue/{}", state.base_url, issue.id),
    })
}

/// Creates an issue from `fields`; its index.
fn create(
    ds: &mut Dataset,
    fields: &Map<String, Value>,
    now: DateTime<FixedOffset>,
    dialect: Deployment,
) -> Result<usize, FieldErrors> {
    let mut errors = FieldErrors::new();
    let project = match fields.get("project") {
        Some(p) => find(
            ds.catalog
                .projects
                .iter()
                .map(|p| (p.id.to_string(), p.key.clone())),
            p,
        )
        .ok_or("project is required")
        .map_err(|_| "Specify a valid project ID or key".to_string()),
        None => Err("Specify a valid project ID or key".to_string()),
    };
    let issue_type = match fields.get("issuetype") {
        Some(t) => find(
            ds.catalog
                .issue_types
                .iter()
                .map(|t| (t.id.clone(), t.name.clone())),
            t,
        )
        .ok_or_else(|| "Specify a valid issue type".to_string()),
        None => Err("Specify an issue type".to_string()),
    };
    if fields
        .get("summary")
        .and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
    {
        errors.insert(
            "summary".into(),
            "You must specify a summary of the issue.".into(),
        );
    }
    let (project, issue_type) = match (project, issue_type) {
        (Ok(p), Ok(t)) => (p, t),
        (p, t) => {
            if let Err(e) = p {
                errors.insert("project".into(), e);
            }
            if let Err(e) = t {
                errors.insert("issuetype".into(), e);
            }
            return Err(errors);
        }
    };
    if ds.catalog.issue_types[issue_type].subtask && !fields.contains_key("parent") {
        errors.insert(
            "parent".into(),
            "Could not create a sub-task without a parent.".into(),
        );
    }
    let number = ds
        .issues
        .iter()
        .filter(|i| i.project == project)
        .map(|i| i.number)
        .max()
        .unwrap_or(0)
        + 1;
    let index = ds.issues.len();
    let mut issue = Issue {
        id: 10001 + index as u64,
        key: format!("{}-{number}", ds.catalog.projects[project].key),
        number,
        project,
        issue_type,
        parent: None,
        subtasks: Vec::new(),
        status: 0,
        priority: ds
            .catalog
            .priorities
            .iter()
            .position(|p| p.name == "Medium"),
        resolution: None,
        resolution_date: None,
        summary: String::new(),
        description: None,
        environment: None,
        labels: Vec::new(),
        components: Vec::new(),
        fix_versions: Vec::new(),
        assignee: None,
        reporter: 0,
        creator: 0,
        created: now,
        updated: now,
        due_date: None,
        time_spent: None,
        original_estimate: None,
        watch_count: 1,
        votes: 0,
        custom: CustomValues::default(),
        links: Vec::new(),
        attachments: Vec::new(),
        deleted: false,
        written: true,
        comments: None,
        worklogs: None,
        watchers: None,
    };
    let mut rest = fields.clone();
    rest.remove("project");
    rest.remove("issuetype");
    if let Err(more) = apply(ds, &mut issue, &rest, true, dialect) {
        errors.extend(more);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(parent) = issue.parent {
        ds.issues[parent].subtasks.push(index);
    }
    ds.issues.push(issue);
    Ok(index)
}

/// The index of the object `value` names by `{"id"}`, `{"key"}` or `{"name"}` among
/// `(id, name)` pairs (names case-insensitively).
fn find(mut candidates: impl Iterator<Item = (String, String)>, value: &Value) -> Option<usize> {
    let id = value.get("id").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let name = value
        .get("key")
        .or_else(|| value.get("name"))
        .or_else(|| value.get("value"))
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    candidates.position(|(i, n)| Some(&i) == id.as_ref() || Some(n.to_lowercase()) == name)
}

/// A user: `{"accountId"}` on Cloud, `{"name"}` on Data Center; `Ok(None)` for null.
fn user(ds: &Dataset, value: &Value, dialect: Deployment) -> Result<Option<usize>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let member = match dialect {
        Deployment::Cloud => "accountId",
        Deployment::Server => "name",
    };
    let given = value.get(member).and_then(Value::as_str);
    ds.catalog
        .users
        .iter()
        .position(|u| {
            let name = match dialect {
                Deployment::Cloud => u.account_id.clone(),
                Deployment::Server => datacenter::user_name(&u.account_id),
            };
            Some(name.as_str()) == given
        })
        .map(Some)
        .ok_or_else(|| format!("User '{}' does not exist.", given.unwrap_or_default()))
}

/// A rich-text field or null: an ADF document on Cloud (API v3 refuses plain strings), a
/// string on Data Center (kept as one paragraph per line).
fn document(value: &Value, dialect: Deployment) -> Result<Option<Doc>, String> {
    match (value, dialect) {
        (Value::Null, _) => Ok(None),
        (Value::Object(_), Deployment::Cloud) => Doc::from_json(value)
            .map(Some)
            .ok_or_else(|| "The document is not valid Atlassian Document Format.".to_string()),
        (Value::String(text), Deployment::Server) => Ok(Some(Doc {
            blocks: text
                .split('\n')
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    Block::Paragraph(vec![Inline::Text {
                        text: l.to_string(),
                        marks: Vec::new(),
                    }])
                })
                .collect(),
        })),
        (_, Deployment::Cloud) => Err(
            "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
                .into(),
        ),
        (_, Deployment::Server) => Err("Operation value must be a string.".into()),
    }
}

fn date(value: &Value) -> Result<Option<NaiveDate>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("Error parsing date string: {s}")),
        _ => Err("A date must be a string".into()),
    }
}

fn number(value: &Value) -> Result<Option<f64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_f64().map(Some).ok_or_else(|| "Not a number".into()),
        _ => Err("Operation value must be a number.".into()),
    }
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                let s = v
                    .as_str()
                    .ok_or_else(|| format!("{what} must be strings"))?;
                if s.contains(' ') {
                    return Err(format!("The label '{s}' contains spaces which is invalid."));
                }
                Ok(s.to_string())
            })
            .collect(),
        _ => Err(format!("{what} must be an array")),
    }
}

/// `"1w 2d 3h 4m"` (a week 5 days, a day 8 hours) in seconds.
fn duration(text: &str) -> Option<i64> {
    let mut total = 0i64;
    for part in text.split_whitespace() {
        let (n, unit) = part.split_at(part.len().checked_sub(1)?);
        let n: i64 = n.parse().ok()?;
        total += n * match unit {
            "w" => 5 * 8 * 3600,
            "d" => 8 * 3600,
            "h" => 3600,
            "m" => 60,
            _ => return None,
        };
    }
    Some(total)
}

/// Sets `fields` on `issue` (a new one when `creating`); every problem is reported by field.
fn apply(
    ds: &Dataset,
    issue: &mut Issue,
    fields: &Map<String, Value>,
    creating: bool,
    dialect: Deployment,
) -> Result<(), FieldErrors> {
    let c = &ds.catalog;
    let mut errors = FieldErrors::new();
    for (name, value) in fields {
        let outcome: Result<(), String> = (|| {
            match name.as_str() {
                "summary" => {
                    let s = value.as_str().unwrap_or_default();
                    if s.trim().is_empty() {
                        return Err("You must specify a summary of the issue.".into());
                    }
                    if s.chars().count() > 255 {
                        return Err("Summary must be less than 255 characters.".into());
                    }
                    issue.summary = s.to_string();
                }
                "description" => issue.description = document(value, dialect)?,
                "environment" => issue.environment = document(value, dialect)?,
                "labels" => issue.labels = strings(value, "Labels")?,
                "priority" => {
                    issue.priority = Some(
                        find(c.priorities.iter().map(|p| (p.id.clone(), p.name.clone())), value)
                            .ok_or("The priority selected is invalid.")?,
                    )
                }
                "assignee" => issue.assignee = user(ds, value, dialect)?,
                "reporter" => {
                    issue.reporter = user(ds, value, dialect)?.ok_or("Reporter is required.")?
                }
                "duedate" => issue.due_date = date(value)?,
                "components" | "fixVersions" => {
                    let pool: Vec<(usize, String, String)> = if name == "components" {
                        c.components
                            .iter()
                            .enumerate()
                            .filter(|(_, (p, _))| *p == issue.project)
                            .map(|(i, (_, x))| (i, x.id.clone(), x.name.clone()))
                            .collect()
                    } else {
                        c.versions
                            .iter()
                            .enumerate()
                            .filter(|(_, (p, _))| *p == issue.project)
                            .map(|(i, (_, x))| (i, x.id.clone(), x.name.clone()))
                            .collect()
                    };
                    let items = value.as_array().cloned().unwrap_or_default();
                    let mut picked = Vec::new();
                    for item in &items {
                        let at = find(pool.iter().map(|(_, i, n)| (i.clone(), n.clone())), item)
                            .ok_or_else(|| {
                                format!(
                                    "{} name '{}' is not valid",
                                    if name == "components" { "Component" } else { "Version" },
                                    item.get("name").and_then(Value::as_str).unwrap_or("?")
                                )
                            })?;
                        picked.push(pool[at].0);
                    }
                    if name == "components" {
                        issue.components = picked;
                    } else {
                        issue.fix_versions = picked;
                    }
                }
                "parent" => {
                    if !creating {
                        return Err("The parent of an issue cannot be changed by an edit.".into());
                    }
                    let at = find(
                        ds.issues
                            .iter()
                            .map(|i| (i.id.to_string(), if i.deleted { String::new() } else { i.key.clone() })),
                        value,
                    )
                    .ok_or("Could not find the parent issue.")?;
                    issue.parent = Some(at);
                }
                "timetracking" => {
                    let estimate = value
                        .get("originalEstimate")
                        .and_then(Value::as_str)
                        .map(|t| duration(t).ok_or("Invalid original estimate"))
                        .transpose()?;
                    issue.original_estimate = estimate;
                }
                "customfield_10010" => issue.custom.story_points = number(value)?,
                "customfield_10017" => issue.custom.story_points_2 = number(value)?,
                "customfield_10011" => {
                    issue.custom.team = if value.is_null() {
                        None
                    } else {
                        Some(
                            find(c.team_options.iter().map(|o| (o.id.clone(), o.value.clone())), value)
                                .ok_or("Option value is not valid")?,
                        )
                    }
                }
                "customfield_10012" => {
                    issue.custom.tags = if value.is_null() {
                        None
                    } else {
                        Some(strings(value, "Tags")?)
                    }
                }
                "customfield_10013" => issue.custom.start_date = date(value)?,
                "customfield_10014" => {
                    issue.custom.approved_at = match value {
                        Value::Null => None,
                        Value::String(s) => Some(
                            DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
                                .map_err(|_| format!("Error parsing date-time string: {s}"))?,
                        ),
                        _ => return Err("A date-time must be a string".into()),
                    }
                }
                "customfield_10015" => issue.custom.reviewer = user(ds, value, dialect)?,
                "customfield_10016" => issue.custom.notes = document(value, dialect)?,
                _ => {
                    return Err(format!(
                        "Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
                    ))
                }
            }
            Ok(())
        })();
        if let Err(message) = outcome {
            errors.insert(name.clone(), message);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Now in the fake's clock, at UTC.
pub fn at_millis(ms: i64) -> DateTime<FixedOffset> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .fixed_offset()
}

/// The body of a comment create or edit.
fn comment_body(body: &Bytes, dialect: Deployment) -> Result<Doc, Box<Response>> {
    let map = body_object(body).map_err(|e| Box::new(e.into_response()))?;
    let refused = |message: String| {
        Box::new(field_errors(&FieldErrors::from([(
            "comment".to_string(),
            message,
        )])))
    };
    match map.get("body").map(|b| document(b, dialect)) {
        Some(Ok(Some(doc))) if !doc.blocks.is_empty() => Ok(doc),
        Some(Err(message)) => Err(refused(message)),
        _ => Err(refused("Comment body can not be empty!".to_string())),
    }
}

/// The issue's comments as they stand, for a change.
fn comments_now(state: &Shared, index: usize) -> Vec<Comment> {
    let ds = state.data();
    comments(state.config.seed, &ds.catalog, &ds.issues[index])
}

/// `POST /rest/api/3/issue/{idOrKey}/comment`: 201 with the comment.
pub async fn add_comment(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    body: Bytes,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let doc = match comment_body(&body, state.config.deployment) {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let now = state.now();
    let mut list = comments_now(&state, index);
    let id = state.change(|ds| {
        let id = ds.next_child_id;
        ds.next_child_id += 1;
        list.push(Comment {
            id: id.to_string(),
            author: 0,
            update_author: 0,
            body: doc,
            created: now,
            updated: now,
        });
        let issue = &mut ds.issues[index];
        issue.comments = Some(list);
        issue.updated = now;
        id.to_string()
    });
    (StatusCode::CREATED, comment_answer(&state, index, &id)).into_response()
}

fn comment_answer(state: &Shared, index: usize, id: &str) -> Response {
    let ds = state.data();
    let issue = &ds.issues[index];
    match comments(state.config.seed, &ds.catalog, issue)
        .iter()
        .find(|c| c.id == id)
    {
        Some(c) => Json(comment_json(&state.base_url, &ds, issue, c)).into_response(),
        None => jira_error(StatusCode::NOT_FOUND, "Can not find a comment for the id."),
    }
}

/// `GET`, `PUT` and `DELETE /rest/api/3/issue/{idOrKey}/comment/{id}`.
pub async fn one_comment(
    State(state): State<Shared>,
    method: axum::http::Method,
    Path((id_or_key, comment_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let list = comments_now(&state, index);
    let Some(at) = list.iter().position(|c| c.id == comment_id) else {
        return jira_error(StatusCode::NOT_FOUND, "Can not find a comment for the id.");
    };
    let now = state.now();
    match method {
        axum::http::Method::GET => comment_answer(&state, index, &comment_id),
        axum::http::Method::PUT => {
            let doc = match comment_body(&body, state.config.deployment) {
                Ok(d) => d,
                Err(r) => return *r,
            };
            state.change(|ds| {
                let mut list = list;
                list[at].body = doc;
                list[at].updated = now;
                list[at].update_author = 0;
                ds.issues[index].comments = Some(list);
            });
            comment_answer(&state, index, &comment_id)
        }
        _ => {
            state.change(|ds| {
                let mut list = list;
                list.remove(at);
                ds.issues[index].comments = Some(list);
            });
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

/// The members of a worklog create or edit, checked as Jira checks them.
fn worklog_fields(
    body: &Bytes,
    dialect: Deployment,
    mut worklog: Worklog,
) -> Result<Worklog, Box<Response>> {
    let map = body_object(body).map_err(|e| Box::new(e.into_response()))?;
    let mut errors = FieldErrors::new();
    match map.get("timeSpentSeconds") {
        Some(Value::Number(n)) if n.as_i64().is_some_and(|s| s >= 60) => {
            worklog.seconds = n.as_i64().unwrap_or_default()
        }
        Some(_) => {
            errors.insert(
                "timeLogged".into(),
                "Time spent must be at least one minute.".into(),
            );
        }
        None if worklog.seconds == 0 => {
            errors.insert(
                "timeLogged".into(),
                "You must indicate the time spent working.".into(),
            );
        }
        None => {}
    }
    if let Some(started) = map.get("started") {
        match started
            .as_str()
            .and_then(|s| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
        {
            Some(t) => worklog.started = t,
            None => {
                errors.insert("started".into(), "Invalid start date.".into());
            }
        }
    }
    if let Some(comment) = map.get("comment") {
        match document(comment, dialect) {
            Ok(doc) => worklog.comment = doc,
            Err(e) => {
                errors.insert("comment".into(), e);
            }
        }
    }
    if errors.is_empty() {
        Ok(worklog)
    } else {
        Err(Box::new(field_errors(&errors)))
    }
}

/// Stores the issue's changed worklogs; its time spent is their sum, as on Jira.
fn keep_worklogs(ds: &mut Dataset, index: usize, list: Vec<Worklog>, now: DateTime<FixedOffset>) {
    let total: i64 = list.iter().map(|w| w.seconds).sum();
    let issue = &mut ds.issues[index];
    issue.time_spent = (total > 0).then_some(total);
    issue.worklogs = Some(list);
    issue.updated = now;
}

fn worklog_answer(state: &Shared, index: usize, id: &str) -> Response {
    let ds = state.data();
    let issue = &ds.issues[index];
    match worklogs(state.config.seed, &ds.catalog, issue)
        .iter()
        .find(|w| w.id == id)
    {
        Some(w) => Json(worklog_json(&state.base_url, &ds, issue, w)).into_response(),
        None => jira_error(StatusCode::NOT_FOUND, "Cannot find worklog with id."),
    }
}

/// `POST /rest/api/3/issue/{idOrKey}/worklog`: 201 with the worklog.
pub async fn add_worklog(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    body: Bytes,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let now = state.now();
    let blank = Worklog {
        id: String::new(),
        author: 0,
        update_author: 0,
        comment: None,
        created: now,
        updated: now,
        started: now,
        seconds: 0,
    };
    let worklog = match worklog_fields(&body, state.config.deployment, blank) {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let ds = state.data();
    let mut list = worklogs(state.config.seed, &ds.catalog, &ds.issues[index]);
    drop(ds);
    let id = state.change(|ds| {
        let id = ds.next_child_id.to_string();
        ds.next_child_id += 1;
        list.push(Worklog {
            id: id.clone(),
            ..worklog
        });
        keep_worklogs(ds, index, list, now);
        id
    });
    let mut answer = worklog_answer(&state, index, &id);
    *answer.status_mut() = StatusCode::CREATED;
    answer
}

/// `GET`, `PUT` and `DELETE /rest/api/3/issue/{idOrKey}/worklog/{id}`.
pub async fn one_worklog(
    State(state): State<Shared>,
    method: axum::http::Method,
    Path((id_or_key, worklog_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let ds = state.data();
    let mut list = worklogs(state.config.seed, &ds.catalog, &ds.issues[index]);
    drop(ds);
    let Some(at) = list.iter().position(|w| w.id == worklog_id) else {
        return jira_error(StatusCode::NOT_FOUND, "Cannot find worklog with id.");
    };
    let now = state.now();
    match method {
        axum::http::Method::GET => worklog_answer(&state, index, &worklog_id),
        axum::http::Method::PUT => {
            let edited = match worklog_fields(&body, state.config.deployment, list[at].clone()) {
                Ok(w) => w,
                Err(r) => return *r,
            };
            list[at] = Worklog {
                updated: now,
                update_author: 0,
                ..edited
            };
            state.change(|ds| keep_worklogs(ds, index, list, now));
            worklog_answer(&state, index, &worklog_id)
        }
        _ => {
            list.remove(at);
            state.change(|ds| keep_worklogs(ds, index, list, now));
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

/// The project a version or component body names (`projectId` or `project` key).
fn project_of(ds: &Dataset, map: &Map<String, Value>) -> Option<usize> {
    let by_id = map.get("projectId").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let by_key = map.get("project").and_then(Value::as_str);
    ds.catalog
        .projects
        .iter()
        .position(|p| Some(p.id) == by_id || by_key.is_some_and(|k| k.eq_ignore_ascii_case(&p.key)))
}

/// Sets the members of a version create or edit on `version` (of project `project`).
fn version_fields(
    ds: &Dataset,
    project: usize,
    map: &Map<String, Value>,
    version: &mut crate::data::Version,
    own: Option<usize>,
    _dialect: Deployment,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(name) = map.get("name") {
        match name.as_str().map(str::trim) {
            Some(n) if !n.is_empty() => {
                let taken = ds.catalog.versions.iter().enumerate().any(|(i, (p, v))| {
                    *p == project && !v.deleted && Some(i) != own && v.name.eq_ignore_ascii_case(n)
                });
                if taken {
                    errors.insert(
                        "name".into(),
                        "A version with this name already exists in this project.".into(),
                    );
                }
                version.name = n.to_string();
            }
            _ => {
                errors.insert(
                    "name".into(),
                    "You must specify a valid version name".into(),
                );
            }
        }
    }
    for (member, flag) in [
        ("released", &mut version.released),
        ("archived", &mut version.archived),
    ] {
        if let Some(v) = map.get(member) {
            match v.as_bool() {
                Some(b) => *flag = b,
                None => {
                    errors.insert(member.into(), format!("{member} must be a boolean"));
                }
            }
        }
    }
    if let Some(d) = map.get("description") {
        version.description = d.as_str().unwrap_or_default().to_string();
    }
    for (member, at) in [
        ("startDate", &mut version.start_date),
        ("releaseDate", &mut version.release_date),
    ] {
        if let Some(v) = map.get(member) {
            match date(v) {
                Ok(d) => *at = d,
                Err(e) => {
                    errors.insert(member.into(), e);
                }
            }
        }
    }
    errors
}

/// Sets the members of a component create or edit.
fn component_fields(
    ds: &Dataset,
    project: usize,
    map: &Map<String, Value>,
    component: &mut crate::data::Component,
    own: Option<usize>,
    dialect: Deployment,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(name) = map.get("name") {
        match name.as_str().map(str::trim) {
            Some(n) if !n.is_empty() => {
                let taken = ds.catalog.components.iter().enumerate().any(|(i, (p, c))| {
                    *p == project && !c.deleted && Some(i) != own && c.name.eq_ignore_ascii_case(n)
                });
                if taken {
                    errors.insert(
                        "name".into(),
                        "A component with this name already exists in this project.".into(),
                    );
                }
                component.name = n.to_string();
            }
            _ => {
                errors.insert(
                    "name".into(),
                    "The component name must not be empty.".into(),
                );
            }
        }
    }
    if let Some(d) = map.get("description") {
        component.description = d.as_str().unwrap_or_default().to_string();
    }
    let lead_member = match dialect {
        Deployment::Cloud => "leadAccountId",
        Deployment::Server => "leadUserName",
    };
    if let Some(lead) = map.get(lead_member) {
        let member = match dialect {
            Deployment::Cloud => "accountId",
            Deployment::Server => "name",
        };
        match user(ds, &json!({ member: lead }), dialect) {
            Ok(found) if lead.is_null() || found.is_some() => component.lead = found,
            Ok(_) | Err(_) => {
                errors.insert(lead_member.into(), "The user does not exist.".into());
            }
        }
    }
    errors
}

/// The MIME type Jira gives a file by its name.
fn mime_of(filename: &str) -> &'static str {
    match filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("txt" | "log") => "text/plain",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `POST /rest/api/3/issue/{idOrKey}/attachments` (multipart, field `file`, header
/// `X-Atlassian-Token: no-check`): 200 with the new attachments.
pub async fn add_attachments(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    headers: axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    if headers
        .get("x-atlassian-token")
        .and_then(|v| v.to_str().ok())
        != Some("no-check")
    {
        return jira_error(StatusCode::FORBIDDEN, "XSRF check failed");
    }
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("file").to_string();
                match field.bytes().await {
                    Ok(bytes) => files.push((name, bytes.len() as u64)),
                    Err(_) => return bad_request("The upload broke off."),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return bad_request("The request is not valid multipart/form-data."),
        }
    }
    if files.is_empty() {
        return bad_request("No file was given in the field 'file'.");
    }
    let now = state.now();
    let ids = state.change(|ds| {
        let mut ids = Vec::new();
        for (filename, size) in files {
            let id = ds.next_child_id.to_string();
            ds.next_child_id += 1;
            ds.issues[index]
                .attachments
                .push(crate::data::links::Attachment {
                    id: id.clone(),
                    mime_type: mime_of(&filename).to_string(),
                    filename,
                    author: 0,
                    created: now,
                    size,
                });
            ids.push(id);
        }
        ds.issues[index].updated = now;
        ids
    });
    let ds = state.data();
    let list: Vec<Value> = ds.issues[index]
        .attachments
        .iter()
        .filter(|a| ids.contains(&a.id))
        .map(|a| crate::render::attachment_json(&state.base_url, &ds.catalog, a))
        .collect();
    Json(Value::Array(list)).into_response()
}

/// `DELETE /rest/api/3/attachment/{id}`: 204.
pub async fn delete_attachment(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let found = state.change(|ds| {
        for issue in &mut ds.issues {
            if let Some(at) = issue.attachments.iter().position(|a| a.id == id) {
                issue.attachments.remove(at);
                return true;
            }
        }
        false
    });
    if found {
        StatusCode::NO_CONTENT.into_response()
    } else {
        jira_error(
            StatusCode::NOT_FOUND,
            format!("The attachment with id '{id}' does not exist"),
        )
    }
}

/// A project's version or component: what the generic handlers below need to know of it.
pub trait ProjectPart: Clone + Send + Sync + 'static {
    /// The catalog's list of them, with their projects.
    fn list(catalog: &mut crate::data::Catalog) -> &mut Vec<(usize, Self)>;
    /// The same list, read only.
    fn all(catalog: &crate::data::Catalog) -> &Vec<(usize, Self)>;
    /// A new one with this id, before its members are set.
    fn blank(id: String) -> Self;
    /// Its id.
    fn id(&self) -> &str;
    /// Its deletion flag.
    fn deleted(&mut self) -> &mut bool;
    /// Whether it was deleted.
    fn is_deleted(&self) -> bool;
    /// Sets the members a body gives; the problems by field.
    fn set(
        ds: &Dataset,
        project: usize,
        map: &Map<String, Value>,
        part: &mut Self,
        own: Option<usize>,
        dialect: Deployment,
    ) -> FieldErrors;
    /// Its JSON.
    fn json(base: &str, catalog: &crate::data::Catalog, index: usize) -> Value;
    /// The 404 message for an id.
    fn missing(id: &str) -> String;
    /// What a create without a project says.
    const NO_PROJECT: &'static str;
}

impl ProjectPart for crate::data::Version {
    fn list(catalog: &mut crate::data::Catalog) -> &mut Vec<(usize, Self)> {
        &mut catalog.versions
    }
    fn all(catalog: &crate::data::Catalog) -> &Vec<(usize, Self)> {
        &catalog.versions
    }
    fn blank(id: String) -> Self {
        crate::data::Version {
            id,
            name: String::new(),
            released: false,
            archived: false,
            description: String::new(),
            start_date: None,
            release_date: None,
            deleted: false,
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn deleted(&mut self) -> &mut bool {
        &mut self.deleted
    }
    fn is_deleted(&self) -> bool {
        self.deleted
    }
    fn set(
        ds: &Dataset,
        project: usize,
        map: &Map<String, Value>,
        part: &mut Self,
        own: Option<usize>,
        dialect: Deployment,
    ) -> FieldErrors {
        version_fields(ds, project, map, part, own, dialect)
    }
    fn json(base: &str, catalog: &crate::data::Catalog, index: usize) -> Value {
        super::lists::version_json(base, catalog, index)
    }
    fn missing(id: &str) -> String {
        format!("Could not find version for id '{id}'")
    }
    const NO_PROJECT: &'static str = "Project must be specified to create a version.";
}

impl ProjectPart for crate::data::Component {
    fn list(catalog: &mut crate::data::Catalog) -> &mut Vec<(usize, Self)> {
        &mut catalog.components
    }
    fn all(catalog: &crate::data::Catalog) -> &Vec<(usize, Self)> {
        &catalog.components
    }
    fn blank(id: String) -> Self {
        crate::data::Component {
            id,
            name: String::new(),
            description: String::new(),
            lead: None,
            deleted: false,
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn deleted(&mut self) -> &mut bool {
        &mut self.deleted
    }
    fn is_deleted(&self) -> bool {
        self.deleted
    }
    fn set(
        ds: &Dataset,
        project: usize,
        map: &Map<String, Value>,
        part: &mut Self,
        own: Option<usize>,
        dialect: Deployment,
    ) -> FieldErrors {
        component_fields(ds, project, map, part, own, dialect)
    }
    fn json(base: &str, catalog: &crate::data::Catalog, index: usize) -> Value {
        super::lists::component_json(base, catalog, index)
    }
    fn missing(id: &str) -> String {
        format!("The component with id {id} does not exist.")
    }
    const NO_PROJECT: &'static str = "The project is required.";
}

/// `POST /rest/api/3/version` and `/component`: 201 with the new one; a name is required
/// and unique in its project.
pub async fn create_part<T: ProjectPart>(State(state): State<Shared>, body: Bytes) -> Response {
    let map = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let dialect = state.config.deployment;
    let outcome = state.change(|ds| {
        let Some(project) = project_of(ds, &map) else {
            return Err(FieldErrors::from([(
                "project".to_string(),
                T::NO_PROJECT.to_string(),
            )]));
        };
        if map.get("name").is_none() {
            return Err(FieldErrors::from([(
                "name".to_string(),
                "The name must not be empty.".to_string(),
            )]));
        }
        let mut part = T::blank(ds.next_child_id.to_string());
        let errors = T::set(ds, project, &map, &mut part, None, dialect);
        if !errors.is_empty() {
            return Err(errors);
        }
        ds.next_child_id += 1;
        let list = T::list(&mut ds.catalog);
        list.push((project, part));
        Ok(list.len() - 1)
    });
    match outcome {
        Ok(index) => {
            let ds = state.data();
            let json = T::json(&state.base_url, &ds.catalog, index);
            (StatusCode::CREATED, Json(json)).into_response()
        }
        Err(errors) => field_errors(&errors),
    }
}

/// `GET`, `PUT` and `DELETE /rest/api/3/version/{id}` and `/component/{id}`.
pub async fn one_part<T: ProjectPart>(
    State(state): State<Shared>,
    method: axum::http::Method,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let ds = state.data();
    let Some(index) = T::all(&ds.catalog)
        .iter()
        .position(|(_, p)| p.id() == id && !p.is_deleted())
    else {
        return jira_error(StatusCode::NOT_FOUND, T::missing(&id));
    };
    drop(ds);
    let dialect = state.config.deployment;
    match method {
        axum::http::Method::GET => {}
        axum::http::Method::PUT => {
            let map = match body_object(&body) {
                Ok(m) => m,
                Err(e) => return e.into_response(),
            };
            let errors = state.change(|ds| {
                let (project, mut part) = T::all(&ds.catalog)[index].clone();
                let errors = T::set(ds, project, &map, &mut part, Some(index), dialect);
                if errors.is_empty() {
                    T::list(&mut ds.catalog)[index].1 = part;
                }
                errors
            });
            if !errors.is_empty() {
                return field_errors(&errors);
            }
        }
        _ => {
            state.change(|ds| *T::list(&mut ds.catalog)[index].1.deleted() = true);
            return StatusCode::NO_CONTENT.into_response();
        }
    }
    let ds = state.data();
    Json(T::json(&state.base_url, &ds.catalog, index)).into_response()
}

/// `POST /rest/api/3/issueLink`: `{"type": {"name"|"id"}, "inwardIssue": {"key"|"id"},
/// "outwardIssue": {...}}`; 201 with no body, as Jira answers.
pub async fn create_link(State(state): State<Shared>, body: Bytes) -> Response {
    let map = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let outcome = state.change(|ds| {
        let kind = map.get("type").and_then(|t| {
            crate::data::links::LINK_TYPES.iter().position(|l| {
                t.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(l.name))
                    || t.get("id").and_then(Value::as_str) == Some(l.id)
            })
        });
        let Some(kind) = kind else {
            return Err("No issue link type with name or id given.".to_string());
        };
        let side = |member: &str| {
            let v = map.get(member)?;
            let key = v.get("key").and_then(Value::as_str);
            let id = v.get("id").and_then(Value::as_str);
            ds.issues.iter().position(|i| {
                !i.deleted
                    && (key.is_some_and(|k| k.eq_ignore_ascii_case(&i.key))
                        || id.is_some_and(|d| d == i.id.to_string()))
            })
        };
        let (Some(inward), Some(outward)) = (side("inwardIssue"), side("outwardIssue")) else {
            return Err(
                "Issue does not exist or you do not have permission to see it.".to_string(),
            );
        };
        let id = ds.next_child_id.to_string();
        ds.next_child_id += 1;
        ds.links.push(crate::data::links::IssueLink {
            id,
            link_type: kind,
            inward,
            outward,
        });
        let at = ds.links.len() - 1;
        ds.issues[inward].links.push(at);
        if outward != inward {
            ds.issues[outward].links.push(at);
        }
        Ok(())
    });
    match outcome {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(message) => bad_request(message),
    }
}

/// `DELETE /rest/api/3/issueLink/{linkId}`: 204; both issues lose it.
pub async fn delete_link(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let found = state.change(|ds| {
        let at = ds.links.iter().position(|l| l.id == id)?;
        let mut removed = false;
        for issue in &mut ds.issues {
            let before = issue.links.len();
            issue.links.retain(|&l| l != at);
            removed |= issue.links.len() != before;
        }
        removed.then_some(())
    });
    match found {
        Some(()) => StatusCode::NO_CONTENT.into_response(),
        None => jira_error(
            StatusCode::NOT_FOUND,
            format!("No issue link with id '{id}' exists."),
        ),
    }
}

/// The issue's watchers as they stand.
fn watchers_now(state: &Shared, index: usize) -> Vec<usize> {
    let ds = state.data();
    crate::data::history::watchers(state.config.seed, &ds.catalog, &ds.issues[index])
}

/// `POST /rest/api/3/issue/{idOrKey}/watchers`: the body is the account id (a JSON string;
/// Data Center: the user name); 204.
pub async fn add_watcher(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    body: Bytes,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let dialect = state.config.deployment;
    let member = match dialect {
        Deployment::Cloud => "accountId",
        Deployment::Server => "name",
    };
    let named = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::String(s)) => s,
        _ => return bad_request("The watcher must be given as a JSON string."),
    };
    let ds = state.data();
    let user = match user(&ds, &json!({ member: named }), dialect) {
        Ok(Some(u)) => u,
        _ => return bad_request(format!("The user \"{named}\" does not exist.")),
    };
    drop(ds);
    let mut list = watchers_now(&state, index);
    if !list.contains(&user) {
        list.push(user);
    }
    state.change(|ds| {
        let issue = &mut ds.issues[index];
        issue.watch_count = list.len() as u32;
        issue.watchers = Some(list);
    });
    StatusCode::NO_CONTENT.into_response()
}

/// `DELETE /rest/api/3/issue/{idOrKey}/watchers?accountId=` (Data Center: `username=`); 204.
pub async fn remove_watcher(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let dialect = state.config.deployment;
    let (param, member) = match dialect {
        Deployment::Cloud => ("accountId", "accountId"),
        Deployment::Server => ("username", "name"),
    };
    let pairs = params::pairs(q.as_deref());
    let Some(named) = params::last(&pairs, param) else {
        return bad_request(format!("The {param} parameter is required."));
    };
    let ds = state.data();
    let Ok(Some(user)) = user(&ds, &json!({ member: named }), dialect) else {
        return bad_request(format!("The user \"{named}\" does not exist."));
    };
    drop(ds);
    let mut list = watchers_now(&state, index);
    list.retain(|&u| u != user);
    state.change(|ds| {
        let issue = &mut ds.issues[index];
        issue.watch_count = list.len() as u32;
        issue.watchers = Some(list);
    });
    StatusCode::NO_CONTENT.into_response()
}
