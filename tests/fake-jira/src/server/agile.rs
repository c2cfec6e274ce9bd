//! Jira Software (agile) endpoints: `GET /rest/agile/1.0/board` and
//! `GET /rest/agile/1.0/board/{boardId}/sprint`.

use super::errors::jira_error;
use super::meta::paging;
use super::{params, Shared};
use crate::data::agile::{boards, BoardKind};
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
    let catalog = &state.dataset.catalog;
    let base = &state.base_url;
    let all: Vec<Value> = boards(catalog, state.config.seed)
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
    let all_boards = boards(&state.dataset.catalog, state.config.seed);
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
        .map(|s| {
            let mut v = json!({
                "id": s.id,
                "self": format!("{base}/rest/agile/1.0/sprint/{}", s.id),
                "state": s.state.as_str(),
                "name": s.name,
                "startDate": agile_time(&s.start),
                "endDate": agile_time(&s.end),
                "originBoardId": board.id,
                "goal": s.goal,
            });
            if let Some(c) = &s.complete {
                v["completeDate"] = json!(agile_time(c));
            }
            v
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
