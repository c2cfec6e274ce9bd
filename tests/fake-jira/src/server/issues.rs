//! `GET /rest/api/3/issue/{idOrKey}` and `POST /rest/api/3/issue/bulkfetch`.

use super::errors::{bad_request, jira_error, NO_ISSUE};
use super::search::{json_object, string_array};
use super::{params, Shared};
use crate::render::{issue_json, FieldSelection};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

const EXPAND: &str =
    "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations";

/// `GET /rest/api/3/issue/{idOrKey}`; fields default to `*all`; `expand=changelog` adds the
/// whole change history (what Data Center, which has no changelog endpoint, offers).
pub async fn get_issue(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = params::pairs(q.as_deref());
    let selection =
        FieldSelection::parse(&params::list(&pairs, "fields").unwrap_or_default(), "*all");
    let expanded = params::list(&pairs, "expand")
        .unwrap_or_default()
        .iter()
        .any(|e| e == "changelog");
    match state.find_issue(&id_or_key) {
        Some(i) => {
            let mut issue = issue_json(
                &state.base_url,
                &state.data(),
                &state.data().issues[i],
                &selection,
                EXPAND,
            );
            if expanded {
                let histories = super::activity::histories(&state, i);
                issue["changelog"] = json!({
                    "startAt": 0,
                    "maxResults": histories.len(),
                    "total": histories.len(),
                    "histories": histories,
                });
            }
            Json(issue).into_response()
        }
        None => jira_error(StatusCode::NOT_FOUND, NO_ISSUE),
    }
}

/// `POST /rest/api/3/issue/bulkfetch`: up to 100 ids or keys; missing issues are left out.
pub async fn bulk_fetch(State(state): State<Shared>, body: Bytes) -> Response {
    let allowed = [
        "issueIdsOrKeys",
        "fields",
        "expand",
        "fieldsByKeys",
        "properties",
    ];
    let (ids, fields) = match json_object(&body, &allowed).and_then(|m| {
        Ok((
            string_array(&m, "issueIdsOrKeys")?,
            string_array(&m, "fields")?,
        ))
    }) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    if ids.is_empty() {
        return bad_request("issueIdsOrKeys must contain at least one issue id or key.");
    }
    if ids.len() > 100 {
        return bad_request("The number of issues requested exceeds the maximum of 100.");
    }
    let selection = FieldSelection::parse(&fields, "*navigable");
    let mut seen = Vec::new();
    let issues: Vec<Value> = ids
        .iter()
        .filter_map(|k| state.find_issue(k))
        .filter(|i| {
            let new = !seen.contains(i);
            seen.push(*i);
            new
        })
        .map(|i| {
            issue_json(
                &state.base_url,
                &state.data(),
                &state.data().issues[i],
                &selection,
                "",
            )
        })
        .collect();
    Json(json!({"issues": issues, "issueErrors": []})).into_response()
}
