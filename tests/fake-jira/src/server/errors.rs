//! Jira-shaped error responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `{"errorMessages":[message],"errors":{}}` with the given status.
pub fn jira_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"errorMessages": [message.into()], "errors": {}})),
    )
        .into_response()
}

/// `{"errorMessages":[messages...],"errors":{}}` with the given status, for refusals that
/// report several problems at once (e.g. every unknown value of a JQL query).
pub fn jira_errors(status: StatusCode, messages: Vec<String>) -> Response {
    (
        status,
        Json(json!({"errorMessages": messages, "errors": {}})),
    )
        .into_response()
}

/// A 400 with Jira's error body.
pub fn bad_request(message: impl Into<String>) -> Response {
    jira_error(StatusCode::BAD_REQUEST, message)
}

/// The message for a `maxResults` outside 1..=5000.
pub const MAX_RESULTS_MESSAGE: &str = "The max results parameter has to be between 1 and 5,000.";

/// The body of a 401.
pub const NOT_AUTHENTICATED: &str =
    "You are not authenticated. Authentication required to perform this operation.";

/// The 404 for an issue that does not exist.
pub const NO_ISSUE: &str = "Issue does not exist or you do not have permission to see it.";

/// A request error not yet turned into a response (small, so it can travel in `Result`s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The single error message.
    pub message: String,
    /// Whether the body has an `errors` object (Jira leaves it out for body-parsing errors).
    pub with_errors: bool,
}

impl ApiError {
    /// A 400 with `{"errorMessages":[...],"errors":{}}`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            with_errors: true,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.with_errors {
            jira_error(self.status, self.message)
        } else {
            (self.status, Json(json!({"errorMessages": [self.message]}))).into_response()
        }
    }
}
