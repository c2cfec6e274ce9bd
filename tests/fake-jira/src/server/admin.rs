//! Administrative lists: project categories, project roles, groups and their members, saved
//! filters, dashboards and workflows.

use super::errors::{bad_request, jira_error};
use super::lists::find_project;
use super::meta::{paged, paging};
use super::{params, Shared};
use crate::data::registry::{
    DASHBOARDS, FILTERS, GROUPS, PROJECT_CATEGORIES, PROJECT_ROLES, WORKFLOWS,
};
use crate::render::user_json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The JSON of a project category (index into [`PROJECT_CATEGORIES`]).
pub fn category_json(base: &str, index: usize) -> Value {
    let c = &PROJECT_CATEGORIES[index.min(PROJECT_CATEGORIES.len() - 1)];
    json!({
        "self": format!("{base}/rest/api/3/projectCategory/{}", c.id),
        "id": c.id,
        "name": c.name,
        "description": c.description,
    })
}

/// `GET /rest/api/3/projectCategory`: a plain array.
pub async fn project_categories(State(state): State<Shared>) -> Response {
    let list: Vec<Value> = (0..PROJECT_CATEGORIES.len())
        .map(|i| category_json(&state.base_url, i))
        .collect();
    Json(list).into_response()
}

/// `GET /rest/api/3/project/{projectIdOrKey}/roledetails`: a plain array of the roles.
pub async fn role_details(State(state): State<Shared>, Path(id_or_key): Path<String>) -> Response {
    let catalog = &state.data().catalog;
    let Some(p) = find_project(catalog, &id_or_key) else {
        return jira_error(
            StatusCode::NOT_FOUND,
            format!("No project could be found with key '{id_or_key}'."),
        );
    };
    let pid = catalog.projects[p].id;
    let base = &state.base_url;
    let list: Vec<Value> = PROJECT_ROLES
        .iter()
        .map(|r| {
            json!({
                "self": format!("{base}/rest/api/3/project/{pid}/role/{}", r.id),
                "name": r.name,
                "id": r.id,
                "description": r.description,
                "admin": r.admin,
                "default": r.default,
                "roleConfigurable": true,
                "translatedName": r.name,
            })
        })
        .collect();
    Json(list).into_response()
}

/// `GET /rest/api/3/group/bulk`: the groups, optionally only those named by `groupId` or
/// `groupName` (repeatable); `maxResults` defaults to (and is capped at) 50.
pub async fn group_bulk(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pairs = params::pairs(q.as_deref());
    let ids = params::list(&pairs, "groupId");
    let names = params::list(&pairs, "groupName");
    let all: Vec<Value> = GROUPS
        .iter()
        .filter(|g| {
            ids.as_ref()
                .is_none_or(|l| l.iter().any(|x| x == g.group_id))
        })
        .filter(|g| names.as_ref().is_none_or(|l| l.iter().any(|x| x == g.name)))
        .map(|g| json!({"name": g.name, "groupId": g.group_id}))
        .collect();
    let mut body = paged(
        &format!("{}/rest/api/3/group/bulk", state.base_url),
        "",
        start,
        max,
        all,
    );
    if let Some(map) = body.as_object_mut() {
        map.remove("self");
        map.remove("nextPage");
    }
    Json(body).into_response()
}

/// `GET /rest/api/3/group/member`: the members of the group named by `groupId` (or
/// `groupname`), without inactive users unless `includeInactiveUsers=true`; unknown groups
/// answer 404.
pub async fn group_members(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pairs = params::pairs(q.as_deref());
    let id = params::last(&pairs, "groupId");
    let name = params::last(&pairs, "groupname");
    let group = match (id, name) {
        (Some(id), _) => GROUPS.iter().find(|g| g.group_id == id),
        (None, Some(n)) => GROUPS.iter().find(|g| g.name == n),
        (None, None) => return bad_request("You must specify a group name or a group id."),
    };
    let Some(group) = group else {
        return jira_error(
            StatusCode::NOT_FOUND,
            format!(
                "Specified group does not exist: '{}'",
                id.or(name).unwrap_or_default()
            ),
        );
    };
    let inactive = params::last(&pairs, "includeInactiveUsers").is_some_and(|v| v == "true");
    let users = &state.data().catalog.users;
    let all: Vec<Value> = group
        .members
        .iter()
        .filter_map(|&u| users.get(u))
        .filter(|u| inactive || u.active)
        .map(|u| user_json(&state.base_url, u))
        .collect();
    let extra = format!(
        "groupId={}&includeInactiveUsers={inactive}&",
        group.group_id
    );
    Json(paged(
        &format!("{}/rest/api/3/group/member", state.base_url),
        &extra,
        start,
        max,
        all,
    ))
    .into_response()
}

/// `GET /rest/api/3/filter/search`: the saved filters, optionally only those whose name
/// contains `filterName` (case-insensitive); every filter carries its owner, JQL and links.
pub async fn filter_search(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 100) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pairs = params::pairs(q.as_deref());
    let name = params::last(&pairs, "filterName").map(str::to_lowercase);
    let expand = params::last(&pairs, "expand").unwrap_or("");
    let base = &state.base_url;
    let users = &state.data().catalog.users;
    let all: Vec<Value> = FILTERS
        .iter()
        .filter(|f| {
            name.as_ref()
                .is_none_or(|n| f.name.to_lowercase().contains(n))
        })
        .map(|f| {
            let jql = serde_urlencoded::to_string([("jql", f.jql)]).unwrap_or_default();
            json!({
                "expand": "owner,sharePermissions,editPermissions,subscriptions,favouritedCount,jql,viewUrl,searchUrl,isWritable,approximateLastUsed,description,favourite",
                "self": format!("{base}/rest/api/3/filter/{}", f.id),
                "id": f.id,
                "name": f.name,
                "description": f.description,
                "owner": users.get(f.owner).map_or(Value::Null, |u| user_json(base, u)),
                "jql": f.jql,
                "viewUrl": format!("{base}/issues/?filter={}", f.id),
                "searchUrl": format!("{base}/rest/api/3/search/jql?{jql}"),
                "favourite": f.favourite,
                "favouritedCount": f.favourited_count,
            })
        })
        .collect();
    let extra = if expand.is_empty() {
        String::new()
    } else {
        format!(
            "{}&",
            serde_urlencoded::to_string([("expand", expand)]).unwrap_or_default()
        )
    };
    Json(paged(
        &format!("{base}/rest/api/3/filter/search"),
        &extra,
        start,
        max,
        all,
    ))
    .into_response()
}

/// `GET /rest/api/3/dashboard/search`: the dashboards.
pub async fn dashboard_search(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 100) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let base = &state.base_url;
    let users = &state.data().catalog.users;
    let all: Vec<Value> = DASHBOARDS
        .iter()
        .map(|d| {
            let shares = if d.global {
                json!([{"id": 10000, "type": "global"}])
            } else {
                json!([])
            };
            json!({
                "id": d.id,
                "name": d.name,
                "description": d.description,
                "owner": users.get(d.owner).map_or(Value::Null, |u| user_json(base, u)),
                "isFavourite": d.is_favourite,
                "popularity": d.popularity,
                "self": format!("{base}/rest/api/3/dashboard/{}", d.id),
                "view": format!("{base}/jira/dashboards/{}", d.id),
                "sharePermissions": shares,
            })
        })
        .collect();
    Json(paged(
        &format!("{base}/rest/api/3/dashboard/search"),
        "",
        start,
        max,
        all,
    ))
    .into_response()
}

/// `GET /rest/api/3/workflow/search`: the workflows.
pub async fn workflow_search(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let all: Vec<Value> = WORKFLOWS
        .iter()
        .map(|w| {
            json!({
                "id": {"name": w.name, "entityId": w.entity_id},
                "description": w.description,
                "created": w.created,
                "updated": w.updated,
                "isDefault": w.is_default,
            })
        })
        .collect();
    Json(paged(
        &format!("{}/rest/api/3/workflow/search", state.base_url),
        "",
        start,
        max,
        all,
    ))
    .into_response()
}

/// `GET /rest/api/2/groups/picker` (Data Center's only list of groups): the groups whose name
/// contains `query`, at most `maxResults` and never more than the site's autocomplete limit,
/// with the `total` that matched.
pub async fn groups_picker(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let pairs = params::pairs(q.as_deref());
    let query = params::last(&pairs, "query").unwrap_or("").to_lowercase();
    let limit = state.config.autocomplete_limit;
    let max = params::last(&pairs, "maxResults")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(limit)
        .min(limit);
    let matching: Vec<&crate::data::registry::Group> = GROUPS
        .iter()
        .filter(|g| g.name.to_lowercase().contains(&query))
        .collect();
    let shown: Vec<Value> = matching
        .iter()
        .take(max)
        .map(|g| json!({"name": g.name, "html": g.name, "labels": []}))
        .collect();
    Json(json!({
        "header": format!("Showing {} of {} matching groups", shown.len(), matching.len()),
        "total": matching.len(),
        "groups": shown,
    }))
    .into_response()
}

/// `GET /rest/api/2/dashboard` (Data Center): the dashboards with ids, names and links.
pub async fn dashboard_list(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 20, 1000) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let base = &state.base_url;
    let page: Vec<Value> = DASHBOARDS
        .iter()
        .skip(start)
        .take(max)
        .map(|d| {
            json!({
                "id": d.id.to_string(),
                "name": d.name,
                "self": format!("{base}/rest/api/2/dashboard/{}", d.id),
                "view": format!("{base}/secure/Dashboard.jspa?selectPageId={}", d.id),
            })
        })
        .collect();
    Json(json!({
        "startAt": start,
        "maxResults": max,
        "total": DASHBOARDS.len(),
        "dashboards": page,
    }))
    .into_response()
}

/// `GET /rest/api/2/workflow` (Data Center): every workflow, with a display-formatted
/// modification date.
pub async fn workflow_list() -> Response {
    let all: Vec<Value> = WORKFLOWS
        .iter()
        .map(|w| {
            json!({
                "name": w.name,
                "description": w.description,
                "lastModifiedDate": "07/Oct/24 3:42 PM",
                "lastModifiedUser": "admin",
                "steps": 5,
                "default": w.is_default,
            })
        })
        .collect();
    Json(Value::Array(all)).into_response()
}
