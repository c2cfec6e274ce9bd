//! Jira cookie sessions (POST [`SESSION`](crate::jira::endpoints::SESSION)), used by LDAP and other directory users.

use serde_json::{json, Value};
use url::Url;

use crate::error::{Error, Result};

/// Logs in and returns the `Cookie` header value (`JSESSIONID=...`).
pub async fn login(
    http: &reqwest::Client,
    site: &Url,
    user: &str,
    password: &str,
) -> Result<String> {
    let url = format!(
        "{}{}",
        site.as_str().trim_end_matches('/'),
        crate::jira::endpoints::SESSION
    );
    let response = http
        .post(&url)
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .map_err(|e| crate::jira::transport_error("cannot reach Jira to log in", e))?;
    let status = response.status();
    let body = crate::jira::party_json(response, "Jira's session endpoint").await?;
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(Error::Auth {
            scheme: String::new(),
            message: format!("Jira refused the session login (HTTP {})", status.as_u16()),
            hint: String::new(),
        });
    }
    let session = body.get("session");
    let name = session.and_then(|s| s.get("name")).and_then(Value::as_str);
    let value = session.and_then(|s| s.get("value")).and_then(Value::as_str);
    match (status.is_success(), name, value) {
        (true, Some(n), Some(v)) => Ok(format!("{n}={v}")),
        _ => Err(Error::Connection(format!(
            "Jira's session login answered HTTP {} without a session",
            status.as_u16()
        ))),
    }
}
