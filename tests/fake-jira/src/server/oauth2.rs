//! OAuth 2.0 (3LO) as Atlassian Cloud runs it: the authorization server
//! (`/atlassian-auth/...`, standing for `https://auth.atlassian.com`) with single-use codes
//! and rotating refresh tokens, and the API host (`/atlassian-api/...`, standing for
//! `https://api.atlassian.com`) with `accessible-resources` and the `/ex/jira/<cloud id>`
//! gateway in front of the Jira API.

use super::counters::bump;
use super::creds::{bearer, body_fields, random_secret};
use super::middleware::GatewayAuthenticated;
use super::{params, Shared};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower::ServiceExt;

use super::connection::ConnectionId;

/// The cloud id of the fake's own site.
pub const CLOUD_ID: &str = "11111111-2222-3333-4444-555555555555";

/// The cloud id of another site the user can reach (its API is not served here).
pub const OTHER_CLOUD_ID: &str = "99999999-0000-0000-0000-000000000000";

/// A code handed out by `authorize`, waiting for its one exchange.
#[derive(Clone, Debug)]
struct PendingCode {
    redirect_uri: String,
    scope: String,
    /// The PKCE S256 `code_challenge` of the authorize request, when it had one.
    challenge: Option<String>,
}

/// Whether `verifier` is the one whose S256 challenge is `challenge` (RFC 7636 4.6).
fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
        == challenge
}

/// The authorization server's memory.
#[derive(Debug, Default)]
pub struct OAuth2Store {
    inner: Mutex<OAuth2Inner>,
}

#[derive(Debug, Default)]
struct OAuth2Inner {
    codes: HashMap<String, PendingCode>,
    /// Access token -> when it expires.
    access: HashMap<String, Instant>,
    /// Live refresh token -> its scope.
    refresh: HashMap<String, String>,
    /// Refresh tokens already rotated away (presenting one again is reuse).
    rotated: HashSet<String>,
}

impl OAuth2Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, OAuth2Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether an access token was issued here and has not expired.
    pub fn access_live(&self, token: &str) -> bool {
        self.lock()
            .access
            .get(token)
            .is_some_and(|expires| Instant::now() < *expires)
    }

    /// Expires every access token issued so far (refresh tokens stay valid).
    pub fn expire_access(&self) {
        let now = Instant::now();
        for expires in self.lock().access.values_mut() {
            *expires = now;
        }
    }
}

/// The gateway's and API host's refusal of a missing, unknown or expired token.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"code": 401, "message": "Unauthorized"})),
    )
        .into_response()
}

/// An OAuth error body (`{"error","error_description"}`), counted as a rejected request.
fn oauth_error(state: &Shared, status: StatusCode, error: &str, description: &str) -> Response {
    bump(&state.counters.oauth2_rejected);
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// The authorize endpoint's refusal (Atlassian shows an HTML error page).
fn authorize_error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<html><body><h1>Something went wrong</h1><p>{}</p></body></html>",
            super::creds::html_escape(message)
        ),
    )
        .into_response()
}

/// `GET /atlassian-auth/authorize`: the user consents at once; 302 back to `redirect_uri`
/// with a single-use `code` and the caller's `state`.
pub async fn authorize(State(state): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = params::pairs(query.as_deref());
    let get = |name| params::last(&pairs, name).unwrap_or("");
    if get("client_id") != state.config.oauth_client_id {
        return authorize_error("Invalid client_id: the app is not registered.");
    }
    let redirect_uri = get("redirect_uri");
    if redirect_uri.is_empty() {
        return authorize_error("Missing redirect_uri.");
    }
    if get("response_type") != "code" {
        return authorize_error("Unsupported response_type: only 'code' is supported.");
    }
    let challenge = params::last(&pairs, "code_challenge").map(str::to_string);
    if challenge.is_some() && get("code_challenge_method") != "S256" {
        return authorize_error("Unsupported code_challenge_method: only S256 is supported.");
    }
    let code = random_secret("code-");
    state.oauth2.lock().codes.insert(
        code.clone(),
        PendingCode {
            redirect_uri: redirect_uri.to_string(),
            scope: get("scope").to_string(),
            challenge,
        },
    );
    let mut reply = vec![("code", code.as_str())];
    if let Some(s) = params::last(&pairs, "state") {
        reply.push(("state", s));
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!(
        "{redirect_uri}{separator}{}",
        serde_urlencoded::to_string(&reply).unwrap_or_default()
    );
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => authorize_error("Invalid redirect_uri."),
    }
}

/// Issues a fresh access and refresh token pair for `scope`.
fn issue(state: &Shared, scope: &str) -> Response {
    let access = random_secret("at-");
    let refresh = random_secret("rt-");
    let lifetime = Duration::from_secs(state.config.oauth_expires_in);
    {
        let mut inner = state.oauth2.lock();
        inner
            .access
            .insert(access.clone(), Instant::now() + lifetime);
        inner.refresh.insert(refresh.clone(), scope.to_string());
    }
    Json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": state.config.oauth_expires_in,
        "scope": scope,
        "token_type": "Bearer",
    }))
    .into_response()
}

/// `POST /atlassian-auth/oauth/token` (JSON or form): the `authorization_code` and
/// `refresh_token` grants, with refresh-token rotation and reuse detection.
pub async fn token(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(fields) = body_fields(&headers, &body) else {
        return oauth_error(
            &state,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be JSON or form-encoded.",
        );
    };
    let get = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    let grant_type = get("grant_type");
    if grant_type != "authorization_code" && grant_type != "refresh_token" {
        return oauth_error(
            &state,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type.",
        );
    }
    if get("client_id") != state.config.oauth_client_id
        || get("client_secret") != state.config.oauth_client_secret
    {
        return oauth_error(
            &state,
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        );
    }
    if grant_type == "authorization_code" {
        let pending = state.oauth2.lock().codes.remove(get("code"));
        match pending {
            Some(p)
                if p.redirect_uri == get("redirect_uri")
                    && p.challenge
                        .as_deref()
                        .is_none_or(|c| pkce_matches(c, get("code_verifier"))) =>
            {
                bump(&state.counters.oauth2_code_grants);
                issue(&state, &p.scope)
            }
            _ => oauth_error(
                &state,
                StatusCode::FORBIDDEN,
                "invalid_grant",
                "Invalid authorization code",
            ),
        }
    } else {
        let presented = get("refresh_token");
        let (scope, reused) = {
            let mut inner = state.oauth2.lock();
            match inner.refresh.remove(presented) {
                Some(scope) => {
                    inner.rotated.insert(presented.to_string());
                    (Some(scope), false)
                }
                None => (None, inner.rotated.contains(presented)),
            }
        };
        match scope {
            Some(scope) => {
                bump(&state.counters.oauth2_refreshes);
                issue(&state, &scope)
            }
            None => {
                if reused {
                    bump(&state.counters.oauth2_refresh_reuse);
                }
                oauth_error(
                    &state,
                    StatusCode::FORBIDDEN,
                    "invalid_grant",
                    "Unknown or invalid refresh token.",
                )
            }
        }
    }
}

/// `POST /_fake/oauth2/expire`: every access token issued so far is expired now.
pub async fn expire(State(state): State<Shared>) -> Response {
    state.oauth2.expire_access();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /atlassian-api/oauth/token/accessible-resources`: the sites the token reaches; the
/// first is this fake, the second another site whose cloud id the gateway refuses.
pub async fn accessible_resources(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if !bearer(&headers).is_some_and(|t| state.oauth2.access_live(t)) {
        return unauthorized();
    }
    Json(json!([
        {
            "id": CLOUD_ID,
            "url": state.base_url,
            "name": "fake-site",
            "scopes": ["read:jira-work", "read:jira-user", "offline_access"],
            "avatarUrl": "https://example.invalid/a.png",
        },
        {
            "id": OTHER_CLOUD_ID,
            "url": "https://other-site.atlassian.net",
            "name": "other-site",
            "scopes": ["read:jira-work"],
            "avatarUrl": "https://example.invalid/b.png",
        },
    ]))
    .into_response()
}

/// `/atlassian-api/ex/jira/<cloud id>/rest/...`: checks the bearer access token and the cloud
/// id, then hands the request to the Jira API as `/rest/...` (faults and all).
pub async fn gateway(state: Shared, api: Router, request: Request) -> Response {
    if !bearer(request.headers()).is_some_and(|t| state.oauth2.access_live(t)) {
        return unauthorized();
    }
    let path = request.uri().path();
    let rest = path
        .strip_prefix("/atlassian-api/ex/jira/")
        .and_then(|p| p.split_once('/'))
        .filter(|(cloud, rest)| *cloud == CLOUD_ID && rest.starts_with("rest/"))
        .map(|(_, rest)| format!("/{rest}"));
    let Some(rest) = rest else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"code": 404, "message": "Not Found"})),
        )
            .into_response();
    };
    let target = match request.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest,
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"code": 400, "message": "Bad Request"})),
        )
            .into_response();
    };
    let (parts, body) = request.into_parts();
    // A fresh request: the outer router's path parameters must not leak into the API's.
    let mut inner = Request::new(Body::new(body));
    *inner.method_mut() = parts.method;
    *inner.uri_mut() = uri;
    *inner.version_mut() = parts.version;
    *inner.headers_mut() = parts.headers;
    if let Some(info) = parts.extensions.get::<ConnectInfo<ConnectionId>>() {
        inner.extensions_mut().insert(*info);
    }
    inner.extensions_mut().insert(GatewayAuthenticated);
    match api.oneshot(inner).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_expire_on_demand() {
        let store = OAuth2Store::default();
        store
            .lock()
            .access
            .insert("a".into(), Instant::now() + Duration::from_secs(60));
        assert!(store.access_live("a"));
        assert!(!store.access_live("b"));
        store.expire_access();
        assert!(!store.access_live("a"));
    }
}
