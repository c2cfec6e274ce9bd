//! Pages of issues, fetched one at a time as the executor asks for rows.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::endpoints::{self, Deployment};
use super::listing::ListingState;
use super::server_search::{forget_unknown, ServerSearch, MAX_UNKNOWN_VALUE_RETRIES};
use super::worklogs::UpdatedWorklogs;
use super::Client;
use crate::error::{Error, Result};
use crate::jql::{Clause, Field, Literal, Query, Strategy};

/// `issue/bulkfetch` takes at most this many ids or keys per request.
pub const BULK_FETCH_LIMIT: usize = 100;

/// Where a scan stands; one page in memory at a time.
pub struct Pager {
    strategy: Strategy,
    fields: Vec<String>,
    max_results: u32,
    next_token: Option<String>,
    position: usize,
    finished: bool,
    seen: HashSet<String>,
    requests: u64,
    listing: ListingState,
    worklogs: Option<UpdatedWorklogs>,
    concurrency: usize,
    /// The Server/Data Center search in progress (a search, or one batch of keys).
    server: Option<ServerSearch>,
}

impl Pager {
    /// A pager at the start of the result. `max_results` is the page size (already lowered to
    /// the query's LIMIT where that was pushed).
    pub fn new(strategy: Strategy, fields: Vec<String>, max_results: u32) -> Pager {
        Pager {
            strategy,
            fields,
            max_results: max_results.max(1),
            next_token: None,
            position: 0,
            finished: false,
            seen: HashSet::new(),
            requests: 0,
            listing: ListingState::default(),
            worklogs: None,
            concurrency: 1,
            server: None,
        }
    }

    /// How many parents' children a listing reads at once.
    pub fn with_concurrency(mut self, concurrency: usize) -> Pager {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Back to the first page (ReScan with the same parameters).
    pub fn restart(&mut self) {
        self.next_token = None;
        self.position = 0;
        self.finished = false;
        self.seen.clear();
        self.listing = ListingState::default();
        self.worklogs = None;
        self.server = None;
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
        let searches = matches!(self.strategy, Strategy::Search(_) | Strategy::Keys(_));
        if searches && client.deployment().await? == Deployment::Server {
            return self.next_server_page(client).await;
        }
        match &self.strategy {
            Strategy::Search(_) => self.next_search_page(client).await,
            Strategy::Keys(_) => self.next_bulk_page(client).await,
            Strategy::Listing {
                listing,
                parents,
                parent_query,
            } => {
                self.requests += 1;
                self.listing
                    .next_page(
                        client,
                        *listing,
                        parents,
                        parent_query.as_ref(),
                        self.concurrency,
                    )
                    .await
            }
            Strategy::WorklogsUpdated(since) => {
                let Literal::Int(since) = since else {
                    return Err(Error::Internal(
                        "a worklog time bound was not known when the scan started".into(),
                    ));
                };
                self.requests += 1;
                let since = *since;
                let concurrency = self.concurrency;
                let worklogs = self
                    .worklogs
                    .get_or_insert_with(|| UpdatedWorklogs::new(since));
                let page = worklogs.next_page(client, concurrency).await?;
                self.finished = page.is_none();
                Ok(page)
            }
        }
    }

    async fn next_search_page(&mut self, client: &Client) -> Result<Option<Vec<Value>>> {
        let mut retries = 0;
        loop {
            let Strategy::Search(query) = &mut self.strategy else {
                return Ok(None);
            };
            let Some(jql) = query.to_jql() else {
                self.finished = true;
                return Ok(None);
            };
            let mut body = json!({
                "jql": jql,
                "fields": self.fields,
                "maxResults": self.max_results,
            });
            if let Some(token) = &self.next_token {
                body["nextPageToken"] = Value::String(token.clone());
            }
            self.requests += 1;
            let answer = match client.post_json(endpoints::SEARCH, &body).await {
                Ok(answer) => answer,
                Err(Error::Jira {
                    status: 400,
                    message,
                    what,
                }) if self.next_token.is_none() && retries < MAX_UNKNOWN_VALUE_RETRIES => {
                    if !forget_unknown(&mut query.clause, &message) {
                        return Err(Error::Jira {
                            status: 400,
                            message,
                            what,
                        });
                    }
                    retries += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
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
            return Ok(Some(issues_of(answer, "search/jql")?));
        }
    }

    /// Server/Data Center has no bulk fetch: key and id lookups are searches too, 100 keys
    /// at a time, each batch paged like any search.
    async fn next_server_page(&mut self, client: &Client) -> Result<Option<Vec<Value>>> {
        loop {
            if self.server.as_ref().is_none_or(ServerSearch::finished) {
                let query = match &self.strategy {
                    Strategy::Search(query) if self.server.is_none() => query.clone(),
                    Strategy::Keys(keys) if self.position < keys.len() => {
                        let end = (self.position + BULK_FETCH_LIMIT).min(keys.len());
                        let query = Query {
                            clause: keys_clause(&keys[self.position..end]),
                            order_by: Vec::new(),
                        };
                        self.position = end;
                        query
                    }
                    _ => {
                        self.finished = true;
                        return Ok(None);
                    }
                };
                self.server = Some(ServerSearch::new(query));
            }
            let Some(search) = self.server.as_mut() else {
                return Ok(None);
            };
            let page = search
                .next_page(client, &self.fields, self.max_results, &mut self.requests)
                .await?;
            if let Some(issues) = page {
                // `key IN ('A-1', 'a-1')` or an id and its key name one issue twice: one row.
                let seen = &mut self.seen;
                return Ok(Some(
                    issues
                        .into_iter()
                        .filter(|i| {
                            seen.insert(i.get("id").map(Value::to_string).unwrap_or_default())
                        })
                        .collect(),
                ));
            }
        }
    }

    async fn next_bulk_page(&mut self, client: &Client) -> Result<Option<Vec<Value>>> {
        let Strategy::Keys(keys) = &self.strategy else {
            return Ok(None);
        };
        let end = (self.position + BULK_FETCH_LIMIT).min(keys.len());
        let chunk = &keys[self.position..end];
        self.position = end;
        self.finished = end >= keys.len();
        if chunk.is_empty() {
            return Ok(None);
        }
        self.requests += 1;
        let issues = bulk_fetch(client, chunk, &self.fields).await?;
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

/// `key IN (...)` for keys, `id IN (...)` for ids: what a bulk fetch of `ids_or_keys` reads.
fn keys_clause(ids_or_keys: &[String]) -> Clause {
    let (ids, keys): (Vec<&String>, Vec<&String>) =
        ids_or_keys.iter().partition(|k| k.parse::<i64>().is_ok());
    let mut parts = Vec::new();
    if !keys.is_empty() {
        parts.push(Clause::In {
            field: Field("key"),
            values: keys.into_iter().map(|k| Literal::Str(k.clone())).collect(),
            negated: false,
        });
    }
    if !ids.is_empty() {
        parts.push(Clause::In {
            field: Field("id"),
            values: ids
                .into_iter()
                .filter_map(|i| i.parse().ok().map(Literal::Int))
                .collect(),
            negated: false,
        });
    }
    Clause::Or(parts)
}

/// How many issues `jql` finds, as Jira estimates it: Cloud's approximate count, or the
/// `total` of a Server/Data Center search of no issues.
pub async fn approximate_count(client: &Client, jql: &str) -> Result<Option<f64>> {
    let answer = match client.deployment().await? {
        Deployment::Cloud => {
            let answer = client
                .post_json(endpoints::APPROXIMATE_COUNT, &json!({ "jql": jql }))
                .await?;
            answer.get("count").cloned()
        }
        Deployment::Server => {
            let body = json!({"jql": jql, "maxResults": 0, "fields": ["id"]});
            let answer = client.post_json(endpoints::SEARCH_V2, &body).await?;
            answer.get("total").cloned()
        }
    };
    Ok(answer.and_then(|c| c.as_f64()))
}

/// The issues with these ids or keys, with `fields`, those that do not exist left out: read
/// as a scan of those keys reads them (bulk fetches on Cloud, `key IN` / `id IN` searches on
/// Server/Data Center).
pub async fn issues_by_ids(
    client: &Client,
    ids_or_keys: &[String],
    fields: &[String],
) -> Result<Vec<Value>> {
    let mut pager = Pager::new(
        Strategy::Keys(ids_or_keys.to_vec()),
        fields.to_vec(),
        BULK_FETCH_LIMIT as u32,
    );
    let mut out = Vec::new();
    // Boxed: the worklog reader that asks for these runs inside a pager.
    while let Some(issues) = Box::pin(pager.next_page(client)).await? {
        out.extend(issues);
    }
    Ok(out)
}

/// The issues with these ids or keys (at most [`BULK_FETCH_LIMIT`]), with `fields`; those that
/// do not exist are left out.
async fn bulk_fetch(
    client: &Client,
    ids_or_keys: &[String],
    fields: &[String],
) -> Result<Vec<Value>> {
    let body = json!({"issueIdsOrKeys": ids_or_keys, "fields": fields});
    let answer = client.post_json(endpoints::BULK_FETCH, &body).await?;
    issues_of(answer, "issue/bulkfetch")
}

/// The `issues` array of a search or bulk fetch answer.
pub(super) fn issues_of(mut answer: Value, what: &str) -> Result<Vec<Value>> {
    match answer.get_mut("issues").map(Value::take) {
        Some(Value::Array(list)) => Ok(list),
        _ => Err(Error::Connection(format!(
            "Jira's answer to {what} has no \"issues\" array"
        ))),
    }
}
