//! Instance metadata endpoints: serverInfo, myself, fields, projects, users, and the removed
//! old search.

use super::errors::{jira_error, ApiError};
use super::{lists, params, Shared};
use crate::data::registry::project_category;
use crate::fields::field_list;
use crate::render::{project_json, user_json};
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `GET /rest/api/3/serverInfo` (and v2).
pub async fn server_info(State(state): State<Shared>) -> Response {
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string();
    let (version, numbers, deployment) = match state.config.deployment {
        crate::Deployment::Cloud => ("1001.0.0-SNAPSHOT", json!([1001, 0, 0]), "Cloud"),
        crate::Deployment::Server => ("9.12.2", json!([9, 12, 2]), "DataCenter"),
    };
    Json(json!({
        "baseUrl": state.base_url,
        "displayUrl": state.base_url,
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": deployment,
        "buildNumber": 100282,
        "buildDate": "2025-12-01T00:00:00.000+0000",
        "serverTime": now,
        "scmInfo": "0000000000000000000000000000000000000000",
        "serverTitle": "Fake Jira",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "Etc/UTC",
    }))
    .into_response()
}

/// `GET /rest/api/3/myself`: the authenticating user, with the configured time zone.
pub async fn myself(State(state): State<Shared>) -> Response {
    let ds = state.data();
    let Some(me) = ds.catalog.users.first() else {
        return jira_error(StatusCode::NOT_FOUND, "No user.");
    };
    let mut v = user_json(&state.base_url, me);
    v["emailAddress"] = json!(state.config.user);
    v["timeZone"] = json!(state.config.time_zone.name());
    v["locale"] = json!("en_US");
    v["groups"] = json!({"size": 1, "items": []});
    v["applicationRoles"] = json!({"size": 1, "items": []});
    v["expand"] = json!("groups,applicationRoles");
    Json(v).into_response()
}

/// `GET /rest/api/3/field`.
pub async fn fields() -> Response {
    Json(field_list()).into_response()
}

/// (startAt, maxResults) of a paged list request.
pub(super) fn paging(
    q: Option<&str>,
    default_max: i64,
    cap: i64,
) -> Result<(usize, usize), ApiError> {
    let pairs = params::pairs(q);
    let start = params::int(&pairs, "startAt", 0).map_err(ApiError::bad_request)?;
    let max = params::int(&pairs, "maxResults", default_max).map_err(ApiError::bad_request)?;
    Ok((start.max(0) as usize, max.clamp(0, cap) as usize))
}

/// A paged envelope `{self, nextPage?, maxResults, startAt, total, isLast, values}` over
/// `all`; `url` is the endpoint's address and `extra` query parameters (ending in `&`) that
/// the `self` and `nextPage` links repeat.
pub(super) fn paged(url: &str, extra: &str, start: usize, max: usize, all: Vec<Value>) -> Value {
    let total = all.len();
    let values: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    let is_last = start + values.len() >= total;
    let mut body = json!({
        "self": format!("{url}?{extra}startAt={start}&maxResults={max}"),
        "maxResults": max, "startAt": start, "total": total, "isLast": is_last, "values": values,
    });
    if !is_last {
        body["nextPage"] = json!(format!(
            "{url}?{extra}startAt={}&maxResults={max}",
            start + max
        ));
    }
    body
}

/// `GET /rest/api/3/project/search`: the paged project envelope; every project carries
/// `style`, `isPrivate` and `simplified` (and `projectCategory` when it has one), and `expand=lead,description` adds the lead user and
/// the description.
pub async fn project_search(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 100) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let (values, total) = projects(&state, q.as_deref(), start, max);
    let is_last = start + max >= total;
    let base = format!("{}/rest/api/3/project/search", state.base_url);
    let mut body = json!({
        "self": format!("{base}?startAt={start}&maxResults={max}"),
        "maxResults": max, "startAt": start, "total": total, "isLast": is_last, "values": values,
    });
    if !is_last {
        body["nextPage"] = json!(format!("{base}?startAt={}&maxResults={max}", start + max));
    }
    Json(body).into_response()
}

/// Projects `start..start + max` matching the query's `query`, with what `expand` asks for,
/// and how many match.
fn projects(state: &Shared, q: Option<&str>, start: usize, max: usize) -> (Vec<Value>, usize) {
    let pairs = params::pairs(q);
    let filter = params::last(&pairs, "query").map(str::to_lowercase);
    let expand = params::list(&pairs, "expand").unwrap_or_default();
    let wants = |name: &str| expand.iter().any(|e| e == name);
    let (with_lead, with_description) = (wants("lead"), wants("description"));
    let catalog = &state.data().catalog;
    let matching: Vec<usize> = (0..catalog.projects.len())
        .filter(|&i| {
            let p = &catalog.projects[i];
            filter.as_ref().is_none_or(|f| {
                p.key.to_lowercase().contains(f) || p.name.to_lowercase().contains(f)
            })
        })
        .collect();
    let total = matching.len();
    let values = matching
        .iter()
        .skip(start)
        .take(max)
        .map(|&i| {
            let mut v = project_json(&state.base_url, catalog, i);
            v["style"] = json!("classic");
            v["isPrivate"] = json!(false);
            v["simplified"] = json!(false);
            if let Some(cat) = project_category(i) {
                v["projectCategory"] = super::admin::category_json(&state.base_url, cat);
            }
            if with_description {
                v["description"] = json!(lists::project_description(catalog, i));
            }
            if with_lead {
                let lead = lists::project_lead(catalog, i);
                v["lead"] = user_json(&state.base_url, &catalog.users[lead]);
            }
            v
        })
        .collect();
    (values, total)
}

/// `GET /rest/api/2/project`: Server/Data Center's one list of every project.
pub async fn project_list(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (values, _) = projects(&state, q.as_deref(), 0, usize::MAX);
    Json(Value::Array(values)).into_response()
}

/// `GET /rest/api/3/users/search`: a plain array of users.
pub async fn users_search(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 1000) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let users: Vec<Value> = state
        .data()
        .catalog
        .users
        .iter()
        .skip(start)
        .take(max)
        .map(|u| {
            // The user list shows the locale where the profile is visible (as the time zone).
            let mut v = user_json(&state.base_url, u);
            if let Some(tz) = &u.time_zone {
                v["locale"] = json!(if tz.starts_with("Europe/") {
                    "fr_FR"
                } else {
                    "en_US"
                });
            }
            v
        })
        .collect();
    Json(Value::Array(users)).into_response()
}

/// `/rest/api/{2,3}/search`: removed from Cloud in 2025.
pub async fn removed_search() -> Response {
    jira_error(
        StatusCode::GONE,
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
    )
}

/// Any other path.
pub async fn not_found(State(state): State<Shared>, OriginalUri(uri): OriginalUri) -> Response {
    jira_error(
        StatusCode::NOT_FOUND,
        format!("null for uri: {}{}", state.base_url, uri.path()),
    )
}
