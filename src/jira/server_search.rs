//! Searching Server/Data Center ([`SEARCH_V2`](endpoints::SEARCH_V2)) without offsets: each
//! request asks for the first page of what follows the last issue read, in the pushed order
//! with `id` breaking ties (`... AND (updated < T OR updated = T AND id > I) ORDER BY updated
//! DESC, id ASC`; `id > I ORDER BY id` without a pushed order). No `startAt` ever passes the
//! site's result window (10,000 by default, past which Data Center answers 400), a scan of any
//! size returns every issue once, and pages are as long as Jira made them (it lowers
//! `maxResults` silently). Order values are compared as epoch milliseconds, the one exact form
//! JQL has for dates.

use serde_json::{json, Value};

use super::endpoints;
use super::Client;
use crate::catalog::{timestamp, Cell};
use crate::error::{Error, Result};
use crate::jql::{Clause, Cmp, Field, Literal, Query};

/// How often a search is asked again after Jira named values or keys that do not exist.
pub(super) const MAX_UNKNOWN_VALUE_RETRIES: usize = 5;

/// One Server/Data Center search in progress.
pub struct ServerSearch {
    query: Query,
    /// The last issue read: its value of each key (epoch ms; the id for `id`) and its id.
    after: Option<(Vec<i64>, i64)>,
    finished: bool,
}

impl ServerSearch {
    /// A search for `query` from its start.
    pub fn new(query: Query) -> ServerSearch {
        ServerSearch {
            query,
            after: None,
            finished: false,
        }
    }

    /// Whether the last page was read.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// The sort keys: the pushed ones, then `id` (ascending) unless one of them is `id`.
    fn keys(&self) -> Vec<(Field, bool)> {
        let mut keys = self.query.order_by.clone();
        if !keys.iter().any(|(f, _)| f.0 == "id") {
            keys.push((Field("id"), false));
        }
        keys
    }

    /// The query of the next request: what follows the last issue read, in the keys' order.
    fn next_query(&self) -> Query {
        let keys = self.keys();
        let clause = match &self.after {
            None => self.query.clause.clone(),
            Some((values, _)) => {
                // (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ...
                let bound = |i: usize| Literal::Int(values[i]);
                let seek = (0..keys.len())
                    .map(|i| {
                        let mut parts: Vec<Clause> = (0..i)
                            .map(|j| Clause::Cmp(keys[j].0, Cmp::Eq, bound(j)))
                            .collect();
                        let after = if keys[i].1 { Cmp::Lt } else { Cmp::Gt };
                        parts.push(Clause::Cmp(keys[i].0, after, bound(i)));
                        Clause::And(parts)
                    })
                    .collect();
                Clause::And(vec![self.query.clause.clone(), Clause::Or(seek)])
            }
        };
        Query {
            clause,
            order_by: keys,
        }
    }

    /// Where `issue` stands in the keys' order: its order values (epoch ms) and its id.
    fn position(&self, issue: &Value) -> Result<(Vec<i64>, i64)> {
        let id = match issue.get("id") {
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(other) => other.as_i64(),
            None => None,
        }
        .ok_or_else(|| Error::Connection("an issue of Jira's search has no id".into()))?;
        let mut values = Vec::new();
        for (field, _) in self.keys() {
            if field.0 == "id" {
                values.push(id);
                continue;
            }
            let at = issue.get("fields").and_then(|f| f.get(field.0));
            match timestamp(field.0, at) {
                Ok(Cell::Timestamp(t)) => values.push(t.timestamp_millis()),
                _ => {
                    return Err(Error::Connection(format!(
                        "issue {id} of Jira's search has no {} timestamp to page by",
                        field.0
                    )))
                }
            }
        }
        Ok((values, id))
    }

    /// The next page of issues (in Cloud's terms), `None` after the last one; `requests`
    /// counts what was sent.
    pub async fn next_page(
        &mut self,
        client: &Client,
        fields: &[String],
        max_results: u32,
        requests: &mut u64,
    ) -> Result<Option<Vec<Value>>> {
        if self.finished {
            return Ok(None);
        }
        // The order fields are read to know where the next page starts.
        let mut fields = fields.to_vec();
        for (field, _) in &self.query.order_by {
            if !fields.iter().any(|f| f == field.0) {
                fields.push(field.0.to_string());
            }
        }
        let mut retries = 0;
        let answer = loop {
            let Some(jql) = self.next_query().to_jql() else {
                self.finished = true;
                return Ok(None);
            };
            let body = json!({
                "jql": jql,
                "startAt": 0,
                "maxResults": max_results,
                "fields": fields,
            });
            *requests += 1;
            match client.post_json(endpoints::SEARCH_V2, &body).await {
                Ok(answer) => break answer,
                Err(Error::Jira {
                    status: 400,
                    message,
                    what,
                }) if self.after.is_none() && retries < MAX_UNKNOWN_VALUE_RETRIES => {
                    if !forget_unknown(&mut self.query.clause, &message) {
                        return Err(Error::Jira {
                            status: 400,
                            message,
                            what,
                        });
                    }
                    retries += 1;
                }
                Err(e) => return Err(e),
            }
        };
        let mut answer = answer;
        endpoints::in_cloud_terms(&mut answer);
        let total = answer.get("total").and_then(Value::as_u64);
        let issues = super::pager::issues_of(answer, "search")?;
        let seen = issues.len() as u64;
        match issues.last() {
            Some(last) => {
                let position = self.position(last)?;
                if let Some(before) = &self.after {
                    if !self.advances(before, &position) {
                        return Err(Error::Connection(
                            "Jira's search did not advance in its order; stopping to avoid an endless scan"
                                .into(),
                        ));
                    }
                }
                self.after = Some(position);
            }
            None => self.finished = true,
        }
        // `total` counts what follows the last issue of the request before.
        self.finished |= seen == 0 || total.is_some_and(|t| seen >= t);
        Ok(Some(issues))
    }

    /// Whether `next` comes after `before` in the keys' order.
    fn advances(&self, before: &(Vec<i64>, i64), next: &(Vec<i64>, i64)) -> bool {
        for ((a, b), (_, desc)) in before.0.iter().zip(&next.0).zip(self.keys()) {
            if a != b {
                return (b > a) != desc;
            }
        }
        false
    }
}

/// The query of the first page of a Server/Data Center search for `query` (what EXPLAIN
/// shows): its order with `id` breaking ties.
pub fn first_server_query(query: Query) -> Query {
    ServerSearch::new(query).next_query()
}

/// Drops from `clause` every key or value Jira's 400 `message` says does not exist (it matches
/// no issue, so the search can be asked again without it). False when nothing was dropped.
pub(super) fn forget_unknown(clause: &mut Clause, message: &str) -> bool {
    let mut changed = false;
    for (value, field) in unknown_values(message) {
        changed |= clause.forget_value(&field, &value);
    }
    changed
}

/// `(value, field)` of each value Jira says does not exist: "The value 'X' does not exist for
/// the field 'F'." and Data Center's "An issue with key 'X' does not exist for field 'key'.".
fn unknown_values(message: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (start, middle) in [
        ("The value '", "' does not exist for the field '"),
        ("An issue with key '", "' does not exist for field '"),
    ] {
        let mut rest = message;
        while let Some(at) = rest.find(start) {
            let after = &rest[at + start.len()..];
            let Some(mid) = after.find(middle) else {
                break;
            };
            let value = &after[..mid];
            let tail = &after[mid + middle.len()..];
            let Some(end) = tail.find("'.") else {
                break;
            };
            out.push((value.to_string(), tail[..end].to_string()));
            rest = &tail[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_and_keys_are_read_from_jira_messages() {
        let m = "The value 'Nope' does not exist for the field 'status'.; An issue with key 'OPS-999' does not exist for field 'key'.";
        assert_eq!(
            unknown_values(m),
            vec![
                ("Nope".to_string(), "status".to_string()),
                ("OPS-999".to_string(), "key".to_string())
            ]
        );
        assert!(unknown_values("Field 'x' does not exist").is_empty());
        // Quotes inside values are kept.
        assert_eq!(
            unknown_values("The value 'it's' does not exist for the field 'priority'."),
            vec![("it's".to_string(), "priority".to_string())]
        );
    }

    #[test]
    fn scans_seek_past_the_last_issue_in_their_order() {
        let query = Query {
            clause: Clause::Cmp(Field("project"), Cmp::Eq, Literal::Str("OPS".into())),
            order_by: Vec::new(),
        };
        let mut search = ServerSearch::new(query);
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            r#"project = "OPS" ORDER BY id ASC"#
        );
        search.after = Some((vec![10042], 10042));
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            r#"project = "OPS" AND id > 10042 ORDER BY id ASC"#
        );
        let ordered = Query {
            clause: Clause::True,
            order_by: vec![(Field("created"), true)],
        };
        let mut search = ServerSearch::new(ordered);
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            "project IS NOT EMPTY ORDER BY created DESC, id ASC"
        );
        let issue = serde_json::json!({"id": "10007", "fields": {"created": "2024-01-02T03:04:05.678+0000"}});
        let position = search.position(&issue).unwrap();
        assert_eq!(position, (vec![1704164645678, 10007], 10007));
        search.after = Some(position.clone());
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            "created < 1704164645678 OR (created = 1704164645678 AND id > 10007) ORDER BY created DESC, id ASC"
        );
        // Later in the order: older, or as old with a larger id.
        assert!(search.advances(&position, &(vec![1704164645000, 3], 3)));
        assert!(search.advances(&position, &(vec![1704164645678, 10008], 10008)));
        assert!(!search.advances(&position, &(vec![1704164645678, 10007], 10007)));
        assert!(!search.advances(&position, &(vec![1704164699999, 1], 1)));
        // An issue without the order field cannot be paged past.
        assert!(search
            .position(&serde_json::json!({"id": 5, "fields": {}}))
            .is_err());
    }
}
