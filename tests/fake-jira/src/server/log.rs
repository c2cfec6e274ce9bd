//! The request log of `/_fake/requests`, so tests can assert what the wrapper pushed down.

use super::params;
use serde::Serialize;
use serde_json::Value;

/// One received request (any path but the `/_fake` control endpoints).
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    /// Internal sequence number (to fill in the status later).
    #[serde(skip)]
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Full path without the query string (gateway requests keep their gateway prefix).
    pub path: String,
    /// Raw query string ("" when none).
    pub query: String,
    /// Raw body, or null when empty.
    pub body: Option<String>,
    /// The JQL of search and count requests.
    pub jql: Option<String>,
    /// The requested fields, when the request named any.
    pub fields: Option<Vec<String>>,
    /// The requested `maxResults`, when given.
    pub max_results: Option<i64>,
    /// The status answered.
    pub status: u16,
    /// Number of the TCP connection the request arrived on (1, 2, ... in accept order; 0 when
    /// unknown), so tests can see whether a client reuses connections.
    pub connection: u64,
}

fn is_search(path: &str) -> bool {
    let path = api_path(path);
    matches!(
        path,
        "/rest/api/3/search/jql" | "/rest/api/3/search/approximate-count" | "/rest/api/2/search"
    )
}

/// The Jira API path of a request: `/rest/...` itself, or the part of a gateway path
/// (`/atlassian-api/ex/jira/<cloud id>/rest/...`) after the cloud id.
pub fn api_path(path: &str) -> &str {
    match path.strip_prefix("/atlassian-api/ex/jira/") {
        Some(rest) => rest.find('/').map_or(rest, |i| &rest[i..]),
        None => path,
    }
}

impl LogEntry {
    /// Builds an entry, reading the JQL, fields and maxResults from the query or JSON body.
    pub fn new(seq: u64, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> LogEntry {
        let body_text = (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned());
        let mut entry = LogEntry {
            seq,
            method: method.to_string(),
            path: path.to_string(),
            query: query.unwrap_or("").to_string(),
            body: body_text,
            jql: None,
            fields: None,
            max_results: None,
            status: 0,
            connection: 0,
        };
        if method == "GET" {
            let pairs = params::pairs(query);
            if is_search(path) {
                entry.jql = params::last(&pairs, "jql").map(str::to_string);
            }
            entry.fields = params::list(&pairs, "fields");
            entry.max_results =
                params::last(&pairs, "maxResults").and_then(|v| v.trim().parse().ok());
        } else if let Ok(Value::Object(json)) = serde_json::from_slice::<Value>(body) {
            if is_search(path) {
                entry.jql = json.get("jql").and_then(Value::as_str).map(str::to_string);
            }
            entry.fields = json.get("fields").and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            });
            entry.max_results = json.get("maxResults").and_then(Value::as_i64);
        }
        entry
    }
}
