//! Instance-wide reference lists (priorities, statuses, status categories, resolutions, issue
//! types, labels) and per-project components and versions, built from the same catalog entries
//! the issues point at, so ids, names and keys always agree with the issues' own objects.

use super::errors::jira_error;
use super::meta::paging;
use super::Shared;
use crate::data::Catalog;
use crate::render::{issue_type_json, priority_json, resolution_json, status_json, user_json};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The index of the project with this numeric id or (case-insensitive) key.
pub fn find_project(catalog: &Catalog, id_or_key: &str) -> Option<usize> {
    catalog
        .projects
        .iter()
        .position(|p| p.id.to_string() == id_or_key || p.key.eq_ignore_ascii_case(id_or_key))
}

/// Index into [`Catalog::users`] of a project's lead.
pub fn project_lead(catalog: &Catalog, project: usize) -> usize {
    let humans = catalog.users.len().saturating_sub(1).max(1);
    (project * 3 + 1) % humans
}

/// A project's description (plain text, as `expand=description` shows it).
pub fn project_description(catalog: &Catalog, project: usize) -> String {
    let texts = [
        "The Alpha product — backend and web.",
        "Beta: ünïcode, émojis 🚀 and 日本語.",
        "",
        "Operations \"runbooks\" & 'on-call'.",
    ];
    texts.get(project).map_or_else(
        || format!("The {} project.", catalog.projects[project].name),
        |t| t.to_string(),
    )
}

/// The 404 for a project that does not exist.
fn no_project(id_or_key: &str) -> Response {
    jira_error(
        StatusCode::NOT_FOUND,
        format!("No project could be found with key '{id_or_key}'."),
    )
}

/// `GET /rest/api/3/priority`: every priority, most urgent first.
pub async fn priorities(State(state): State<Shared>) -> Response {
    const DETAILS: [(&str, &str); 5] = [
        ("#d04437", "This problem will block progress."),
        ("#f15C75", "Serious problem that could block progress."),
        ("#f79232", "Has the potential to affect progress."),
        ("#707070", "Minor problem or easily worked around."),
        (
            "#999999",
            "Trivial problem with little or no impact on progress.",
        ),
    ];
    let catalog = &state.data().catalog;
    let mut order: Vec<usize> = (0..catalog.priorities.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(catalog.priorities[i].rank));
    let list: Vec<Value> = order
        .into_iter()
        .map(|i| {
            let rank = catalog.priorities[i].rank as usize;
            let (color, description) = DETAILS
                .get(5usize.saturating_sub(rank))
                .copied()
                .unwrap_or(("#707070", ""));
            let mut v = priority_json(&state.base_url, catalog, i);
            v["statusColor"] = json!(color);
            v["description"] = json!(description);
            v
        })
        .collect();
    Json(list).into_response()
}

/// `GET /rest/api/3/status`: every status with its category, in workflow order.
pub async fn statuses(State(state): State<Shared>) -> Response {
    let catalog = &state.data().catalog;
    let list: Vec<Value> = (0..catalog.statuses.len())
        .map(|i| {
            let mut v = status_json(&state.base_url, catalog, i);
            let description = match catalog.statuses[i].name.as_str() {
                "To Do" => "This issue is in the backlog.",
                "In Progress" => "This issue is being actively worked on at the moment.",
                "Done" => "Work on this issue is complete.",
                "Won't Do" => "This issue won't be actioned.",
                _ => "Ärger: something is blocking progress.",
            };
            v["description"] = json!(description);
            v
        })
        .collect();
    Json(list).into_response()
}

fn category_json(base: &str, id: u64, key: &str, color: &str, name: &str) -> Value {
    json!({
        "self": format!("{base}/rest/api/3/statuscategory/{id}"),
        "id": id, "key": key, "colorName": color, "name": name,
    })
}

/// `GET /rest/api/3/statuscategory`: Jira's built-in `undefined` category, then the ones the
/// statuses use.
pub async fn status_categories(State(state): State<Shared>) -> Response {
    let base = &state.base_url;
    let mut list = vec![category_json(
        base,
        1,
        "undefined",
        "medium-gray",
        "No Category",
    )];
    list.extend(
        state
            .data()
            .catalog
            .categories
            .iter()
            .map(|c| category_json(base, c.id, &c.key, &c.color, &c.name)),
    );
    Json(list).into_response()
}

/// `GET /rest/api/3/resolution`.
pub async fn resolutions(State(state): State<Shared>) -> Response {
    let catalog = &state.data().catalog;
    let list: Vec<Value> = (0..catalog.resolutions.len())
        .map(|i| {
            let mut v = resolution_json(&state.base_url, catalog, i);
            v["description"] = json!(match catalog.resolutions[i].name.as_str() {
                "Done" => "Work has been completed on this issue.",
                _ => "This issue won't be actioned.",
            });
            v
        })
        .collect();
    Json(list).into_response()
}

/// `GET /rest/api/3/issuetype`.
pub async fn issue_types(State(state): State<Shared>) -> Response {
    let catalog = &state.data().catalog;
    let list: Vec<Value> = (0..catalog.issue_types.len())
        .map(|i| {
            let mut v = issue_type_json(&state.base_url, catalog, i);
            v["description"] = json!(match catalog.issue_types[i].name.as_str() {
                "Task" => "A small, distinct piece of work.",
                "Bug" => "A problem or error.",
                "Story" => "Functionality or a feature expressed as a user goal.",
                "Epic" => "A big user story that needs to be broken down.",
                _ => "A small piece of work that's part of a larger task.",
            });
            v["untranslatedName"] = json!(catalog.issue_types[i].name);
            v
        })
        .collect();
    Json(list).into_response()
}

/// `GET /rest/api/3/label`: the distinct labels of all issues, sorted, paged with
/// `startAt`/`maxResults` (default and cap 1000).
pub async fn labels(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 1000, 1000) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let ds = state.data();
    let all: BTreeSet<&str> = ds
        .issues
        .iter()
        .filter(|i| !i.deleted)
        .flat_map(|i| i.labels.iter().map(String::as_str))
        .collect();
    let total = all.len();
    let values: Vec<&str> = all.into_iter().skip(start).take(max).collect();
    Json(json!({
        "maxResults": max,
        "startAt": start,
        "total": total,
        "isLast": start + values.len() >= total,
        "values": values,
    }))
    .into_response()
}

/// `GET /rest/api/3/project/{projectIdOrKey}/components`: a plain array.
pub async fn components(State(state): State<Shared>, Path(id_or_key): Path<String>) -> Response {
    let ds = state.data();
    let catalog = &ds.catalog;
    let Some(p) = find_project(catalog, &id_or_key) else {
        return no_project(&id_or_key);
    };
    let list: Vec<Value> = catalog
        .components_of(p)
        .into_iter()
        .map(|i| component_json(&state.base_url, catalog, i))
        .collect();
    Json(list).into_response()
}

/// One component as Jira shows it.
pub fn component_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let (p, c) = &catalog.components[index];
    let project = &catalog.projects[*p];
    let mut v = json!({
        "self": format!("{base}/rest/api/3/component/{}", c.id),
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "assigneeType": "PROJECT_DEFAULT",
        "realAssigneeType": "PROJECT_DEFAULT",
        "isAssigneeTypeValid": true,
        "project": project.key,
        "projectId": project.id,
    });
    if let Some(lead) = c.lead {
        let lead = user_json(base, &catalog.users[lead]);
        v["leadAccountId"] = lead["accountId"].clone();
        v["lead"] = lead.clone();
        v["assigneeType"] = json!("COMPONENT_LEAD");
        v["realAssigneeType"] = json!("COMPONENT_LEAD");
        v["assignee"] = lead.clone();
        v["realAssignee"] = lead;
    }
    v
}

/// One version as Jira shows it.
pub fn version_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let (p, ver) = &catalog.versions[index];
    let mut v = json!({
        "self": format!("{base}/rest/api/3/version/{}", ver.id),
        "id": ver.id,
        "name": ver.name,
        "description": ver.description,
        "archived": ver.archived,
        "released": ver.released,
        "projectId": catalog.projects[*p].id,
    });
    if let Some(d) = ver.start_date {
        v["startDate"] = json!(d.format("%Y-%m-%d").to_string());
    }
    if let Some(d) = ver.release_date {
        v["releaseDate"] = json!(d.format("%Y-%m-%d").to_string());
    }
    v
}

/// `GET /rest/api/3/project/{projectIdOrKey}/versions`: a plain array, oldest first.
pub async fn versions(State(state): State<Shared>, Path(id_or_key): Path<String>) -> Response {
    let ds = state.data();
    let catalog = &ds.catalog;
    let Some(p) = find_project(catalog, &id_or_key) else {
        return no_project(&id_or_key);
    };
    let list: Vec<Value> = catalog
        .versions_of(p)
        .into_iter()
        .map(|i| version_json(&state.base_url, catalog, i))
        .collect();
    Json(list).into_response()
}
