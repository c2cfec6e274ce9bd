//! What happens to every request before and after its handler: body capture and logging (all
//! paths), then for the Jira API fault injection and authentication.

use super::auth::{self, Auth, Verdict};
use super::connection::ConnectionId;
use super::errors::{jira_error, NOT_AUTHENTICATED};
use super::faults::{non_json_response, Fault, FaultKind};
use super::log::{api_path, LogEntry};
use super::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Paths that answer anonymous callers with an empty result instead of 401.
pub fn allows_anonymous(path: &str) -> bool {
    matches!(
        path,
        "/rest/api/3/search/jql" | "/rest/api/3/search/approximate-count" | "/rest/api/2/search"
    )
}

/// The header Jira adds when credentials were given but rejected.
pub fn login_failed_header() -> (&'static str, HeaderValue) {
    (
        "X-Seraph-LoginReason",
        HeaderValue::from_static("AUTHENTICATED_FAILED"),
    )
}

/// Marks a request the Atlassian API gateway already authenticated with a live OAuth 2.0
/// access token, so the Jira API behind it serves it as the user.
#[derive(Clone, Copy, Debug)]
pub struct GatewayAuthenticated;

/// Paths that authenticate callers themselves (the session login endpoint must be reachable
/// without a session).
fn handles_own_auth(path: &str) -> bool {
    path == "/rest/auth/1/session"
}

/// The outermost middleware: records every request except the `/_fake` control endpoints in
/// the request log (full path, body, answered status), whichever party it is for.
pub async fn log_layer(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_fake/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return jira_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large.",
        );
    };
    let mut entry = LogEntry::new(0, parts.method.as_str(), &path, parts.uri.query(), &bytes);
    entry.connection = parts
        .extensions
        .get::<ConnectInfo<ConnectionId>>()
        .map_or(0, |c| c.0 .0);
    let seq = state.record(entry);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    state.set_status(seq, response.status().as_u16());
    let hostile = *state.hostile.lock().unwrap_or_else(|e| e.into_inner());
    match hostile.filter(|h| h.applies_to(&path)) {
        Some(h) => super::hostile::apply(h, response).await,
        None => response,
    }
}

/// The middleware of the Jira API (`/rest/...`, directly or behind the gateway): fault
/// injection, then authentication; other paths pass straight through.
pub async fn rest_layer(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !path.starts_with("/rest/") {
        return next.run(request).await;
    }
    if state.config.deployment == crate::Deployment::Server && path.starts_with("/rest/api/3/") {
        return jira_error(
            StatusCode::NOT_FOUND,
            "null for uri: the REST API version 3 does not exist on Jira Data Center",
        );
    }
    let (mut parts, body) = request.into_parts();
    let fault = state.take_fault(&path);
    match fault.as_ref().map(|f| f.kind) {
        Some(FaultKind::Status) => fault
            .map(|f| f.status_response())
            .unwrap_or_else(|| StatusCode::OK.into_response()),
        Some(FaultKind::NonJson) => non_json_response(),
        kind => {
            if kind == Some(FaultKind::Delay) {
                let ms = fault.as_ref().and_then(|f| f.delay_ms).unwrap_or(1000);
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let verdict = if parts.extensions.get::<GatewayAuthenticated>().is_some() {
                Verdict::Pass(Auth::Valid)
            } else if handles_own_auth(&path) {
                Verdict::Pass(Auth::Anonymous)
            } else {
                auth::verdict(&parts, &state)
            };
            let response = match verdict {
                Verdict::Reject(response) => response,
                Verdict::Pass(auth)
                    if auth != Auth::Valid
                        && !allows_anonymous(&path)
                        && !handles_own_auth(&path) =>
                {
                    let mut r = jira_error(StatusCode::UNAUTHORIZED, NOT_AUTHENTICATED);
                    if auth == Auth::Failed {
                        let (name, value) = login_failed_header();
                        r.headers_mut().insert(name, value);
                    }
                    r
                }
                Verdict::Pass(_)
                    if auth::read_only(&parts.headers, &state.config)
                        && changes(&parts.method, &path) =>
                {
                    jira_error(
                        StatusCode::FORBIDDEN,
                        "You do not have permission to make this change.",
                    )
                }
                Verdict::Pass(auth) => {
                    parts.extensions.insert(auth);
                    next.run(Request::from_parts(parts, body)).await
                }
            };
            let response = if state.config.deployment == crate::Deployment::Server {
                super::datacenter::shaped(response).await
            } else {
                response
            };
            match kind {
                Some(FaultKind::Truncate) => truncate(response).await,
                Some(FaultKind::Reset) => reset(response),
                _ => response,
            }
        }
    }
}

/// The connection breaks where the answer's body would start: hyper aborts a connection
/// whose body fails.
fn reset(response: Response) -> Response {
    let (parts, _) = response.into_parts();
    let broken = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ))
    });
    Response::from_parts(parts, Body::from_stream(broken))
}

/// Whether a request changes Jira (searches and lookups by POST only read).
fn changes(method: &axum::http::Method, path: &str) -> bool {
    let reads = [
        "/rest/api/3/search/jql",
        "/rest/api/3/search/approximate-count",
        "/rest/api/2/search",
        "/rest/api/3/issue/bulkfetch",
        "/rest/api/3/worklog/list",
        "/rest/api/2/worklog/list",
        "/rest/auth/1/session",
    ];
    *method != axum::http::Method::GET && !reads.contains(&api_path(path))
}

/// Keeps the status and headers but cuts the body in half.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let cut = bytes.slice(0..bytes.len() / 2);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

impl super::AppState {
    /// Appends a log entry and returns its sequence number.
    fn record(&self, mut entry: LogEntry) -> u64 {
        let seq = {
            let mut next = self.next_seq.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        entry.seq = seq;
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
        seq
    }

    fn set_status(&self, seq: u64, status: u16) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = log.iter_mut().rev().find(|e| e.seq == seq) {
            e.status = status;
        }
    }

    /// Removes and returns the first pending fault that matches `path`.
    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let index = faults.iter().position(|f| f.matches(path))?;
        faults.remove(index)
    }

    /// The log as JSON.
    pub(super) fn log_json(&self) -> serde_json::Value {
        serde_json::to_value(&*self.log.lock().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default()
    }

    /// Clears the log.
    pub(super) fn clear_log(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Queues faults.
    pub(super) fn add_faults(&self, faults: Vec<Fault>) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(faults);
    }

    /// Drops all pending faults.
    pub(super) fn clear_faults(&self) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
