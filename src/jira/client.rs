//! The HTTP client: one request at a time with connect and request timeouts, retries of rate
//! limits and broken responses, and Jira's errors turned into [`Error`]s without secrets. A
//! request that changes Jira is repeated only when Jira cannot have applied it: a failure to
//! connect, a 429, or a 503 with `Retry-After`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use super::endpoints::{Deployment, Endpoint};
use crate::auth::Authenticator;
use crate::error::{Error, Result};
use crate::options::ConnectionConfig;

/// Longest wait a `Retry-After` header can impose before a retry.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// First backoff step when Jira gives no `Retry-After`; doubled per attempt.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Cap of the exponential backoff.
const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// A client for one Jira site and one set of credentials.
pub struct Client {
    http: reqwest::Client,
    /// The API the site speaks, once configured or asked.
    deployment: std::cell::Cell<Option<Deployment>>,
    base: Url,
    auth: Authenticator,
    max_retries: u32,
    request_timeout: Duration,
}

/// Clients kept per backend, so that successive scans (and queries) of the same server and user
/// reuse open connections. Keyed by the whole configuration: an ALTER SERVER or a new user
/// mapping gets a new client.
const CLIENT_CACHE_SIZE: usize = 8;

thread_local! {
    static CLIENTS: RefCell<Vec<(ConnectionConfig, Rc<Client>)>> = const { RefCell::new(Vec::new()) };
}

/// What one attempt produced: a value, a final error, or a reason to try again after a pause.
enum Attempt {
    Done(Value),
    Retry { after: Option<Duration>, why: Error },
}

/// What a request sends.
#[derive(Clone, Copy)]
enum Payload<'a> {
    /// Nothing.
    Empty,
    /// A JSON body.
    Json(&'a Value),
    /// One file as `multipart/form-data` field `file` (Jira's attachment upload).
    File(&'a str, &'a [u8]),
}

/// Whether a request may be sent again when its first attempt's fate is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// A read: sending it twice changes nothing.
    Safe,
    /// A change: sent again only when Jira cannot have applied it.
    Once,
}

impl Client {
    /// Builds a client; no request is made yet.
    pub fn new(config: &ConnectionConfig) -> Result<Client> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // Identity providers answer logins with redirects whose cookies must be read.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("jira_fdw/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &config.ca_bundle {
            let pem = crate::files::read_existing("ca_bundle", std::path::Path::new(path))?;
            let certificates =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::File {
                    option: "ca_bundle",
                    path: path.clone(),
                    reason: format!("it is not a PEM certificate bundle: {}", error_chain(&e)),
                })?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder
            .build()
            .map_err(|e| Error::Connection(format!("cannot build the HTTP client: {e}")))?;
        let mut base = config.url.clone();
        let path = base.path().trim_end_matches('/').to_string();
        base.set_path(&path);
        Ok(Client {
            http,
            deployment: std::cell::Cell::new(config.deployment),
            auth: Authenticator::new(config.credentials.clone(), base.clone()),
            base,
            max_retries: config.max_retries,
            request_timeout: config.request_timeout,
        })
    }

    /// The API the site speaks: the `deployment` option, or what `serverInfo` says, asked once
    /// per client (per backend and server configuration).
    pub async fn deployment(&self) -> Result<Deployment> {
        if let Some(known) = self.deployment.get() {
            return Ok(known);
        }
        let info = self.get_json(super::endpoints::DEPLOYMENT_PROBE).await?;
        let found = Deployment::from_server_info(&info)?;
        self.deployment.set(Some(found));
        Ok(found)
    }

    /// Where `endpoint` lives on this site, or an error naming the deployment.
    pub async fn path_of(&self, endpoint: Endpoint) -> Result<&'static str> {
        endpoint.on(self.deployment().await?)
    }

    /// The deployment if it is known without asking the site.
    pub fn known_deployment(&self) -> Option<Deployment> {
        self.deployment.get()
    }

    /// Forgets cached sessions and tokens (after new ones were stored).
    pub fn forget_credentials(&self) {
        self.auth.forget();
    }

    /// The underlying HTTP client, for authorization flows that talk to other parties.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The backend's client for this configuration, built on first use.
    pub fn shared(config: &ConnectionConfig) -> Result<Rc<Client>> {
        CLIENTS.with(|cell| {
            let mut clients = cell.borrow_mut();
            if let Some(i) = clients.iter().position(|(c, _)| c == config) {
                // Most recently used last.
                let entry = clients.remove(i);
                let client = entry.1.clone();
                clients.push(entry);
                return Ok(client);
            }
            let client = Rc::new(Client::new(config)?);
            if clients.len() >= CLIENT_CACHE_SIZE {
                clients.remove(0);
            }
            clients.push((config.clone(), client.clone()));
            Ok(client)
        })
    }

    fn url(base: &Url, path: &str) -> Result<Url> {
        let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path);
        Url::parse(&joined).map_err(|e| Error::Connection(format!("bad request URL: {e}")))
    }

    /// `POST path` with a JSON body, answering Jira's JSON. Only used for reads (search, bulk
    /// fetch), which are safe to repeat, so broken answers are retried.
    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value> {
        self.request(Method::POST, path, Payload::Json(body), Repeat::Safe)
            .await
    }

    /// `GET path`, answering Jira's JSON.
    pub async fn get_json(&self, path: &str) -> Result<Value> {
        self.request(Method::GET, path, Payload::Empty, Repeat::Safe)
            .await
    }

    /// A request that changes Jira (`POST`, `PUT`, `DELETE`), answering Jira's JSON (null for
    /// an empty answer such as 204's). It is never sent again once it may have reached Jira.
    pub async fn change(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let payload = body.map_or(Payload::Empty, Payload::Json);
        self.request(method, path, payload, Repeat::Once).await
    }

    /// Uploads one file to `path` (`POST`, multipart), as a change.
    pub async fn upload(&self, path: &str, filename: &str, content: &[u8]) -> Result<Value> {
        self.request(
            Method::POST,
            path,
            Payload::File(filename, content),
            Repeat::Once,
        )
        .await
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
        repeat: Repeat,
    ) -> Result<Value> {
        let site_url = Self::url(&self.base, path)?;
        let what = format!("{method} {path}");
        let mut attempt = 0u32;
        let mut renewed = false;
        loop {
            let prepared = self.auth.prepare(&self.http, &method, &site_url).await?;
            let url = match &prepared.base {
                Some(base) => Self::url(base, path)?,
                None => site_url.clone(),
            };
            let mut builder = self
                .http
                .request(method.clone(), url)
                .header(ACCEPT, "application/json");
            for (name, value) in &prepared.headers {
                builder = builder.header(*name, value);
            }
            builder = match payload {
                Payload::Empty => builder,
                Payload::Json(body) => builder.json(body),
                Payload::File(filename, content) => {
                    let part = reqwest::multipart::Part::bytes(content.to_vec())
                        .file_name(filename.to_string());
                    // Jira refuses uploads without it (its XSRF check).
                    builder
                        .header("X-Atlassian-Token", "no-check")
                        .multipart(reqwest::multipart::Form::new().part("file", part))
                }
            };
            match self.attempt(builder, &what, repeat).await {
                Ok(Attempt::Done(value)) => return Ok(value),
                Ok(Attempt::Retry { after, why }) => {
                    if attempt >= self.max_retries {
                        return Err(why);
                    }
                    let pause = after.unwrap_or_else(|| backoff(attempt));
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                // A lapsed session or token: renew once and repeat the request.
                Err(Error::Auth { .. }) if !renewed && self.auth.renew(&self.http).await? => {
                    renewed = true;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn attempt(
        &self,
        builder: reqwest::RequestBuilder,
        what: &str,
        repeat: Repeat,
    ) -> Result<Attempt> {
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => {
                let context = format!("cannot reach Jira at {}", self.base);
                return self.transport_failure(e, &context, what, repeat);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        if login_failed(&headers) && status != StatusCode::TOO_MANY_REQUESTS {
            return Err(self.auth.rejected(
                "Jira answered as to an anonymous user (X-Seraph-LoginReason: AUTHENTICATED_FAILED)",
            ));
        }
        let bytes = match read_capped(response).await {
            Ok(b) => b,
            Err(Body::Broken(e)) => {
                let context = format!("Jira's answer to {what} broke off");
                if repeat == Repeat::Once && status.is_success() {
                    return Err(Error::Connection(format!(
                        "{context} after Jira answered {status}: the change was made, but what Jira \
                         answered is unknown; it is not sent again"
                    )));
                }
                return self.transport_failure(e, &context, what, repeat);
            }
            Err(Body::TooLarge) => {
                return Err(Error::Connection(format!(
                    "Jira's answer to {what} is larger than {MAX_BODY_BYTES} bytes"
                )))
            }
        };
        if status == StatusCode::UNAUTHORIZED {
            return Err(self.auth.rejected(jira_message(&bytes)));
        }
        // A 429 was refused before anything was done; a 503 is trusted with a change only
        // when Jira says when to come back.
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::SERVICE_UNAVAILABLE
                && (repeat == Repeat::Safe || retry_after(&headers).is_some());
        if retryable {
            return Ok(Attempt::Retry {
                after: retry_after(&headers),
                why: Error::Jira {
                    status: status.as_u16(),
                    what: what.to_string(),
                    message: format!(
                        "{} (gave up after {} retries; raise max_retries or try later)",
                        jira_message(&bytes),
                        self.max_retries
                    ),
                },
            });
        }
        if !status.is_success() {
            return Err(Error::Jira {
                status: status.as_u16(),
                what: what.to_string(),
                message: jira_message(&bytes),
            });
        }
        if repeat == Repeat::Once && bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Attempt::Done(Value::Null));
        }
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(Attempt::Done(value)),
            Err(e) if repeat == Repeat::Once => Err(Error::Connection(format!(
                "Jira made the change of {what} but its answer is not valid JSON ({e}); it starts with: {}",
                preview(&bytes)
            ))),
            Err(e) => Ok(Attempt::Retry {
                after: None,
                why: Error::Connection(format!(
                    "Jira's answer to {what} is not valid JSON ({e}); it starts with: {}",
                    preview(&bytes)
                )),
            }),
        }
    }

    /// A timeout ends the request (trying again would exceed the wait the user allowed); any
    /// other transport failure is worth another attempt, except for a change that may have
    /// reached Jira (anything but a failure to connect).
    fn transport_failure(
        &self,
        e: reqwest::Error,
        context: &str,
        what: &str,
        repeat: Repeat,
    ) -> Result<Attempt> {
        let maybe_applied = if repeat == Repeat::Once {
            "; Jira may have made the change, so it is not sent again"
        } else {
            ""
        };
        if e.is_timeout() {
            return Err(Error::Connection(format!(
                "Jira did not answer {what} within {} s (request_timeout){maybe_applied}",
                self.request_timeout.as_secs_f64()
            )));
        }
        if repeat == Repeat::Once && !e.is_connect() {
            return Err(Error::Connection(format!(
                "{context}: {}{maybe_applied}",
                transport_text(e)
            )));
        }
        Ok(Attempt::Retry {
            after: None,
            why: Error::Connection(format!("{context}: {}", transport_text(e))),
        })
    }
}

/// Largest answer body read into memory: far above any page Jira sends (a 5,000-issue id page
/// or 100 issues with every field), small enough that a hostile answer cannot exhaust memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Why a body could not be read.
enum Body {
    Broken(reqwest::Error),
    TooLarge,
}

/// The body, read chunk by chunk and given up on past [`MAX_BODY_BYTES`].
async fn read_capped(mut response: reqwest::Response) -> std::result::Result<Vec<u8>, Body> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(Body::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Body::Broken)? {
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Body::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The body of an answer of an authorization party (a token endpoint, an identity provider),
/// read up to [`MAX_BODY_BYTES`]; `what` names the party for the error.
pub async fn party_body(response: reqwest::Response, what: &str) -> Result<Vec<u8>> {
    match read_capped(response).await {
        Ok(bytes) => Ok(bytes),
        Err(Body::Broken(e)) => Err(transport_error(&format!("{what}'s answer broke off"), e)),
        Err(Body::TooLarge) => Err(Error::Connection(format!(
            "{what}'s answer is larger than {MAX_BODY_BYTES} bytes"
        ))),
    }
}

/// [`party_body`] as JSON (`null` when it is not JSON: the caller reports what is missing).
pub async fn party_json(response: reqwest::Response, what: &str) -> Result<Value> {
    Ok(serde_json::from_slice(&party_body(response, what).await?).unwrap_or(Value::Null))
}

/// [`party_body`] as text.
pub async fn party_text(response: reqwest::Response, what: &str) -> Result<String> {
    Ok(String::from_utf8_lossy(&party_body(response, what).await?).into_owned())
}

fn login_failed(headers: &HeaderMap) -> bool {
    headers
        .get("x-seraph-loginreason")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("AUTHENTICATED_FAILED"))
}

/// `Retry-After` in seconds, capped.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    // Capped before the conversion, which would panic past Duration's range.
    Some(Duration::from_secs_f64(
        seconds.min(MAX_RETRY_AFTER.as_secs_f64()),
    ))
}

/// Capped exponential backoff for the n-th retry (from 0).
fn backoff(attempt: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(BACKOFF_CAP)
}

/// Jira's own error text from `{"errorMessages":[...],"errors":{...}}` or `{"message":...}`,
/// else the start of the body.
pub(crate) fn jira_message(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return preview(body);
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(list) = value.get("errorMessages").and_then(Value::as_array) {
        parts.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(map) = value.get("errors").and_then(Value::as_object) {
        parts.extend(
            map.iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or(&v.to_string()))),
        );
    }
    // A bulk create's refusals, each of an element of the request (numbered from 0).
    if let Some(list) = value.get("errors").and_then(Value::as_array) {
        for e in list {
            let n = e.get("failedElementNumber").and_then(Value::as_u64);
            let inner = jira_message(
                e.get("elementErrors")
                    .map(Value::to_string)
                    .unwrap_or_default()
                    .as_bytes(),
            );
            parts.push(match n {
                Some(n) => format!("element {n}: {inner}"),
                None => inner,
            });
        }
    }
    if let Some(m) = value.get("message").and_then(Value::as_str) {
        parts.push(m.to_string());
    }
    if parts.is_empty() {
        preview(body)
    } else {
        parts.join("; ")
    }
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut shown: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        shown.push_str("...");
    }
    if shown.trim().is_empty() {
        "(empty body)".to_string()
    } else {
        shown
    }
}

/// A transport failure of a request that is not retried (logins, token grants): `context` and
/// reqwest's reason, without the URL.
pub fn transport_error(context: &str, e: reqwest::Error) -> Error {
    Error::Connection(format!("{context}: {}", transport_text(e)))
}

/// A transport error's text without its URL (query strings can carry session tokens).
pub(crate) fn transport_text(e: reqwest::Error) -> String {
    error_chain(&e.without_url())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_every_error_shape() {
        assert_eq!(
            jira_message(br#"{"errorMessages":["a","b"],"errors":{"jql":"bad"}}"#),
            "a; b; jql: bad"
        );
        assert_eq!(
            jira_message(br#"{"message":"Client must be authenticated","status-code":401}"#),
            "Client must be authenticated"
        );
        assert_eq!(jira_message(b"<html>proxy</html>"), "<html>proxy</html>");
        assert_eq!(jira_message(b""), "(empty body)");
    }

    #[test]
    fn transport_errors_do_not_show_the_url() {
        // Nothing listens on port 1: the connection is refused at once.
        let url = "http://127.0.0.1:1/login/sessionCookieRedirect?token=s3ss10n-secret";
        let err = crate::jira::block_on(
            async {
                let e = reqwest::Client::new().get(url).send().await.unwrap_err();
                Ok(transport_error("cannot reach Okta", e))
            },
            &|| false,
        )
        .unwrap();
        let text = err.to_string();
        assert!(text.starts_with("cannot reach Okta: "), "{text}");
        assert!(
            !text.contains("s3ss10n-secret") && !text.contains("127.0.0.1"),
            "{text}"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(40), BACKOFF_CAP);
    }

    #[test]
    fn retry_after_is_read_and_capped() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(RETRY_AFTER, "100000".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
        h.insert(RETRY_AFTER, "1e20".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
        h.insert(RETRY_AFTER, "inf".parse().unwrap());
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
