//! Cookie sessions as Jira Server/DC keeps them (`JSESSIONID`): opened by
//! `POST /rest/auth/1/session` or by a SAML login, valid for `--session-ttl` seconds, and
//! expirable on demand so tests can watch a client recover from a dead session.

use super::counters::bump;
use super::creds::{body_fields, cookie, jira_now, random_secret};
use super::errors::{bad_request, jira_error, NOT_AUTHENTICATED};
use super::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "JSESSIONID";

/// The message Jira answers a failed session login with.
const LOGIN_FAILED: &str = "Login failed";

/// One open (or dead but not yet replaced) session.
#[derive(Clone, Debug)]
struct Session {
    user: String,
    expires: Instant,
}

/// Per-user login statistics for `loginInfo`.
#[derive(Clone, Debug, Default)]
struct LoginInfo {
    count: u64,
    previous: Option<String>,
}

/// All sessions of the instance.
#[derive(Debug, Default)]
pub struct Sessions {
    inner: Mutex<SessionsInner>,
}

#[derive(Debug, Default)]
struct SessionsInner {
    sessions: HashMap<String, Session>,
    logins: HashMap<String, LoginInfo>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, SessionsInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a session for `user`; returns its id and whether it replaces a dead session of
    /// that user (a renewal), dropping those dead sessions.
    pub fn open(&self, user: &str, ttl: Duration) -> (String, bool) {
        let now = Instant::now();
        let mut inner = self.lock();
        let before = inner.sessions.len();
        inner
            .sessions
            .retain(|_, s| !(s.user == user && s.expires <= now));
        let renewal = inner.sessions.len() != before;
        let id = random_secret("");
        inner.sessions.insert(
            id.clone(),
            Session {
                user: user.to_string(),
                expires: now + ttl,
            },
        );
        (id, renewal)
    }

    /// The user of a live session.
    pub fn live_user(&self, id: &str) -> Option<String> {
        let inner = self.lock();
        let session = inner.sessions.get(id)?;
        (Instant::now() < session.expires).then(|| session.user.clone())
    }

    /// Makes every session dead now (kept, so the next login of its user counts as renewal).
    pub fn expire_all(&self) {
        let now = Instant::now();
        for session in self.lock().sessions.values_mut() {
            session.expires = now;
        }
    }

    /// Ends one session (logout).
    fn close(&self, id: &str) {
        self.lock().sessions.remove(id);
    }

    /// Records a login of `user` and returns its `loginInfo` object.
    fn record_login(&self, user: &str) -> serde_json::Value {
        let now = jira_now();
        let mut inner = self.lock();
        let info = inner.logins.entry(user.to_string()).or_default();
        info.count += 1;
        let previous = info.previous.replace(now.clone()).unwrap_or(now);
        json!({"loginCount": info.count, "previousLoginTime": previous})
    }

    /// The `loginInfo` of `user` as last recorded.
    fn login_info(&self, user: &str) -> serde_json::Value {
        let inner = self.lock();
        let info = inner.logins.get(user).cloned().unwrap_or_default();
        json!({
            "loginCount": info.count,
            "previousLoginTime": info.previous.unwrap_or_else(jira_now),
        })
    }
}

/// The `Set-Cookie` value that hands a session to the client.
pub fn set_cookie(id: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("{COOKIE_NAME}={id}; Path=/; HttpOnly")).ok()
}

/// Opens a session for `user` as every login path does (same TTL, same renewal counting).
pub fn open_session(state: &Shared, user: &str) -> String {
    let ttl = Duration::from_secs(state.config.session_ttl);
    let (id, renewal) = state.sessions.open(user, ttl);
    if renewal {
        bump(&state.counters.session_renewals);
    }
    id
}

/// `POST /rest/auth/1/session`: logs in with `{"username","password"}` and hands out a cookie.
pub async fn login(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(fields) = body_fields(&headers, &body) else {
        return bad_request("Unrecognized or missing JSON body.");
    };
    let user = fields.get("username").map(String::as_str).unwrap_or("");
    let password = fields.get("password").map(String::as_str).unwrap_or("");
    if user != state.config.user || password != state.config.password || password.is_empty() {
        return jira_error(StatusCode::UNAUTHORIZED, LOGIN_FAILED);
    }
    bump(&state.counters.session_logins);
    let id = open_session(&state, user);
    let login_info = state.sessions.record_login(user);
    let mut response = Json(json!({
        "session": {"name": COOKIE_NAME, "value": id},
        "loginInfo": login_info,
    }))
    .into_response();
    if let Some(cookie) = set_cookie(&id) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /rest/auth/1/session`: who the live session cookie belongs to, else 401.
pub async fn current(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let Some(user) = cookie(&headers, COOKIE_NAME).and_then(|id| state.sessions.live_user(&id))
    else {
        return jira_error(StatusCode::UNAUTHORIZED, NOT_AUTHENTICATED);
    };
    Json(json!({
        "self": format!("{}/rest/api/latest/user?username={user}", state.base_url),
        "name": user,
        "loginInfo": state.sessions.login_info(&user),
    }))
    .into_response()
}

/// `DELETE /rest/auth/1/session`: logs the live session out (204), else 401.
pub async fn logout(State(state): State<Shared>, headers: HeaderMap) -> Response {
    match cookie(&headers, COOKIE_NAME) {
        Some(id) if state.sessions.live_user(&id).is_some() => {
            state.sessions.close(&id);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => jira_error(StatusCode::UNAUTHORIZED, NOT_AUTHENTICATED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_live_expire_and_renew() {
        let s = Sessions::default();
        let (a, renewal) = s.open("u", Duration::from_secs(60));
        assert!(!renewal);
        assert_eq!(s.live_user(&a).as_deref(), Some("u"));
        assert_eq!(s.live_user("nope"), None);
        s.expire_all();
        assert_eq!(s.live_user(&a), None);
        let (b, renewal) = s.open("u", Duration::from_secs(60));
        assert!(renewal, "a dead session of the user was replaced");
        assert_ne!(a, b);
        let (_, renewal) = s.open("u", Duration::from_secs(0));
        assert!(!renewal, "the live one is not dead");
    }
}
