//! Per-issue children: `GET /rest/api/3/issue/{idOrKey}/comment` and `.../worklog`, paged with
//! `startAt`/`maxResults` over the issue's generated comments and worklogs; and the
//! instance-wide incremental worklog endpoints (`/worklog/updated`, `/worklog/list`).

use super::errors::{bad_request, jira_error, NO_ISSUE};
use super::meta::paging;
use super::{params, Shared};
use crate::data::children::{comments, duration_text, worklogs, Comment, Worklog};
use crate::data::{Dataset, Issue};
use crate::render::{jira_time, user_json};
use axum::body::Bytes;
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
    let ds = &state.data();
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
        .map(|c| comment_json(base, ds, issue, c))
        .collect();
    Json(json!({"startAt": start, "maxResults": max, "total": total, "comments": page}))
        .into_response()
}

/// One comment as Jira lists it.
pub fn comment_json(base: &str, ds: &Dataset, issue: &Issue, c: &Comment) -> Value {
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
    let ds = &state.data();
    let issue = &ds.issues[index];
    let base = &state.base_url;
    let all = worklogs(state.config.seed, &ds.catalog, issue);
    let total = all.len();
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(max)
        .map(|w| worklog_json(base, ds, issue, w))
        .collect();
    Json(json!({"startAt": start, "maxResults": max, "total": total, "worklogs": page}))
        .into_response()
}

/// The JSON of one worklog of `issue`, as every worklog endpoint shows it.
pub fn worklog_json(base: &str, ds: &Dataset, issue: &Issue, w: &Worklog) -> Value {
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
}

/// Worklog ids per page of `GET /worklog/updated`, and the most `POST /worklog/list` takes.
const WORKLOG_PAGE: usize = 1000;

/// `GET /rest/api/3/worklog/updated?since=ms`: ids and update times (epoch ms) of the
/// worklogs updated after `since`, oldest first, 1000 a page; like Jira, worklogs updated in
/// the minute before the request (by the fake's clock, see `/_fake/clock`) are left out.
pub async fn worklogs_updated(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let pairs = params::pairs(q.as_deref());
    let since = match params::int(&pairs, "since", 0) {
        Ok(s) => s,
        Err(e) => return bad_request(e),
    };
    let horizon = state.now_millis() - 60_000;
    let ds = &state.data();
    let mut all: Vec<(i64, &str)> = Vec::new();
    let every: Vec<Vec<Worklog>> = ds
        .issues
        .iter()
        .filter(|i| !i.deleted)
        .map(|i| worklogs(state.config.seed, &ds.catalog, i))
        .collect();
    for w in every.iter().flatten() {
        let at = w.updated.timestamp_millis();
        if at > since && at < horizon {
            all.push((at, w.id.as_str()));
        }
    }
    all.sort_by_key(|(at, id)| (*at, id.parse::<u64>().unwrap_or(0)));
    let last_page = all.len() <= WORKLOG_PAGE;
    all.truncate(WORKLOG_PAGE);
    let until = all.last().map_or(since, |(at, _)| *at);
    let base = &state.base_url;
    let values: Vec<Value> = all
        .iter()
        .map(|(at, id)| json!({"worklogId": id.parse::<u64>().unwrap_or(0), "updatedTime": at, "properties": []}))
        .collect();
    let mut body = json!({
        "values": values,
        "since": since,
        "until": until,
        "self": format!("{base}/rest/api/3/worklog/updated?since={since}"),
        "lastPage": last_page,
    });
    if !last_page {
        body["nextPage"] = json!(format!("{base}/rest/api/3/worklog/updated?since={until}"));
    }
    Json(body).into_response()
}

/// `POST /rest/api/3/worklog/list {"ids": [...]}`: the worklogs with those ids (unknown ids
/// are left out), at most 1000 ids.
pub async fn worklog_list(State(state): State<Shared>, body: Bytes) -> Response {
    let ids: Vec<u64> = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => match v.get("ids").and_then(Value::as_array) {
            Some(ids) => ids
                .iter()
                .filter_map(|i| i.as_u64().or_else(|| i.as_str()?.parse().ok()))
                .collect(),
            None => return bad_request("The request must contain 'ids'."),
        },
        Err(_) => return bad_request("Invalid request payload."),
    };
    if ids.len() > WORKLOG_PAGE {
        return bad_request("The number of worklog IDs must be less than or equal to 1000.");
    }
    let ds = &state.data();
    let base = &state.base_url;
    let mut out = Vec::new();
    for id in ids {
        // A worklog's id is its issue's id times ten plus its position (see `data::children`).
        let Some(index) = state.find_issue(&(id / 10).to_string()) else {
            continue;
        };
        let issue = &ds.issues[index];
        let all = worklogs(state.config.seed, &ds.catalog, issue);
        if let Some(w) = all.iter().find(|w| w.id == id.to_string()) {
            out.push(worklog_json(base, ds, issue, w));
        }
    }
    Json(Value::Array(out)).into_response()
}
