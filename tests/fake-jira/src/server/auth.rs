//! How a `/rest` request is authenticated: Basic (user e-mail with API token or password) as
//! Jira Cloud checks it, plus the Server/DC PAT, OAuth 1.0a and session-cookie credentials.

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

/// An API token of the default user whose role may read but not change anything: writes
/// with it answer 403, as Jira answers a user without the permission.
pub const READ_ONLY_TOKEN: &str = "tok-READONLY";

/// Whether the request authenticates with [`READ_ONLY_TOKEN`].
pub fn read_only(headers: &HeaderMap, config: &Config) -> bool {
    basic(headers).is_some_and(|(user, secret)| user == config.user && secret == READ_ONLY_TOKEN)
}

/// The user and secret of a Basic `Authorization` header.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?;
    let decoded = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then_some(rest.trim())
        })
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())?;
    let (user, secret) = decoded.split_once(':')?;
    Some((user.to_string(), secret.to_string()))
}

/// Classifies the request's `Authorization` header.
pub fn check(headers: &HeaderMap, config: &Config) -> Auth {
    if !headers.contains_key(axum::http::header::AUTHORIZATION) {
        return Auth::Anonymous;
    }
    match basic(headers) {
        Some((user, secret))
            if user == config.user
                && (secret == config.token
                    || secret == config.password
                    || secret == READ_ONLY_TOKEN) =>
        {
            Auth::Valid
        }
        _ => Auth::Failed,
    }
}

/// What the `/rest` middleware does with a request's credentials.
pub enum Verdict {
    /// Serve it as this caller (anonymous-capable endpoints answer `Failed`/`Anonymous` callers
    /// with empty results).
    Pass(Auth),
    /// Refuse it with this response, whatever the endpoint: a wrong PAT, a bad OAuth 1.0a
    /// signature or a dead session cookie is not anonymous access.
    Reject(axum::response::Response),
}

/// Classifies a `/rest` request by every credential Jira Server/DC and Cloud accept: Basic,
/// `Bearer` PAT, `OAuth` (1.0a, RSA-SHA1) and the `JSESSIONID` session cookie, in that order.
pub fn verdict(parts: &axum::http::request::Parts, state: &super::AppState) -> Verdict {
    use super::errors::{jira_error, NOT_AUTHENTICATED};
    use axum::http::StatusCode;
    let headers = &parts.headers;
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        if let Some(token) = super::creds::bearer(headers) {
            let pat = state.config.pat.as_str();
            return if !pat.is_empty() && token == pat {
                Verdict::Pass(Auth::Valid)
            } else {
                Verdict::Reject(jira_error(StatusCode::UNAUTHORIZED, NOT_AUTHENTICATED))
            };
        }
        if super::creds::authorization(headers, "oauth").is_some() {
            return match super::oauth1::verify_access(parts, state) {
                Ok(()) => Verdict::Pass(Auth::Valid),
                Err(name) => Verdict::Reject(super::oauth1::problem(name)),
            };
        }
        return Verdict::Pass(check(headers, &state.config));
    }
    if let Some(id) = super::creds::cookie(headers, super::sessions::COOKIE_NAME) {
        return if state.sessions.live_user(&id).is_some() {
            Verdict::Pass(Auth::Valid)
        } else {
            Verdict::Reject(jira_error(StatusCode::UNAUTHORIZED, NOT_AUTHENTICATED))
        };
    }
    Verdict::Pass(Auth::Anonymous)
}
