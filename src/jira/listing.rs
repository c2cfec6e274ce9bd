//! Reading list endpoints: one page at a time, per parent where the entity has parents.

use std::collections::VecDeque;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::Client;
use crate::catalog::{Listing, Parents, Shape, PARENT_MEMBER};
use crate::error::{Error, Result};

/// Everything but RFC 3986's unreserved characters is escaped: parent keys in path segments,
/// OAuth 1.0a parameters (RFC 5849 3.6).
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Items per page asked of paged endpoints.
const PAGE: u64 = 100;
/// Keys per page when enumerating issues (only keys are requested).
const KEY_PAGE: u64 = 1000;

/// Where a listing stands.
#[derive(Default)]
pub struct ListingState {
    queue: Option<VecDeque<String>>,
    parent: Option<String>,
    start_at: u64,
    finished: bool,
}

impl ListingState {
    /// The next page of items, `None` after the last one.
    pub async fn next_page(
        &mut self,
        client: &Client,
        listing: Listing,
        parents: &Option<Vec<String>>,
    ) -> Result<Option<Vec<Value>>> {
        if self.finished {
            return Ok(None);
        }
        match listing {
            Listing::Issues => Ok(None),
            Listing::List { path, shape } => {
                let (items, more) = fetch(client, path, shape, self.start_at).await?;
                self.start_at += items.len() as u64;
                self.finished = !more;
                Ok(Some(items))
            }
            Listing::PerParent {
                path,
                shape,
                parents: source,
            } => {
                if self.queue.is_none() {
                    self.queue = Some(match parents {
                        Some(p) => p.iter().cloned().collect(),
                        None => enumerate(client, source).await?.into(),
                    });
                }
                loop {
                    let parent = match &self.parent {
                        Some(p) => p.clone(),
                        None => match self.queue.as_mut().and_then(VecDeque::pop_front) {
                            Some(p) => {
                                self.parent = Some(p.clone());
                                self.start_at = 0;
                                p
                            }
                            None => {
                                self.finished = true;
                                return Ok(None);
                            }
                        },
                    };
                    let segment = utf8_percent_encode(&parent, UNRESERVED).to_string();
                    let url = path.replace("{}", &segment);
                    match fetch(client, &url, shape, self.start_at).await {
                        // A parent that does not exist has no children.
                        Err(Error::Jira { status: 404, .. }) => self.parent = None,
                        Err(e) => return Err(e),
                        Ok((mut items, more)) => {
                            self.start_at += items.len() as u64;
                            if !more {
                                self.parent = None;
                            }
                            for item in &mut items {
                                if let Value::Object(map) = item {
                                    map.insert(PARENT_MEMBER.into(), Value::String(parent.clone()));
                                }
                            }
                            return Ok(Some(items));
                        }
                    }
                }
            }
        }
    }
}

fn with_paging(path: &str, start_at: u64, max: u64) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}startAt={start_at}&maxResults={max}")
}

/// One request: the items and whether more pages follow.
async fn fetch(
    client: &Client,
    path: &str,
    shape: Shape,
    start_at: u64,
) -> Result<(Vec<Value>, bool)> {
    let array = |v: Value, what: &str| match v {
        Value::Array(items) => Ok(items),
        _ => Err(Error::Connection(format!(
            "Jira's answer to {what} is not a list"
        ))),
    };
    match shape {
        Shape::Object => Ok((vec![client.get_json(path).await?], false)),
        Shape::Within(pointer) => {
            let mut answer = client.get_json(path).await?;
            let items = answer
                .pointer_mut(pointer)
                .map(Value::take)
                .unwrap_or(Value::Array(Vec::new()));
            Ok((array(items, path)?, false))
        }
        Shape::Array => Ok((array(client.get_json(path).await?, path)?, false)),
        Shape::ArrayPages => {
            let items = array(
                client.get_json(&with_paging(path, start_at, PAGE)).await?,
                path,
            )?;
            let more = items.len() as u64 == PAGE;
            Ok((items, more))
        }
        Shape::Pages(member) => {
            let mut answer = client.get_json(&with_paging(path, start_at, PAGE)).await?;
            let items = array(
                answer
                    .get_mut(member)
                    .map(Value::take)
                    .unwrap_or(Value::Null),
                path,
            )?;
            let seen = start_at + items.len() as u64;
            let more = !items.is_empty()
                && match (
                    answer.get("isLast").and_then(Value::as_bool),
                    answer.get("total").and_then(Value::as_u64),
                ) {
                    (Some(last), _) => !last,
                    (None, Some(total)) => seen < total,
                    (None, None) => items.len() as u64 == PAGE,
                };
            Ok((items, more))
        }
    }
}

/// Every parent's key or id.
async fn enumerate(client: &Client, parents: Parents) -> Result<Vec<String>> {
    match parents {
        Parents::Issues => {
            let mut keys = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let mut body = json!({"jql": "project IS NOT EMPTY", "fields": ["id"], "maxResults": KEY_PAGE});
                if let Some(t) = &token {
                    body["nextPageToken"] = Value::String(t.clone());
                }
                let answer = client.post_json("/rest/api/3/search/jql", &body).await?;
                if let Some(issues) = answer.get("issues").and_then(Value::as_array) {
                    keys.extend(
                        issues
                            .iter()
                            .filter_map(|i| i.get("key").and_then(Value::as_str))
                            .map(str::to_string),
                    );
                }
                token = answer
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let last = answer
                    .get("isLast")
                    .and_then(Value::as_bool)
                    .unwrap_or(token.is_none());
                if last || token.is_none() {
                    return Ok(keys);
                }
            }
        }
        Parents::Projects => {
            all_items(client, "/rest/api/3/project/search", |p| {
                p.get("key").and_then(Value::as_str).map(str::to_string)
            })
            .await
        }
        Parents::ScrumBoards => scrum_boards(client).await,
        Parents::Boards => {
            all_items(client, "/rest/agile/1.0/board", |b| {
                b.get("id").map(id_text)
            })
            .await
        }
        Parents::Groups => {
            all_items(client, "/rest/api/3/group/bulk", |g| {
                g.get("groupId").and_then(Value::as_str).map(str::to_string)
            })
            .await
        }
        Parents::Sprints => {
            let mut sprints = Vec::new();
            for board in scrum_boards(client).await? {
                let path = format!("/rest/agile/1.0/board/{board}/sprint");
                sprints.extend(all_items(client, &path, |s| s.get("id").map(id_text)).await?);
            }
            Ok(sprints)
        }
    }
}

/// An id as text, whether Jira sent a number or a string.
fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn scrum_boards(client: &Client) -> Result<Vec<String>> {
    all_items(client, "/rest/agile/1.0/board", |b| {
        (b.get("type").and_then(Value::as_str) == Some("scrum"))
            .then(|| b.get("id").map(id_text))
            .flatten()
    })
    .await
}

async fn all_items(
    client: &Client,
    path: &str,
    pick: impl Fn(&Value) -> Option<String>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut start_at = 0;
    loop {
        let (items, more) = fetch(client, path, Shape::Pages("values"), start_at).await?;
        start_at += items.len() as u64;
        out.extend(items.iter().filter_map(&pick));
        if !more {
            return Ok(out);
        }
    }
}
