//! Per-issue children: `GET /rest/api/3/issue/{idOrKey}/comment` and `.../worklog`, paged with
//! `startAt`/`maxResults` over the issue's generated comments and worklogs.

use super::errors::{jira_error, NO_ISSUE};
use super::meta::paging;
use super::{params, Shared};
use crate::data::children::{comments, duration_text, worklogs};
use crate::render::{jira_time, user_json};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The paging parameters of a per-issue list and the issue's index, or the answer to give
/// (400 for bad paging, 404 for an unknown issue).
pub(super) fn issue_page(
    state: &Shared,
    id_or_key: &str,
    q: Option<&str>,
    default_max: i64,
    cap: i64,
) -> Result<(usize, usize, usize), Box<Response>> {
    let (start, max) = paging(q, default_max, cap).map_err(|e| Box::new(e.into_response()))?;
    let index = state
        .find_issue(id_or_key)
        .ok_or_else(|| Box::new(jira_error(StatusCode::NOT_FOUND, NO_ISSUE)))?;
    Ok((start, max, index))
}

/// `GET /rest/api/3/issue/{idOrKey}/comment`: `maxResults` defaults to 50 (at most 100);
/// `orderBy=-created` lists the newest first.
pub async fn issue_comments(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max, index) = match issue_page(&state, &id_or_key, q.as_deref(), 50, 100) {
        Ok(p) => p,
        Err(e) => return *e,
    };
    let pairs = params::pairs(q.as_deref());
    let ds = &state.dataset;
    let issue = &ds.issues[index];
    let base = &state.base_url;
    let mut all = comments(state.config.seed, &ds.catalog, issue);
    if params::last(&pairs, "orderBy").is_some_and(|o| o.trim() == "-created") {
        all.reverse();
    }
    let total = all.len();
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(max)
        .map(|c| {
            json!({
                "self": format!("{base}/rest/api/3/issue/{}/comment/{}", issue.id, c.id),
                "id": c.id,
                "author": user_json(base, &ds.catalog.users[c.author]),
                "body": c.body.to_json(),
                "updateAuthor": user_json(base, &ds.catalog.users[c.update_author]),
                "created": jira_time(&c.created),
                "updated": jira_time(&c.updated),
                "jsdPublic": true,
            })
        })
        .collect();
    Json(json!({"startAt": start, "maxResults": max, "total": total, "comments": page}))
        .into_response()
}

/// `GET /rest/api/3/issue/{idOrKey}/worklog`: `maxResults` defaults to (and is capped at)
/// 5000; the entries' `timeSpentSeconds` add up to the issue's `timespent`.
pub async fn issue_worklogs(
    State(state): State<Shared>,
    Path(id_or_key): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max, index) = match issue_page(&state, &id_or_key, q.as_deref(), 5000, 5000) {
        Ok(p) => p,
        Err(e) => return *e,
    };
    let ds = &state.dataset;
    let issue = &ds.issues[index];
    let base = &state.base_url;
    let all = worklogs(state.config.seed, &ds.catalog, issue);
    let total = all.len();
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(max)
        .map(|w| {
            let mut v = json!({
                "self": format!("{base}/rest/api/3/issue/{}/worklog/{}", issue.id, w.id),
                "id": w.id,
                "issueId": issue.id.to_string(),
                "author": user_json(base, &ds.catalog.users[w.author]),
                "updateAuthor": user_json(base, &ds.catalog.users[w.update_author]),
                "created": jira_time(&w.created),
                "updated": jira_time(&w.updated),
                "started": jira_time(&w.started),
                "timeSpent": duration_text(w.seconds),
                "timeSpentSeconds": w.seconds,
            });
            if let Some(comment) = &w.comment {
                v["comment"] = comment.to_json();
            }
            v
        })
        .collect();
    Json(json!({"startAt": start, "maxResults": max, "total": total, "worklogs": page}))
        .into_response()
}
