//! Injected faults: each one is consumed by the next matching `/rest` request.

use super::errors::jira_error;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// What a fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` and a Jira error body (429 adds rate-limit headers).
    Status,
    /// Sleep `delay_ms`, then answer normally.
    Delay,
    /// Answer normally but cut the body in the middle.
    Truncate,
    /// Answer 200 with an HTML proxy error page.
    NonJson,
    /// Handle the request (a write is made), then break the connection instead of answering:
    /// what a client sees when a network failure strikes after Jira did the work.
    Reset,
}

/// One fault, as posted to `/_fake/faults`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// What to do.
    pub kind: FaultKind,
    /// HTTP status for `status` faults (default 500).
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds, when given.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Delay for `delay` faults (default 1000).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Only requests whose path starts with this match (default: any `/rest` path).
    #[serde(default)]
    pub path_prefix: Option<String>,
}

impl Fault {
    /// Whether this fault applies to a request path.
    pub fn matches(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
    }

    /// The response of a `status` fault.
    pub fn status_response(&self) -> Response {
        let status = self
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match status.as_u16() {
            429 => "Rate limit exceeded.",
            503 => "Service Unavailable: the server is temporarily overloaded.",
            _ => "Internal server error (injected fault).",
        };
        let mut response = jira_error(status, message);
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            headers.insert("X-RateLimit-Limit", HeaderValue::from_static("100"));
            headers.insert("X-RateLimit-Remaining", HeaderValue::from_static("0"));
            let reset = chrono::Utc::now()
                + chrono::Duration::seconds(self.retry_after.unwrap_or(1) as i64);
            if let Ok(v) = HeaderValue::from_str(&reset.format("%Y-%m-%dT%H:%MZ").to_string()) {
                headers.insert("X-RateLimit-Reset", v);
            }
            headers.insert(
                "RateLimit-Reason",
                HeaderValue::from_static("jira-burst-based"),
            );
        }
        response
    }
}

/// The response of a `non_json` fault: what a broken proxy sends.
pub fn non_json_response() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
        Body::from("<html><head><title>502 Bad Gateway</title></head><body><h1>proxy error</h1><p>The upstream server did not answer.</p></body></html>"),
    )
        .into_response()
}
