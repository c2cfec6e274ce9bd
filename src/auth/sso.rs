//! SAML single sign-on through Okta or Crowd: authenticate with the identity provider, take the
//! SAMLResponse it hands out, post it to Jira's exchange URL, keep the Jira session cookie.

use reqwest::header::SET_COOKIE;
use serde_json::{json, Value};
use url::Url;

use super::basic;
use super::html::hidden_input;
use crate::error::{Error, Result};
use crate::options::{parse_connection_string, parse_named_url};

/// The identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoKind {
    /// Okta's authn API, with MFA factors.
    Okta,
    /// Atlassian Crowd, authenticated as an application.
    Crowd,
}

/// SSO options.
#[derive(Clone, PartialEq)]
pub struct SsoSettings {
    /// Okta or Crowd.
    pub kind: SsoKind,
    user: String,
    password: String,
    login_url: Url,
    exchange_url: Url,
    app_name: String,
    app_password: String,
    /// `sso_properties` as pairs (`MFAType`, `MFAPassCode`, `MFARememberDevice`, `APIToken`).
    properties: Vec<(String, String)>,
}

fn auth_error(message: impl Into<String>) -> Error {
    Error::Auth {
        scheme: String::new(),
        message: message.into(),
        hint: String::new(),
    }
}

impl SsoSettings {
    /// From merged options (`scheme` is `Okta` or `Crowd`).
    pub fn from_options<'a>(scheme: &str, get: &dyn Fn(&str) -> Option<&'a str>) -> Result<Self> {
        let require = |name: &str| -> Result<String> {
            get(name)
                .map(str::to_string)
                .ok_or_else(|| Error::MissingOption {
                    message: format!("auth_scheme {scheme} needs the option \"{name}\""),
                    hint: "See the README's single sign-on example.".into(),
                })
        };
        let kind = if scheme == "Crowd" {
            SsoKind::Crowd
        } else {
            SsoKind::Okta
        };
        let (app_name, app_password) = match kind {
            SsoKind::Crowd => (require("sso_app_name")?, require("sso_app_password")?),
            SsoKind::Okta => (String::new(), String::new()),
        };
        Ok(SsoSettings {
            kind,
            user: require("user")?,
            password: require("password")?,
            login_url: parse_named_url("sso_login_url", &require("sso_login_url")?)?,
            exchange_url: parse_named_url("sso_exchange_url", &require("sso_exchange_url")?)?,
            app_name,
            app_password,
            properties: parse_connection_string(get("sso_properties").unwrap_or(""))?,
        })
    }

    fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Logs in through the identity provider; returns Jira's `Cookie` header value.
pub async fn login(http: &reqwest::Client, settings: &SsoSettings) -> Result<String> {
    let form = match settings.kind {
        SsoKind::Okta => okta_saml_form(http, settings).await?,
        SsoKind::Crowd => crowd_saml_form(http, settings).await?,
    };
    let saml = hidden_input(&form, "SAMLResponse").ok_or_else(|| {
        Error::Connection("the identity provider's answer has no SAMLResponse".into())
    })?;
    let relay = hidden_input(&form, "RelayState").unwrap_or_default();
    let response = http
        .post(settings.exchange_url.clone())
        .form(&[
            ("SAMLResponse", saml.as_str()),
            ("RelayState", relay.as_str()),
        ])
        .send()
        .await
        .map_err(|e| crate::jira::transport_error("cannot reach the SAML exchange URL", e))?;
    if response.status().is_client_error() {
        return Err(auth_error(format!(
            "Jira's SAML exchange refused the assertion (HTTP {})",
            response.status().as_u16()
        )));
    }
    let cookies: Vec<String> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(|pair| pair.trim().to_string())
        .collect();
    cookies
        .iter()
        .find(|c| c.starts_with("JSESSIONID="))
        .or_else(|| cookies.first())
        .cloned()
        .ok_or_else(|| Error::Connection("Jira's SAML exchange set no session cookie".into()))
}

async fn json_of(response: reqwest::Response) -> Result<(u16, Value)> {
    let status = response.status().as_u16();
    Ok((status, crate::jira::party_json(response, "Okta").await?))
}

fn summary(body: &Value) -> String {
    body.get("errorSummary")
        .or_else(|| body.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("no reason given")
        .to_string()
}

/// Okta: authn (with an MFA factor when required), then the session-cookie redirect to the
/// Jira app, which answers with the SAML form.
async fn okta_saml_form(http: &reqwest::Client, settings: &SsoSettings) -> Result<String> {
    let base = settings.login_url.origin().ascii_serialization();
    let send = |url: String, body: Value| http.post(url).json(&body).send();
    let response = send(
        format!("{base}/api/v1/authn"),
        json!({"username": settings.user, "password": settings.password}),
    )
    .await
    .map_err(|e| crate::jira::transport_error("cannot reach Okta", e))?;
    let (status, body) = json_of(response).await?;
    if status == 401 || status == 403 {
        return Err(auth_error(format!(
            "Okta refused the user: {}",
            summary(&body)
        )));
    }
    let session_token = match body.get("status").and_then(Value::as_str) {
        Some("SUCCESS") => body
            .get("sessionToken")
            .and_then(Value::as_str)
            .map(str::to_string),
        Some("MFA_REQUIRED") => Some(okta_mfa(http, settings, &body).await?),
        other => {
            return Err(auth_error(format!(
                "Okta answered status {} (HTTP {status})",
                other.unwrap_or("none")
            )))
        }
    }
    .ok_or_else(|| Error::Connection("Okta's answer has no sessionToken".into()))?;
    let mut redirect = Url::parse(&format!("{base}/login/sessionCookieRedirect"))
        .map_err(|e| Error::Connection(format!("bad Okta URL: {e}")))?;
    redirect
        .query_pairs_mut()
        .append_pair("token", &session_token)
        .append_pair("redirectUrl", settings.login_url.as_str());
    let response = http
        .get(redirect)
        .send()
        .await
        .map_err(|e| crate::jira::transport_error("cannot reach Okta", e))?;
    if !response.status().is_success() {
        return Err(auth_error(format!(
            "Okta did not hand out a SAML response (HTTP {})",
            response.status().as_u16()
        )));
    }
    crate::jira::party_text(response, "Okta").await
}

async fn okta_mfa(http: &reqwest::Client, settings: &SsoSettings, body: &Value) -> Result<String> {
    let Some(passcode) = settings.property("MFAPassCode") else {
        return Err(auth_error(
            "Okta requires multi-factor authentication and no passcode was given; set sso_properties 'MFAType=<factor>;MFAPassCode=<code>'",
        ));
    };
    let factors = body
        .pointer("/_embedded/factors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let wanted = settings.property("MFAType").map(str::to_ascii_lowercase);
    let factor = factors
        .iter()
        .find(|f| {
            wanted.as_deref().is_none_or(|w| {
                ["factorType", "provider"].iter().any(|k| {
                    f.get(*k)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.to_ascii_lowercase().contains(w))
                })
            })
        })
        .ok_or_else(|| auth_error("Okta offers no MFA factor matching MFAType"))?;
    let verify = factor
        .pointer("/_links/verify/href")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Connection("Okta's MFA factor has no verify link".into()))?;
    let mut request = json!({
        "stateToken": body.get("stateToken").cloned().unwrap_or(Value::Null),
        "passCode": passcode,
    });
    if settings
        .property("MFARememberDevice")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        request["rememberDevice"] = Value::Bool(true);
    }
    let response = http
        .post(verify)
        .json(&request)
        .send()
        .await
        .map_err(|e| crate::jira::transport_error("cannot reach Okta", e))?;
    let (status, answer) = json_of(response).await?;
    if status >= 400 {
        return Err(auth_error(format!(
            "Okta refused the MFA passcode: {}",
            summary(&answer)
        )));
    }
    answer
        .get("sessionToken")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Connection("Okta's MFA answer has no sessionToken".into()))
}

/// Crowd: the application authenticates itself and the user; the answer is the SAML form.
async fn crowd_saml_form(http: &reqwest::Client, settings: &SsoSettings) -> Result<String> {
    let response = http
        .post(settings.login_url.clone())
        .header(
            reqwest::header::AUTHORIZATION,
            basic::header(&settings.app_name, &settings.app_password),
        )
        .form(&[
            ("username", settings.user.as_str()),
            ("password", settings.password.as_str()),
        ])
        .send()
        .await
        .map_err(|e| crate::jira::transport_error("cannot reach Crowd", e))?;
    let status = response.status().as_u16();
    if status == 401 || status == 400 || status == 403 {
        let (_, body) = json_of(response).await?;
        let who = if status == 401 {
            "the application"
        } else {
            "the user"
        };
        return Err(auth_error(format!(
            "Crowd refused {who}: {}",
            summary(&body)
        )));
    }
    if status >= 300 {
        return Err(Error::Connection(format!("Crowd answered HTTP {status}")));
    }
    crate::jira::party_text(response, "Crowd").await
}
