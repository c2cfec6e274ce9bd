//! Issue link types and per-issue activity: `GET /rest/api/3/issueLinkType` and, under
//! `/rest/api/3/issue/{idOrKey}/`, `transitions`, `watchers`, `votes` and `changelog`.

use super::children::issue_page;
use super::errors::{jira_error, NO_ISSUE};
use super::meta::paged;
use super::Shared;
use crate::data::history::{changelog, voters, watchers};
use crate::data::links::LINK_TYPES;
use crate::render::{jira_time, link_type_json, status_json, user_json};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `GET /rest/api/3/issueLinkType`.
pub async fn link_types(State(state): State<Shared>) -> Response {
    let list: Vec<Value> = LINK_TYPES
        .iter()
        .map(|t| link_type_json(&state.base_url, t))
        .collect();
    Json(json!({"issueLinkTypes": list})).into_response()
}

/// `GET /rest/api/3/issue/{idOrKey}/transitions`: one global transition to every status but
/// the issue's current one, named after its target.
pub async fn transitions(State(state): State<Shared>, Path(id_or_key): Path<String>) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let catalog = &state.data().catalog;
    let current = state.data().issues[index].status;
    let list: Vec<Value> = (0..catalog.statuses.len())
        .filter(|&s| s != current)
        .map(|s| {
            json!({
                "id": super::writes::transition_id(s),
                "name": catalog.statuses[s].name,
                "to": status_json(&state.base_url, catalog, s),
                "hasScreen": false,
                "isGlobal": true,
                "isInitial": false,
                "isAvailable": true,
                "isConditional": false,
                "isLooped": false,
            })
        })
        .collect();
    Json(json!({"expand": "transitions", "transitions": list})).into_response()
}

/// `GET /rest/api/3/issue/{idOrKey}/watchers`: as many watchers as the issue's
/// `watches.watchCount`.
pub async fn issue_watchers(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let ds = &state.data();
    let issue = &ds.issues[index];
    let base = &state.base_url;
    let users: Vec<Value> = watchers(state.config.seed, &ds.catalog, issue)
        .into_iter()
        .map(|u| user_json(base, &ds.catalog.users[u]))
        .collect();
    Json(json!({
        "self": format!("{base}/rest/api/3/issue/{}/watchers", issue.key),
        "isWatching": false,
        "watchCount": users.len(),
        "watchers": users,
    }))
    .into_response()
}

/// `GET /rest/api/3/issue/{idOrKey}/votes`: as many voters as the issue's `votes.votes`.
pub async fn issue_votes(State(state): State<Shared>, Path(id_or_key): Path<String>) -> Response {
    let Some(index) = state.find_issue(&id_or_key) else {
        return jira_error(StatusCode::NOT_FOUND, NO_ISSUE);
    };
    let ds = &state.data();
    let issue = &ds.issues[index];
    let base = &state.base_url;
    let users: Vec<Value> = voters(state.config.seed, &ds.catalog, issue)
        .into_iter()
        .map(|u| user_json(base, &ds.catalog.users[u]))
        .collect();
    Json(json!({
        "self": format!("{base}/rest/api/3/issue/{}/votes", issue.key),
        "votes": users.len(),
        "hasVoted": false,
        "voters": users,
    }))
    .into_response()
}

/// `GET /rest/api/3/issue/{idOrKey}/changelog`: the issue's histories, oldest first, paged
/// with `startAt`/`maxResults` (default and cap 100).
pub async fn issue_changelog(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max, index) = match issue_page(&state, &id_or_key, q.as_deref(), 100, 100) {
        Ok(p) => p,
        Err(e) => return *e,
    };
    let issue = &state.data().issues[index];
    let base = &state.base_url;
    let all = histories(&state, index);
    Json(paged(
        &format!("{base}/rest/api/3/issue/{}/changelog", issue.key),
        "",
        start,
        max,
        all,
    ))
    .into_response()
}

/// The change history of the issue at `index`, oldest first, as Jira lists it (the changelog
/// endpoint's pages, and `expand=changelog` of an issue).
pub fn histories(state: &Shared, index: usize) -> Vec<Value> {
    let ds = &state.data();
    let issue = &ds.issues[index];
    let base = &state.base_url;
    changelog(state.config.seed, &ds.catalog, issue)
        .into_iter()
        .map(|h| {
            let items: Vec<Value> = h
                .items
                .iter()
                .map(|i| {
                    json!({
                        "field": i.field,
                        "fieldtype": i.fieldtype,
                        "fieldId": i.field_id,
                        "from": i.from,
                        "fromString": i.from_string,
                        "to": i.to,
                        "toString": i.to_string,
                    })
                })
                .collect();
            json!({
                "id": h.id,
                "author": user_json(base, &ds.catalog.users[h.author]),
                "created": jira_time(&h.created),
                "items": items,
            })
        })
        .collect()
}
