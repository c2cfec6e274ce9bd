//! Searching Server/Data Center ([`SEARCH_V2`](endpoints::SEARCH_V2)): pages by `startAt` with a `total`,
//! taking the `maxResults` Jira applied (it lowers larger ones silently). A scan without a
//! pushed order pages by id instead (`id > last ORDER BY id`), so no offset ever passes the
//! site's result window (10,000 by default, past which Data Center answers 400) and a scan of
//! any size returns every issue once.

use serde_json::{json, Value};

use super::endpoints;
use super::Client;
use crate::error::{Error, Result};
use crate::jql::{Clause, Cmp, Field, Literal, Query};

/// How often a search is asked again after Jira named values or keys that do not exist.
pub(super) const MAX_UNKNOWN_VALUE_RETRIES: usize = 5;

/// One Server/Data Center search in progress.
pub struct ServerSearch {
    query: Query,
    keyset: bool,
    start_at: u64,
    after_id: Option<i64>,
    finished: bool,
}

impl ServerSearch {
    /// A search for `query` from its start.
    pub fn new(query: Query) -> ServerSearch {
        ServerSearch {
            keyset: query.order_by.is_empty(),
            query,
            start_at: 0,
            after_id: None,
            finished: false,
        }
    }

    /// Whether the last page was read.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// The query of the next request: the pushed one, or by id after the last id seen.
    fn next_query(&self) -> Query {
        if !self.keyset {
            return self.query.clone();
        }
        let clause = match self.after_id {
            Some(id) => Clause::And(vec![
                self.query.clause.clone(),
                Clause::Cmp(Field("id"), Cmp::Gt, Literal::Int(id)),
            ]),
            None => self.query.clause.clone(),
        };
        Query {
            clause,
            order_by: vec![(Field("id"), false)],
        }
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
        let mut retries = 0;
        let answer = loop {
            let Some(jql) = self.next_query().to_jql() else {
                self.finished = true;
                return Ok(None);
            };
            let start_at = if self.keyset { 0 } else { self.start_at };
            let body = json!({
                "jql": jql,
                "startAt": start_at,
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
                }) if self.start_at == 0 && retries < MAX_UNKNOWN_VALUE_RETRIES => {
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
        if self.keyset {
            let last = issues
                .last()
                .and_then(|i| i.get("id"))
                .and_then(|id| match id {
                    Value::String(s) => s.parse::<i64>().ok(),
                    other => other.as_i64(),
                });
            match last {
                Some(id) if self.after_id.is_some_and(|before| id <= before) => {
                    return Err(Error::Connection(
                        "Jira's search did not advance by id; stopping to avoid an endless scan"
                            .into(),
                    ))
                }
                Some(id) => self.after_id = Some(id),
                None => self.finished = true,
            }
            // `total` counts what is left after the last id of the request.
            self.finished |= seen == 0 || total.is_some_and(|t| seen >= t);
        } else {
            self.start_at += seen;
            self.finished = seen == 0 || total.is_none_or(|t| self.start_at >= t);
        }
        Ok(Some(issues))
    }
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
    fn unordered_scans_page_by_id() {
        let query = Query {
            clause: Clause::Cmp(Field("project"), Cmp::Eq, Literal::Str("OPS".into())),
            order_by: Vec::new(),
        };
        let mut search = ServerSearch::new(query);
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            r#"project = "OPS" ORDER BY id ASC"#
        );
        search.after_id = Some(10042);
        assert_eq!(
            search.next_query().to_jql().unwrap(),
            r#"project = "OPS" AND id > 10042 ORDER BY id ASC"#
        );
        let ordered = Query {
            clause: Clause::True,
            order_by: vec![(Field("created"), true)],
        };
        let search = ServerSearch::new(ordered.clone());
        assert_eq!(search.next_query(), ordered);
    }
}
