//! Pages of issues, fetched one at a time as the executor asks for rows.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::Client;
use crate::error::{Error, Result};

/// `issue/bulkfetch` takes at most this many ids or keys per request.
pub const BULK_FETCH_LIMIT: usize = 100;

/// How the issues of a scan are found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Strategy {
    /// `POST /rest/api/3/search/jql` with token paging.
    Search { jql: String },
    /// `POST /rest/api/3/issue/bulkfetch` for a known set of ids or keys: unlike JQL, it does not
    /// fail the whole query when one key does not exist.
    Keys { keys: Vec<String> },
}

/// Where a scan stands; one page in memory at a time.
pub struct Pager {
    strategy: Strategy,
    fields: Vec<String>,
    page_size: u32,
    next_token: Option<String>,
    position: usize,
    finished: bool,
    seen: HashSet<String>,
    requests: u64,
}

impl Pager {
    /// A pager at the start of the result.
    pub fn new(strategy: Strategy, fields: Vec<String>, page_size: u32) -> Pager {
        Pager {
            strategy,
            fields,
            page_size,
            next_token: None,
            position: 0,
            finished: false,
            seen: HashSet::new(),
            requests: 0,
        }
    }

    /// Back to the first page (ReScan).
    pub fn restart(&mut self) {
        self.next_token = None;
        self.position = 0;
        self.finished = false;
        self.seen.clear();
    }

    /// Requests made so far, for EXPLAIN ANALYZE.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The next page of issues, `None` after the last one. Pages may be empty.
    pub async fn next_page(&mut self, client: &Client) -> Result<Option<Vec<Value>>> {
        if self.finished {
            return Ok(None);
        }
        self.requests += 1;
        match &self.strategy {
            Strategy::Search { jql } => {
                let mut body = json!({
                    "jql": jql,
                    "fields": self.fields,
                    "maxResults": self.page_size,
                });
                if let Some(token) = &self.next_token {
                    body["nextPageToken"] = Value::String(token.clone());
                }
                let answer = client.post_json("/rest/api/3/search/jql", &body).await?;
                let token = answer
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let is_last = answer
                    .get("isLast")
                    .and_then(Value::as_bool)
                    .unwrap_or(token.is_none());
                match token {
                    Some(t) if !is_last => {
                        if self.next_token.as_deref() == Some(t.as_str()) {
                            return Err(Error::Connection(
                                "Jira returned the same nextPageToken twice; stopping to avoid an endless scan".into(),
                            ));
                        }
                        self.next_token = Some(t);
                    }
                    _ => self.finished = true,
                }
                Ok(Some(issues_of(answer, "search/jql")?))
            }
            Strategy::Keys { keys } => {
                let end = (self.position + BULK_FETCH_LIMIT).min(keys.len());
                let chunk = &keys[self.position..end];
                self.position = end;
                self.finished = end >= keys.len();
                if chunk.is_empty() {
                    return Ok(Some(Vec::new()));
                }
                let body = json!({"issueIdsOrKeys": chunk, "fields": self.fields});
                let answer = client
                    .post_json("/rest/api/3/issue/bulkfetch", &body)
                    .await?;
                let issues = issues_of(answer, "issue/bulkfetch")?;
                // `key IN ('A-1', 'a-1')` or an id and its key name one issue twice: one row.
                let seen = &mut self.seen;
                Ok(Some(
                    issues
                        .into_iter()
                        .filter(|i| {
                            let id = i.get("id").map(Value::to_string).unwrap_or_default();
                            seen.insert(id)
                        })
                        .collect(),
                ))
            }
        }
    }
}

fn issues_of(mut answer: Value, what: &str) -> Result<Vec<Value>> {
    match answer.get_mut("issues").map(Value::take) {
        Some(Value::Array(list)) => Ok(list),
        _ => Err(Error::Connection(format!(
            "Jira's answer to {what} has no \"issues\" array"
        ))),
    }
}
