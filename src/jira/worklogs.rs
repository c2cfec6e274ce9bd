//! Worklogs updated after a time, read incrementally: `/worklog/updated` lists the ids updated
//! since then, `/worklog/list` reads them a thousand at a time. Jira leaves out the minute
//! before the request, so the issues updated since the last listed time (a worklog's change
//! updates its issue) have their worklogs read one by one to complete the answer.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use super::endpoints;
use super::listing::ListingState;
use super::pager::issues_by_ids;
use super::Client;
use crate::catalog::{Entity, PARENT_MEMBER};
use crate::error::{Error, Result};
use crate::jql::{Clause, Cmp, Field, Literal, Query};

/// The most ids `POST /worklog/list` takes.
const LIST_LIMIT: usize = 1000;

enum Phase {
    /// Paging `/worklog/updated`.
    Updated,
    /// Reading the worklogs of the issues this search finds.
    Recent(Query),
}

/// Where an incremental worklog read stands.
pub struct UpdatedWorklogs {
    /// The `since` of the next `/worklog/updated` request (epoch ms, exclusive).
    since: i64,
    phase: Phase,
    /// Ids of the worklogs returned so far, so none is returned twice.
    seen: HashSet<String>,
    /// Issue id -> key, for the worklogs' `issue_key`.
    keys: HashMap<String, String>,
    recent: ListingState,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl UpdatedWorklogs {
    /// A read of the worklogs updated after `since` (epoch ms).
    pub fn new(since: i64) -> UpdatedWorklogs {
        UpdatedWorklogs {
            since,
            phase: Phase::Updated,
            seen: HashSet::new(),
            keys: HashMap::new(),
            recent: ListingState::default(),
        }
    }

    /// The next page of worklogs (each tagged with its issue's key), `None` after the last.
    pub async fn next_page(
        &mut self,
        client: &Client,
        concurrency: usize,
    ) -> Result<Option<Vec<Value>>> {
        match &self.phase {
            Phase::Updated => self.next_updated(client).await.map(Some),
            Phase::Recent(query) => {
                let query = query.clone();
                let page = self
                    .recent
                    .next_page(
                        client,
                        Entity::Worklogs.listing(),
                        &None,
                        Some(&query),
                        concurrency,
                    )
                    .await?;
                Ok(page.map(|items| {
                    items
                        .into_iter()
                        .filter(|w| {
                            w.get("id")
                                .and_then(text_of)
                                .is_none_or(|id| self.seen.insert(id))
                        })
                        .collect()
                }))
            }
        }
    }

    async fn next_updated(&mut self, client: &Client) -> Result<Vec<Value>> {
        let answer = client
            .get_json(&format!(
                "{}?since={}",
                client.path_of(endpoints::WORKLOG_UPDATED).await?,
                self.since
            ))
            .await?;
        let values = answer
            .get("values")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let latest = values
            .iter()
            .filter_map(|v| v.get("updatedTime").and_then(Value::as_i64))
            .max();
        let until = answer
            .get("until")
            .and_then(Value::as_i64)
            .into_iter()
            .chain(latest)
            .max()
            .unwrap_or(self.since)
            .max(self.since);
        let last = answer.get("lastPage").and_then(Value::as_bool) != Some(false);
        if !last && until <= self.since {
            return Err(Error::Connection(
                "Jira's /worklog/updated did not advance; stopping to avoid an endless scan".into(),
            ));
        }
        let ids: Vec<String> = values
            .iter()
            .filter_map(|v| v.get("worklogId").and_then(text_of))
            .filter(|id| self.seen.insert(id.clone()))
            .collect();
        if last {
            // Worklogs changed at or after the last listed time, the last minute among them.
            let query = Query {
                clause: Clause::Cmp(Field("updated"), Cmp::Ge, Literal::Int(until)),
                order_by: Vec::new(),
            };
            self.phase = Phase::Recent(query);
        } else {
            self.since = until;
        }
        self.read(client, &ids).await
    }

    /// The worklogs with these ids, tagged with their issues' keys.
    async fn read(&mut self, client: &Client, ids: &[String]) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(LIST_LIMIT) {
            let ids: Vec<Value> = chunk
                .iter()
                .map(|id| id.parse::<u64>().map_or(json!(id), |n| json!(n)))
                .collect();
            let answer = client
                .post_json(
                    client.path_of(endpoints::WORKLOG_LIST).await?,
                    &json!({ "ids": ids }),
                )
                .await?;
            match answer {
                Value::Array(items) => out.extend(items),
                _ => {
                    return Err(Error::Connection(
                        "Jira's answer to worklog/list is not a list".into(),
                    ))
                }
            }
        }
        let issue_ids: Vec<String> = out
            .iter()
            .filter_map(|w| w.get("issueId").and_then(text_of))
            .filter(|id| !self.keys.contains_key(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let id_field = ["id".to_string()];
        for issue in issues_by_ids(client, &issue_ids, &id_field).await? {
            if let (Some(id), Some(key)) = (
                issue.get("id").and_then(text_of),
                issue.get("key").and_then(Value::as_str),
            ) {
                self.keys.insert(id, key.to_string());
            }
        }
        for w in &mut out {
            let key = w
                .get("issueId")
                .and_then(text_of)
                .and_then(|id| self.keys.get(&id).cloned());
            if let (Value::Object(map), Some(key)) = (w, key) {
                map.insert(PARENT_MEMBER.into(), Value::String(key));
            }
        }
        Ok(out)
    }
}
