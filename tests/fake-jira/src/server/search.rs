//! `GET|POST /rest/api/3/search/jql` and `POST /rest/api/3/search/approximate-count`.

use super::auth::Auth;
use super::errors::{bad_request, jira_errors, ApiError, MAX_RESULTS_MESSAGE};
use super::middleware::login_failed_header;
use super::{params, token, AppState, Shared};
use crate::jql::{search, EvalContext, SearchError};
use crate::render::{issue_json, FieldSelection};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const POST_PROPERTIES: [&str; 9] = [
    "jql",
    "nextPageToken",
    "maxResults",
    "fields",
    "expand",
    "properties",
    "fieldsByKeys",
    "failFast",
    "reconcileIssues",
];
const CACHE_TTL: Duration = Duration::from_secs(120);
const CACHE_SIZE: usize = 16;

/// A search request, however it arrived.
struct SearchRequest {
    jql: String,
    next_page_token: Option<String>,
    max_results: i64,
    fields: Vec<String>,
}

/// `GET /rest/api/3/search/jql`.
pub async fn search_get(
    State(state): State<Shared>,
    Extension(auth): Extension<Auth>,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = params::pairs(q.as_deref());
    let max_results = match params::int(&pairs, "maxResults", 50) {
        Ok(m) => m,
        Err(_) => return bad_request(MAX_RESULTS_MESSAGE),
    };
    let request = SearchRequest {
        jql: params::last(&pairs, "jql").unwrap_or("").to_string(),
        next_page_token: params::last(&pairs, "nextPageToken").map(str::to_string),
        max_results,
        fields: params::list(&pairs, "fields").unwrap_or_default(),
    };
    run(&state, auth, request)
}

/// Parses a JSON object body, rejecting properties outside `allowed`.
pub fn json_object(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!("Unexpected character in the request body: {e}"))
    })?;
    let Value::Object(map) = value else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        let message = format!("Unrecognized field \"{unknown}\" (not marked as ignorable).");
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            message,
            with_errors: false,
        });
    }
    Ok(map)
}

fn optional_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!(
            "The '{key}' property must be a string."
        ))),
    }
}

/// Reads a `fields` array of strings.
pub fn string_array(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "The '{key}' property must be an array of strings."
                    ))
                })
            })
            .collect(),
        Some(_) => Err(ApiError::bad_request(format!(
            "The '{key}' property must be an array of strings."
        ))),
    }
}

/// `POST /rest/api/3/search/jql`.
pub async fn search_post(
    State(state): State<Shared>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Response {
    let parsed = (|| {
        let map = json_object(&body, &POST_PROPERTIES)?;
        let max_results = match map.get("maxResults") {
            None | Some(Value::Null) => 50,
            Some(v) => v
                .as_i64()
                .ok_or_else(|| ApiError::bad_request(MAX_RESULTS_MESSAGE))?,
        };
        Ok::<_, ApiError>(SearchRequest {
            jql: optional_string(&map, "jql")?.unwrap_or_default(),
            next_page_token: optional_string(&map, "nextPageToken")?,
            max_results,
            fields: string_array(&map, "fields")?,
        })
    })();
    match parsed {
        Ok(request) => run(&state, auth, request),
        Err(e) => e.into_response(),
    }
}

/// `POST /rest/api/2/search`: removed from Cloud; on Data Center the search, paged by
/// `startAt` with a `total`, `maxResults` lowered silently to the site's page limit, and a 400
/// past the result window.
pub async fn search_v2(
    State(state): State<Shared>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Response {
    if state.config.deployment == crate::Deployment::Cloud {
        return super::meta::removed_search().await;
    }
    let parsed = (|| {
        let map = json_object(
            &body,
            &[
                "jql",
                "startAt",
                "maxResults",
                "fields",
                "validateQuery",
                "expand",
                "properties",
                "fieldsByKeys",
            ],
        )?;
        let number = |key: &str, default: i64| match map.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_i64()
                .ok_or_else(|| ApiError::bad_request(MAX_RESULTS_MESSAGE)),
        };
        Ok::<_, ApiError>((
            optional_string(&map, "jql")?.unwrap_or_default(),
            number("startAt", 0)?.max(0) as usize,
            number("maxResults", 50)?,
            string_array(&map, "fields")?,
        ))
    })();
    let (jql, start_at, max_results, fields) = match parsed {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if auth != Auth::Valid {
        return anonymous(
            auth,
            json!({"startAt": 0, "maxResults": 0, "total": 0, "issues": []}),
        );
    }
    let applied = (max_results.max(0) as usize).min(state.config.search_max_results);
    if start_at + applied > state.config.result_window {
        return bad_request(format!(
            "The result window is too large: startAt + maxResults must be at most {}.",
            state.config.result_window
        ));
    }
    let hits = match cached_search(&state, &jql) {
        Ok(hits) => hits,
        Err(e) => return search_error(&e),
    };
    let selection = FieldSelection::parse(&fields, "*navigable");
    let end = (start_at + applied).min(hits.len());
    let issues = page(&state, &hits[start_at.min(end)..end], &selection);
    Json(json!({
        "expand": "schema,names",
        "startAt": start_at,
        "maxResults": applied,
        "total": hits.len(),
        "issues": issues,
    }))
    .into_response()
}

/// `POST /rest/api/3/search/approximate-count`.
pub async fn approximate_count(
    State(state): State<Shared>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Response {
    let jql = match json_object(&body, &["jql"]).and_then(|m| optional_string(&m, "jql")) {
        Ok(jql) => jql.unwrap_or_default(),
        Err(e) => return e.into_response(),
    };
    if auth != Auth::Valid {
        return anonymous(auth, json!({"count": 0}));
    }
    match cached_search(&state, &jql) {
        Ok(hits) => Json(json!({"count": hits.len()})).into_response(),
        Err(e) => search_error(&e),
    }
}

/// The 400 for a refused search, with every message Jira would list.
fn search_error(e: &SearchError) -> Response {
    jira_errors(StatusCode::BAD_REQUEST, e.messages())
}

/// The answer to a caller that is not authenticated: an empty result, flagged when
/// credentials were rejected.
fn anonymous(auth: Auth, body: Value) -> Response {
    let mut response = Json(body).into_response();
    if auth == Auth::Failed {
        let (name, value) = login_failed_header();
        response.headers_mut().insert(name, value);
    }
    response
}

/// The evaluation context of this instance, now.
pub fn context<'a>(state: &AppState, dataset: &'a crate::data::Dataset) -> EvalContext<'a> {
    EvalContext {
        dataset,
        time_zone: state.config.time_zone,
        now: chrono::Utc::now(),
        current_user: dataset.catalog.users.first().map(|u| u.account_id.clone()),
        deployment: state.config.deployment,
    }
}

/// Runs a search, reusing a recent result of the same JQL so paging stays cheap and stable.
pub(super) fn cached_search(state: &AppState, jql: &str) -> Result<Arc<Vec<usize>>, SearchError> {
    {
        let cache = state.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, hits)) = cache.get(jql) {
            if at.elapsed() < CACHE_TTL {
                return Ok(hits.clone());
            }
        }
    }
    let dataset = state.data();
    let hits = Arc::new(search(jql, &context(state, &dataset))?);
    let mut cache = state.cache.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
    if cache.len() >= CACHE_SIZE {
        if let Some(oldest) = cache
            .iter()
            .min_by_key(|(_, (at, _))| *at)
            .map(|(k, _)| k.clone())
        {
            cache.remove(&oldest);
        }
    }
    cache.insert(jql.to_string(), (Instant::now(), hits.clone()));
    Ok(hits)
}

/// The issues at these indices, with the selected fields, as a search page lists them.
pub(super) fn page(state: &AppState, indices: &[usize], selection: &FieldSelection) -> Vec<Value> {
    let ds = state.data();
    indices
        .iter()
        .filter_map(|&i| ds.issues.get(i))
        .map(|issue| issue_json(&state.base_url, &ds, issue, selection, ""))
        .collect()
}

fn run(state: &AppState, auth: Auth, request: SearchRequest) -> Response {
    if !(1..=5000).contains(&request.max_results) {
        return bad_request(MAX_RESULTS_MESSAGE);
    }
    if auth != Auth::Valid {
        return anonymous(auth, json!({"issues": [], "isLast": true}));
    }
    let hits = match cached_search(state, &request.jql) {
        Ok(hits) => hits,
        Err(e) => return search_error(&e),
    };
    let offset = match &request.next_page_token {
        None => 0,
        Some(t) => match token::decode(&request.jql, t).filter(|&o| o <= hits.len()) {
            Some(o) => o,
            None => return bad_request("The provided next page token is invalid or expired."),
        },
    };
    let selection = FieldSelection::parse(&request.fields, "id");
    let cap = if selection.wants_more_than_ids() {
        100
    } else {
        5000
    };
    let size = (request.max_results as usize).min(cap);
    let end = (offset + size).min(hits.len());
    let issues = page(state, &hits[offset..end], &selection);
    let mut body = json!({"issues": issues, "isLast": end >= hits.len()});
    if end < hits.len() {
        body["nextPageToken"] = json!(token::encode(&request.jql, end));
    }
    Json(body).into_response()
}
