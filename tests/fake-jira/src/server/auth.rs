//! Basic authentication as Jira Cloud checks it (user e-mail with API token or password).

use crate::config::Config;
use axum::http::HeaderMap;
use base64::Engine;

/// Who a request is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Valid credentials.
    Valid,
    /// Credentials were sent but are wrong (Jira answers as anonymous with
    /// `X-Seraph-LoginReason: AUTHENTICATED_FAILED`).
    Failed,
    /// No `Authorization` header.
    Anonymous,
}

/// Classifies the request's `Authorization` header.
pub fn check(headers: &HeaderMap, config: &Config) -> Auth {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Auth::Anonymous;
    };
    let decoded = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then_some(rest.trim())
        })
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded.as_deref().and_then(|s| s.split_once(':')) {
        Some((user, secret))
            if user == config.user && (secret == config.token || secret == config.password) =>
        {
            Auth::Valid
        }
        _ => Auth::Failed,
    }
}
