//! The `/_fake/...` endpoints tests use to inspect and steer the fake (no auth).

use super::errors::bad_request;
use super::faults::Fault;
use super::{params, Shared};
use crate::oracle;
use crate::render::{issue_json, FieldSelection};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// `GET /_fake/requests`: every request (all paths but `/_fake/...`) since the last clear, in
/// order.
pub async fn requests(State(state): State<Shared>) -> Response {
    Json(state.log_json()).into_response()
}

/// `DELETE /_fake/requests`.
pub async fn clear_requests(State(state): State<Shared>) -> Response {
    state.clear_log();
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_fake/faults`: a JSON array of faults (or one fault) appended to the queue.
pub async fn add_faults(State(state): State<Shared>, body: Bytes) -> Response {
    let faults = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(serde_json::from_value::<Fault>)
            .collect::<Result<Vec<_>, _>>(),
        Ok(one) => serde_json::from_value::<Fault>(one).map(|f| vec![f]),
        Err(e) => Err(e),
    };
    match faults {
        Ok(faults) => {
            state.add_faults(faults);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(format!("Invalid fault: {e}")),
    }
}

/// `POST /_fake/hostile`: `{"mode": "deep", "spare_search": false}` damages every answer
/// from now on (see `hostile.rs` for the modes).
pub async fn set_hostile(State(state): State<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<super::hostile::Hostile>(&body) {
        Ok(h) => {
            *state.hostile.lock().unwrap_or_else(|e| e.into_inner()) = Some(h);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(format!("Invalid hostile setting: {e}")),
    }
}

/// `DELETE /_fake/hostile`: answers are whole again.
pub async fn clear_hostile(State(state): State<Shared>) -> Response {
    *state.hostile.lock().unwrap_or_else(|e| e.into_inner()) = None;
    StatusCode::NO_CONTENT.into_response()
}

/// `DELETE /_fake/faults`.
pub async fn clear_faults(State(state): State<Shared>) -> Response {
    state.clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_fake/issues`: all issues with all fields.
pub async fn all_issues(State(state): State<Shared>) -> Response {
    let all = FieldSelection::parse(&[], "*all");
    let ds = state.data();
    let issues: Vec<Value> = ds
        .issues
        .iter()
        .filter(|i| !i.deleted)
        .map(|i| issue_json(&state.base_url, &ds, i, &all, ""))
        .collect();
    Json(Value::Array(issues)).into_response()
}

/// `GET /_fake/sql?table=NAME`: the SQL script of what a correct wrapper returns.
pub async fn sql(State(state): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let pairs = params::pairs(q.as_deref());
    let table = params::last(&pairs, "table").unwrap_or("");
    match oracle::script(
        table,
        &state.base_url,
        &state.data(),
        state.config.deployment,
    ) {
        Ok(script) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            script,
        )
            .into_response(),
        Err(message) => bad_request(message),
    }
}

/// `GET /_fake/auth`: the authentication counters, so tests can prove how a client logged in,
/// refreshed or renewed its credentials.
pub async fn auth_counters(State(state): State<Shared>) -> Response {
    Json(state.counters.to_json()).into_response()
}

/// `DELETE /_fake/sessions`: every cookie session dies now (as after a restart or timeout).
pub async fn expire_sessions(State(state): State<Shared>) -> Response {
    state.sessions.expire_all();
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_fake/clock {"now": ms}`: the time the fake takes as now (what `/worklog/updated`
/// leaves out as "the last minute" depends on it).
pub async fn set_clock(State(state): State<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("now").and_then(Value::as_i64))
    {
        Some(now) => {
            state.set_clock(Some(now));
            StatusCode::NO_CONTENT.into_response()
        }
        None => bad_request("Expected {\"now\": <epoch milliseconds>}."),
    }
}

/// `DELETE /_fake/clock`: back to the system clock.
pub async fn reset_clock(State(state): State<Shared>) -> Response {
    state.set_clock(None);
    StatusCode::NO_CONTENT.into_response()
}
