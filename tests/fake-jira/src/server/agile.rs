//! Jira Software (agile) endpoints: boards, their sprints, issues, backlog and epics, and the
//! issues of a sprint.

use super::errors::{jira_error, jira_errors};
use super::meta::paging;
use super::search::cached_search;
use super::{params, AppState, Shared};
use crate::data::agile::{sprint_of, Board, BoardKind, Sprint};
use crate::render::{issue_json, FieldSelection};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Agile timestamps: UTC with milliseconds and a `Z`.
fn agile_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `GET /rest/agile/1.0/board`: every board, filtered by `type`, `projectKeyOrId` and `name`
/// (substring, case-insensitive); `maxResults` defaults to (and is capped at) 50.
pub async fn board_list(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pairs = params::pairs(q.as_deref());
    let kinds = params::list(&pairs, "type");
    let project = params::last(&pairs, "projectKeyOrId");
    let name = params::last(&pairs, "name").map(str::to_lowercase);
    let catalog = &state.data().catalog;
    let base = &state.base_url;
    let all: Vec<Value> = state
        .boards()
        .into_iter()
        .filter(|b| {
            kinds
                .as_ref()
                .is_none_or(|k| k.iter().any(|k| k == b.kind.as_str()))
        })
        .filter(|b| {
            project.is_none_or(|p| {
                let pr = &catalog.projects[b.project];
                pr.key.eq_ignore_ascii_case(p) || pr.id.to_string() == p
            })
        })
        .filter(|b| {
            name.as_ref()
                .is_none_or(|n| b.name.to_lowercase().contains(n))
        })
        .map(|b| {
            let p = &catalog.projects[b.project];
            json!({
                "id": b.id,
                "self": format!("{base}/rest/agile/1.0/board/{}", b.id),
                "name": b.name,
                "type": b.kind.as_str(),
                "location": {
                    "projectId": p.id,
                    "projectKey": p.key,
                    "projectName": p.name,
                    "displayName": format!("{} ({})", p.name, p.key),
                    "projectTypeKey": "software",
                    "name": format!("{} ({})", p.name, p.key),
                    "avatarURI": format!("/secure/projectavatar?size=small&pid={}", p.id),
                },
            })
        })
        .collect();
    let total = all.len();
    let values: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    Json(json!({
        "maxResults": max,
        "startAt": start,
        "total": total,
        "isLast": start + values.len() >= total,
        "values": values,
    }))
    .into_response()
}

/// `GET /rest/agile/1.0/board/{boardId}/sprint`: the sprints of a scrum board, optionally
/// filtered by `state` (comma-separated); kanban boards answer 400, unknown boards 404.
pub async fn board_sprints(
    State(state): State<Shared>,
    Path(board_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let all_boards = state.boards();
    let Some(board) = board_id
        .parse::<u64>()
        .ok()
        .and_then(|id| all_boards.iter().find(|b| b.id == id))
    else {
        return jira_error(
            StatusCode::NOT_FOUND,
            "Board does not exist or you do not have permission to see it.",
        );
    };
    if board.kind == BoardKind::Kanban {
        return jira_error(
            StatusCode::BAD_REQUEST,
            "The board does not support sprints",
        );
    }
    let pairs = params::pairs(q.as_deref());
    let states = params::list(&pairs, "state");
    let base = &state.base_url;
    let all: Vec<Value> = board
        .sprints
        .iter()
        .filter(|s| {
            states
                .as_ref()
                .is_none_or(|st| st.iter().any(|x| x == s.state.as_str()))
        })
        .map(|s| sprint_json(base, board.id, s))
        .collect();
    let total = all.len();
    let values: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    Json(json!({
        "maxResults": max,
        "startAt": start,
        "isLast": start + values.len() >= total,
        "values": values,
    }))
    .into_response()
}

/// The 404 for a board that does not exist.
fn no_board() -> Response {
    jira_error(
        StatusCode::NOT_FOUND,
        "Board does not exist or you do not have permission to see it.",
    )
}

/// The board with this id, among the instance's boards.
fn find_board(state: &AppState, board_id: &str) -> Option<Board> {
    let id = board_id.parse::<u64>().ok()?;
    state.boards().into_iter().find(|b| b.id == id)
}

/// The agile issue page over `indices` (in issue order): `startAt`/`maxResults` (default 50,
/// at most 100), `fields` (default `*navigable`) and an optional `jql` that further narrows
/// the issues; `{expand, startAt, maxResults, total, issues}`.
fn issue_page(state: &AppState, q: Option<&str>, indices: Vec<usize>) -> Response {
    let (start, max) = match paging(q, 50, 100) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pairs = params::pairs(q);
    let mut indices = indices;
    if let Some(jql) = params::last(&pairs, "jql").filter(|j| !j.trim().is_empty()) {
        match cached_search(state, jql) {
            Ok(hits) => {
                let keep: std::collections::HashSet<usize> = hits.iter().copied().collect();
                indices.retain(|i| keep.contains(i));
            }
            Err(e) => return jira_errors(StatusCode::BAD_REQUEST, e.messages()),
        }
    }
    let selection = FieldSelection::parse(
        &params::list(&pairs, "fields").unwrap_or_default(),
        "*navigable",
    );
    let total = indices.len();
    let ds = state.data();
    let issues: Vec<Value> = indices
        .iter()
        .skip(start)
        .take(max)
        .filter_map(|&i| ds.issues.get(i))
        .map(|issue| {
            issue_json(
                &state.base_url,
                &ds,
                issue,
                &selection,
                "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            )
        })
        .collect();
    Json(json!({
        "expand": "names,schema",
        "startAt": start,
        "maxResults": max,
        "total": total,
        "issues": issues,
    }))
    .into_response()
}

/// Indices of the issues of a board's project, in id order.
fn board_issue_indices(state: &AppState, board: &Board) -> Vec<usize> {
    let ds = state.data();
    (0..ds.issues.len())
        .filter(|&i| !ds.issues[i].deleted && ds.issues[i].project == board.project)
        .collect()
}

/// `GET /rest/agile/1.0/board/{boardId}/issue`: every issue of the board's project, whether
/// in a sprint or the backlog.
pub async fn board_issues(
    State(state): State<Shared>,
    Path(board_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(board) = find_board(&state, &board_id) else {
        return no_board();
    };
    let indices = board_issue_indices(&state, &board);
    issue_page(&state, q.as_deref(), indices)
}

/// `GET /rest/agile/1.0/board/{boardId}/backlog`: the issues of a scrum board's project that
/// are in none of its sprints; kanban boards answer 400.
pub async fn board_backlog(
    State(state): State<Shared>,
    Path(board_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(board) = find_board(&state, &board_id) else {
        return no_board();
    };
    if board.kind == BoardKind::Kanban {
        return jira_error(
            StatusCode::BAD_REQUEST,
            "The board does not support sprints",
        );
    }
    let ds = &state.data();
    let indices: Vec<usize> = board_issue_indices(&state, &board)
        .into_iter()
        .filter(|&i| sprint_of(state.config.seed, &ds.catalog, &board, &ds.issues[i]).is_none())
        .collect();
    issue_page(&state, q.as_deref(), indices)
}

/// `GET /rest/agile/1.0/sprint/{sprintId}/issue`: the issues in a sprint; unknown sprints
/// answer 404.
pub async fn sprint_issues(
    State(state): State<Shared>,
    Path(sprint_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let ds = &state.data();
    let all_boards = state.boards();
    let found = sprint_id.parse::<u64>().ok().and_then(|id| {
        all_boards.iter().find_map(|b| {
            b.sprints
                .iter()
                .position(|s| s.id == id)
                .map(|pos| (b, pos))
        })
    });
    let Some((board, pos)) = found else {
        return jira_error(
            StatusCode::NOT_FOUND,
            "Sprint does not exist or you do not have permission to see it.",
        );
    };
    let indices: Vec<usize> = board_issue_indices(&state, board)
        .into_iter()
        .filter(|&i| sprint_of(state.config.seed, &ds.catalog, board, &ds.issues[i]) == Some(pos))
        .collect();
    issue_page(&state, q.as_deref(), indices)
}

/// `GET /rest/agile/1.0/board/{boardId}/epic`: the Epic-type issues of the board's project,
/// paged (default and cap 50).
pub async fn board_epics(
    State(state): State<Shared>,
    Path(board_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(board) = find_board(&state, &board_id) else {
        return no_board();
    };
    let ds = &state.data();
    let base = &state.base_url;
    let all: Vec<Value> = board_issue_indices(&state, &board)
        .into_iter()
        .filter_map(|i| ds.issues.get(i))
        .filter(|i| ds.catalog.issue_types[i.issue_type].hierarchy_level == 1)
        .map(|i| {
            let category = ds.catalog.statuses[i.status].category;
            json!({
                "id": i.id,
                "key": i.key,
                "self": format!("{base}/rest/agile/1.0/epic/{}", i.id),
                "name": i.summary,
                "summary": i.summary,
                "color": {"key": format!("color_{}", i.id % 14 + 1)},
                "done": ds.catalog.categories[category].key == "done",
            })
        })
        .collect();
    let total = all.len();
    let values: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    Json(json!({
        "maxResults": max,
        "startAt": start,
        "isLast": start + values.len() >= total,
        "values": values,
    }))
    .into_response()
}

/// One sprint as the agile API shows it.
pub fn sprint_json(base: &str, board: u64, s: &Sprint) -> Value {
    let mut v = json!({
        "id": s.id,
        "self": format!("{base}/rest/agile/1.0/sprint/{}", s.id),
        "state": s.state.as_str(),
        "name": s.name,
        "startDate": agile_time(&s.start),
        "endDate": agile_time(&s.end),
        "originBoardId": board,
        "goal": s.goal,
    });
    if let Some(c) = &s.complete {
        v["completeDate"] = json!(agile_time(c));
    }
    v
}

/// Sets the members of a sprint create or partial update, with the agile API's rules: a name
/// of at most 30 characters, dates in ISO 8601, `state` moving future -> active -> closed only,
/// and a start and end date before a sprint starts.
fn sprint_fields(
    map: &serde_json::Map<String, Value>,
    sprint: &mut Sprint,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if let Some(name) = map.get("name") {
        let name = name.as_str().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            return Err("The sprint name must not be empty.".into());
        }
        if name.chars().count() > 30 {
            return Err("The sprint name must be 30 characters or less.".into());
        }
        sprint.name = name.to_string();
    }
    if let Some(goal) = map.get("goal") {
        sprint.goal = goal.as_str().unwrap_or_default().to_string();
    }
    for (member, at) in [
        ("startDate", &mut sprint.start),
        ("endDate", &mut sprint.end),
    ] {
        if let Some(v) = map.get(member) {
            let t = v
                .as_str()
                .and_then(|s| {
                    DateTime::parse_from_rfc3339(s)
                        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
                        .ok()
                })
                .ok_or_else(|| format!("The {member} is not a date."))?;
            *at = t.with_timezone(&Utc);
        }
    }
    if let Some(wanted) = map.get("state").and_then(Value::as_str) {
        use crate::data::agile::SprintState::*;
        sprint.state = match (sprint.state, wanted) {
            (current, w) if current.as_str() == w => current,
            (Future, "active") => Active,
            (Active, "closed") => {
                sprint.complete = Some(now);
                Closed
            }
            (current, w) => {
                return Err(format!(
                    "A sprint cannot go from {} to {w}.",
                    current.as_str()
                ))
            }
        };
    }
    if sprint.end < sprint.start {
        return Err("The sprint's end date must come after its start date.".into());
    }
    Ok(())
}

/// Applies `f` to the boards (materialized from the generated ones on the first change).
fn change_boards<R>(state: &AppState, f: impl FnOnce(&mut Vec<Board>) -> R) -> R {
    let mut boards = state.boards();
    state.change(|ds| {
        let out = f(&mut boards);
        ds.boards = Some(boards);
        out
    })
}

/// `POST /rest/agile/1.0/sprint`: `{name, originBoardId, startDate?, endDate?, goal?}`; 201
/// with a future sprint of a scrum board.
pub async fn create_sprint(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) else {
        return jira_error(
            StatusCode::BAD_REQUEST,
            "The request body is not a JSON object.",
        );
    };
    let board_id = map.get("originBoardId").and_then(Value::as_u64);
    let now = Utc::now();
    let created = change_boards(&state, |boards| {
        let id = crate::data::agile::CLIENT_IDS
            + boards
                .iter()
                .flat_map(|b| &b.sprints)
                .filter(|s| s.id >= crate::data::agile::CLIENT_IDS)
                .count() as u64;
        let board = boards
            .iter_mut()
            .find(|b| Some(b.id) == board_id)
            .ok_or_else(|| {
                "Board does not exist or you do not have permission to see it.".to_string()
            })?;
        if board.kind != BoardKind::Scrum {
            return Err("The board does not support sprints".to_string());
        }
        if map.get("name").is_none() {
            return Err("The sprint name must not be empty.".to_string());
        }
        let mut sprint = Sprint {
            id,
            name: String::new(),
            state: crate::data::agile::SprintState::Future,
            start: now,
            end: now + chrono::Duration::days(14),
            complete: None,
            goal: String::new(),
        };
        sprint_fields(&map, &mut sprint, now)?;
        board.sprints.push(sprint.clone());
        Ok((board.id, sprint))
    });
    match created {
        Ok((board, sprint)) => (
            StatusCode::CREATED,
            Json(sprint_json(&state.base_url, board, &sprint)),
        )
            .into_response(),
        Err(message) => jira_error(StatusCode::BAD_REQUEST, message),
    }
}

/// `GET`, `POST` (partial update) and `DELETE /rest/agile/1.0/sprint/{sprintId}`.
pub async fn one_sprint(
    State(state): State<Shared>,
    method: axum::http::Method,
    Path(sprint_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = sprint_id.parse::<u64>().ok();
    let found = state.boards().into_iter().find_map(|b| {
        b.sprints
            .iter()
            .find(|s| Some(s.id) == id)
            .map(|s| (b.id, s.clone()))
    });
    let Some((board, _)) = found else {
        return jira_error(
            StatusCode::NOT_FOUND,
            "Sprint does not exist or you do not have permission to see it.",
        );
    };
    let now = Utc::now();
    let outcome: Result<Option<Sprint>, String> = match method {
        axum::http::Method::GET => Ok(found.map(|(_, s)| s)),
        axum::http::Method::DELETE => change_boards(&state, |boards| {
            for b in boards.iter_mut() {
                b.sprints.retain(|s| Some(s.id) != id);
            }
            Ok(None)
        }),
        _ => {
            let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) else {
                return jira_error(
                    StatusCode::BAD_REQUEST,
                    "The request body is not a JSON object.",
                );
            };
            change_boards(&state, |boards| {
                let sprint = boards
                    .iter_mut()
                    .flat_map(|b| b.sprints.iter_mut())
                    .find(|s| Some(s.id) == id)
                    .ok_or_else(|| "Sprint does not exist.".to_string())?;
                let mut edited = sprint.clone();
                sprint_fields(&map, &mut edited, now)?;
                *sprint = edited.clone();
                Ok(Some(edited))
            })
        }
    };
    match outcome {
        Ok(Some(sprint)) => Json(sprint_json(&state.base_url, board, &sprint)).into_response(),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => jira_error(StatusCode::BAD_REQUEST, message),
    }
}
