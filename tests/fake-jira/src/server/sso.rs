//! Single sign-on: an Okta org (`/api/v1/authn`, MFA, `/login/sessionCookieRedirect`), a Crowd
//! SSO login (`/crowd/sso/login`), and Jira's SAML consumer
//! (`/plugins/servlet/samlconsumer`) that turns an issued SAMLResponse into a cookie session,
//! so a connector's whole browserless SSO dance can be tested end to end.

use super::counters::bump;
use super::creds::{basic, body_fields, html_escape, iso_in, random_secret};
use super::sessions::{open_session, set_cookie};
use super::{params, Shared};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;

/// The one MFA factor the MFA user has enrolled.
const FACTOR_ID: &str = "ft1";

/// The passcode the factor accepts.
const PASSCODE: &str = "123456";

/// The identity providers' and service provider's single-use tokens.
#[derive(Debug, Default)]
pub struct SsoStore {
    inner: Mutex<SsoInner>,
}

#[derive(Debug, Default)]
struct SsoInner {
    /// Okta MFA transactions: stateToken -> user.
    state_tokens: HashMap<String, String>,
    /// Okta session tokens: sessionToken -> user.
    session_tokens: HashMap<String, String>,
    /// Issued, not yet consumed SAMLResponses (base64) -> user.
    saml: HashMap<String, String>,
}

impl SsoStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, SsoInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An Okta error body.
fn okta_error(status: StatusCode, code: &str, summary: &str) -> Response {
    (
        status,
        Json(json!({"errorCode": code, "errorSummary": summary, "errorCauses": []})),
    )
        .into_response()
}

/// An HTML page with a status (identity providers answer browsers).
fn html(status: StatusCode, page: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// A successful Okta authentication: a fresh single-use session token for `user`.
fn okta_success(state: &Shared, user: &str) -> Response {
    let token = random_secret("st-");
    state
        .sso
        .lock()
        .session_tokens
        .insert(token.clone(), user.to_string());
    Json(json!({
        "status": "SUCCESS",
        "sessionToken": token,
        "expiresAt": iso_in(300),
        "_embedded": {"user": {"profile": {"login": user}}},
    }))
    .into_response()
}

/// `POST /api/v1/authn`: Okta's primary authentication (`SUCCESS`, or `MFA_REQUIRED` for the
/// MFA user).
pub async fn okta_authn(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = body_fields(&headers, &body).unwrap_or_default();
    let user = fields.get("username").map(String::as_str).unwrap_or("");
    let password = fields.get("password").map(String::as_str).unwrap_or("");
    let config = &state.config;
    let password_ok = !password.is_empty() && password == config.password;
    if password_ok && !config.mfa_user.is_empty() && user == config.mfa_user {
        bump(&state.counters.okta_authn);
        let state_token = random_secret("stt-");
        state
            .sso
            .lock()
            .state_tokens
            .insert(state_token.clone(), user.to_string());
        return Json(json!({
            "status": "MFA_REQUIRED",
            "stateToken": state_token,
            "expiresAt": iso_in(300),
            "_embedded": {"factors": [{
                "id": FACTOR_ID,
                "factorType": "token:software:totp",
                "provider": "GOOGLE",
                "_links": {"verify": {"href": format!(
                    "{}/api/v1/authn/factors/{FACTOR_ID}/verify", state.base_url)}},
            }]},
        }))
        .into_response();
    }
    if password_ok && user == config.user {
        bump(&state.counters.okta_authn);
        return okta_success(&state, user);
    }
    okta_error(
        StatusCode::UNAUTHORIZED,
        "E0000004",
        "Authentication failed",
    )
}

/// `POST /api/v1/authn/factors/{id}/verify`: checks the TOTP passcode of an MFA transaction.
pub async fn okta_verify(
    State(state): State<Shared>,
    Path(factor): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = body_fields(&headers, &body).unwrap_or_default();
    let state_token = fields.get("stateToken").map(String::as_str).unwrap_or("");
    let Some(user) = state.sso.lock().state_tokens.get(state_token).cloned() else {
        return okta_error(
            StatusCode::UNAUTHORIZED,
            "E0000011",
            "Invalid token provided",
        );
    };
    if factor != FACTOR_ID {
        return okta_error(
            StatusCode::NOT_FOUND,
            "E0000007",
            &format!("Not found: Resource not found: {factor} (UserFactor)"),
        );
    }
    if fields.get("passCode").map(String::as_str) != Some(PASSCODE) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"errorCode": "E0000068", "errorSummary": "Invalid Passcode/Answer"})),
        )
            .into_response();
    }
    state.sso.lock().state_tokens.remove(state_token);
    bump(&state.counters.okta_mfa_verified);
    okta_success(&state, &user)
}

/// Issues a SAMLResponse naming `user` and returns the auto-posting form that carries it to
/// Jira's SAML consumer with `relay_state`.
fn saml_form(state: &Shared, issuer: &str, user: &str, relay_state: &str) -> Response {
    let id = random_secret("_");
    let now = iso_in(0);
    let consumer = format!("{}/plugins/servlet/samlconsumer", state.base_url);
    let user_xml = html_escape(user);
    let xml = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" \
         IssueInstant=\"{now}\" Destination=\"{consumer}\"><saml:Issuer>{issuer}</saml:Issuer>\
         <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>\
         </samlp:Status><saml:Assertion ID=\"{id}a\" Version=\"2.0\" IssueInstant=\"{now}\">\
         <saml:Issuer>{issuer}</saml:Issuer><saml:Subject><saml:NameID \
         Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">{user_xml}</saml:NameID>\
         </saml:Subject></saml:Assertion></samlp:Response>"
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(xml);
    state
        .sso
        .lock()
        .saml
        .insert(encoded.clone(), user.to_string());
    html(
        StatusCode::OK,
        format!(
            "<!DOCTYPE html>\n<html><head><title>Signing in</title></head>\
             <body onload=\"document.forms[0].submit()\">\n\
             <form method=\"POST\" action=\"{}\">\n\
             <input type=\"hidden\" name=\"SAMLResponse\" value=\"{}\"/>\n\
             <input type=\"hidden\" name=\"RelayState\" value=\"{}\"/>\n\
             <noscript><input type=\"submit\" value=\"Continue\"/></noscript>\n\
             </form></body></html>\n",
            html_escape(&consumer),
            html_escape(&encoded),
            html_escape(relay_state)
        ),
    )
}

/// `GET /login/sessionCookieRedirect?token=..&redirectUrl=..`: trades a single-use Okta
/// session token for the SAML form bound for Jira.
pub async fn okta_redirect(State(state): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let pairs = params::pairs(query.as_deref());
    let token = params::last(&pairs, "token").unwrap_or("");
    let relay = params::last(&pairs, "redirectUrl").unwrap_or("");
    let Some(user) = state.sso.lock().session_tokens.remove(token) else {
        return html(
            StatusCode::FORBIDDEN,
            "<html><body><h1>403 - Forbidden</h1><p>The session token is invalid or \
             expired.</p></body></html>"
                .to_string(),
        );
    };
    saml_form(&state, "http://fake-okta.invalid", &user, relay)
}

/// The JSON error of Crowd's REST layer.
fn crowd_error(status: StatusCode, reason: &str, message: &str) -> Response {
    (status, Json(json!({"reason": reason, "message": message}))).into_response()
}

/// `POST /crowd/sso/login`: Crowd authenticates the application (Basic) and then the user
/// (form or JSON `username`, `password`) and answers with the SAML form for Jira.
pub async fn crowd_login(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let config = &state.config;
    let app_ok = basic(&headers).is_some_and(|(app, password)| {
        app == config.crowd_app && password == config.crowd_app_password
    });
    if !app_ok {
        return crowd_error(
            StatusCode::UNAUTHORIZED,
            "APPLICATION_ACCESS_DENIED",
            "Application failed to authenticate",
        );
    }
    let fields = body_fields(&headers, &body).unwrap_or_default();
    let user = fields.get("username").map(String::as_str).unwrap_or("");
    let password = fields.get("password").map(String::as_str).unwrap_or("");
    let known = user == config.user || (!config.mfa_user.is_empty() && user == config.mfa_user);
    if !known || password.is_empty() || password != config.password {
        return crowd_error(
            StatusCode::BAD_REQUEST,
            "INVALID_USER_AUTHENTICATION",
            &format!("Account with name <{user}> failed to authenticate"),
        );
    }
    bump(&state.counters.crowd_logins);
    let relay = fields
        .get("RelayState")
        .or_else(|| fields.get("redirectUrl"))
        .map(String::as_str)
        .unwrap_or("");
    saml_form(&state, "http://fake-crowd.invalid", user, relay)
}

/// `POST /plugins/servlet/samlconsumer`: Jira's SAML service provider; a SAMLResponse this fake
/// issued (once) opens a cookie session exactly like a REST login, then 302 to RelayState.
pub async fn saml_consumer(State(state): State<Shared>, body: Bytes) -> Response {
    let fields: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .map(|pairs| pairs.into_iter().collect())
            .unwrap_or_default();
    let response = fields.get("SAMLResponse").map(|s| s.trim()).unwrap_or("");
    let Some(user) = state.sso.lock().saml.remove(response) else {
        return html(
            StatusCode::FORBIDDEN,
            "<html><body><h1>Authentication failed</h1><p>The SAML response is invalid, \
             expired or was already used.</p></body></html>"
                .to_string(),
        );
    };
    bump(&state.counters.saml_logins);
    let id = open_session(&state, &user);
    let relay = fields
        .get("RelayState")
        .map(String::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("/");
    let location = HeaderValue::from_str(relay).unwrap_or(HeaderValue::from_static("/"));
    let mut response = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    if let Some(cookie) = set_cookie(&id) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::sync::Arc;

    #[tokio::test]
    async fn saml_form_escapes_relay_state_and_remembers_the_response() {
        let config = Config {
            issues: 0,
            ..Config::default()
        };
        let state: Shared = Arc::new(super::super::AppState::new(
            config,
            "http://127.0.0.1:1".to_string(),
        ));
        let response = saml_form(&state, "idp", "a<b@example.com", "/x?a=1&b=\"2\"");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let page = String::from_utf8_lossy(&bytes);
        assert!(page.contains(
            "<input type=\"hidden\" name=\"RelayState\" value=\"/x?a=1&amp;b=&quot;2&quot;\"/>"
        ));
        let saml = state
            .sso
            .lock()
            .saml
            .keys()
            .next()
            .cloned()
            .unwrap_or_default();
        let xml = base64::engine::general_purpose::STANDARD
            .decode(&saml)
            .unwrap_or_default();
        assert!(String::from_utf8_lossy(&xml).contains(">a&lt;b@example.com</saml:NameID>"));
        assert!(page.contains(&saml));
    }
}
