//! Reading list endpoints: one page at a time, per parent where the entity has parents.

use std::collections::VecDeque;

use futures_util::future::join_all;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::endpoints;
use super::endpoints::{Deployment, Endpoint};
use super::Client;
use super::Pager;
use crate::catalog::{Listing, Parents, Shape, GROUP_MEMBER, PARENT_MEMBER};
use crate::error::{Error, Result};
use crate::jql::{Clause, Query, Strategy};

/// Everything but RFC 3986's unreserved characters is escaped: parent keys in path segments,
/// OAuth 1.0a parameters (RFC 5849 3.6).
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value as one URL path segment, percent-encoded; `None` for the empty segment and the dot
/// segments `.` and `..`, which URL parsing would resolve against the path (so that
/// `issue_key = '..'` turns an issue's comments into the site-wide comment resource). No Jira
/// object has such a key or id.
pub fn segment(value: &str) -> Option<String> {
    if matches!(value, "" | "." | "..") {
        return None;
    }
    Some(utf8_percent_encode(value, UNRESERVED).to_string())
}

/// Items per page asked of paged endpoints.
const PAGE: u64 = 100;
/// Keys per page when enumerating issues (only keys are requested).
const KEY_PAGE: u32 = 1000;

/// The custom field types (the part after the plugin key) whose values are options.
const OPTION_FIELD_TYPES: &[&str] = &[
    "select",
    "multiselect",
    "radiobuttons",
    "multicheckboxes",
    "cascadingselect",
];

/// Where a listing stands.
#[derive(Default)]
pub struct ListingState {
    queue: Option<VecDeque<String>>,
    start_at: u64,
    finished: bool,
}

/// Every child of one parent (all pages), each tagged with the parent's key; none when the
/// parent does not exist.
async fn children(client: &Client, path: &str, shape: Shape, parent: &str) -> Result<Vec<Value>> {
    let Some(segment) = segment(parent) else {
        return Ok(Vec::new());
    };
    let url = endpoints::with_parent(path, &segment);
    let mut all = Vec::new();
    let mut start_at = 0;
    loop {
        match fetch(client, &url, shape, start_at).await {
            Err(Error::Jira { status: 404, .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
            Ok((mut items, more)) => {
                start_at += items.len() as u64;
                for item in &mut items {
                    if let Value::Object(map) = item {
                        map.insert(PARENT_MEMBER.into(), Value::String(parent.to_string()));
                    }
                }
                all.extend(items);
                if !more {
                    return Ok(all);
                }
            }
        }
    }
}

impl ListingState {
    /// The next page of items, `None` after the last one.
    pub async fn next_page(
        &mut self,
        client: &Client,
        listing: Listing,
        parents: &Option<Vec<String>>,
        parent_query: Option<&Query>,
        concurrency: usize,
    ) -> Result<Option<Vec<Value>>> {
        if self.finished {
            return Ok(None);
        }
        match listing {
            Listing::Issues => Ok(None),
            Listing::List {
                path: endpoint,
                shape,
            } => {
                let (path, shape) = resolve(client, endpoint, shape).await?;
                let (mut items, more) = fetch(client, path, shape, self.start_at).await?;
                endpoint.restate(client.deployment().await?, &mut items);
                self.start_at += items.len() as u64;
                self.finished = !more;
                Ok(Some(items))
            }
            Listing::PerParent {
                parents: source, ..
            }
            | Listing::Nested {
                parents: source, ..
            } => {
                if self.queue.is_none() {
                    self.queue = Some(match parents {
                        Some(p) => p.iter().cloned().collect(),
                        None => enumerate(client, source, parent_query).await?.into(),
                    });
                }
                // The children of several parents are read at once, each parent's pages in turn.
                let batch: Vec<String> = match self.queue.as_mut() {
                    Some(queue) => {
                        let n = concurrency.clamp(1, queue.len().max(1));
                        queue.drain(..n.min(queue.len())).collect()
                    }
                    None => Vec::new(),
                };
                if batch.is_empty() {
                    self.finished = true;
                    return Ok(None);
                }
                let results = join_all(
                    batch
                        .iter()
                        .map(|parent| children_of(client, listing, parent)),
                )
                .await;
                let mut items = Vec::new();
                for result in results {
                    items.extend(result?);
                }
                Ok(Some(items))
            }
        }
    }
}

/// The children of one parent in a per-parent or nested listing.
async fn children_of(client: &Client, listing: Listing, parent: &str) -> Result<Vec<Value>> {
    match listing {
        Listing::PerParent {
            path: endpoint,
            shape,
            ..
        } => {
            let (path, shape) = resolve(client, endpoint, shape).await?;
            let mut items = children(client, path, shape, parent).await?;
            endpoint.restate(client.deployment().await?, &mut items);
            Ok(items)
        }
        Listing::Nested { outer, inner, .. } => {
            let outer = client.path_of(outer).await?;
            let inner = client.path_of(inner).await?;
            let groups = children(client, outer, Shape::Pages("values"), parent).await?;
            let mut all = Vec::new();
            for mut group in groups {
                let id = group.get("id").map(id_text).unwrap_or_default();
                let Some(group_segment) = segment(&id) else {
                    continue;
                };
                let path = inner.replace("{group}", &group_segment);
                let items = match children(client, &path, Shape::Pages("values"), parent).await {
                    // A field named by the query that has no options (not a select list).
                    Err(Error::Jira { status: 400, .. }) => Vec::new(),
                    other => other?,
                };
                if let Value::Object(map) = &mut group {
                    map.remove(PARENT_MEMBER);
                }
                all.extend(items.into_iter().map(|mut item| {
                    if let Value::Object(map) = &mut item {
                        map.insert(GROUP_MEMBER.into(), group.clone());
                    }
                    item
                }));
            }
            Ok(all)
        }
        Listing::Issues | Listing::List { .. } => Ok(Vec::new()),
    }
}

fn with_paging(path: &str, start_at: u64, max: u64) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}startAt={start_at}&maxResults={max}")
}

/// Where `endpoint` lives on the client's site and how it answers there (`cloud`: how Cloud's
/// answers).
async fn resolve(
    client: &Client,
    endpoint: Endpoint,
    cloud: Shape,
) -> Result<(&'static str, Shape)> {
    let deployment = client.deployment().await?;
    Ok((endpoint.on(deployment)?, endpoint.shape(deployment, cloud)))
}

/// `GET path` in Cloud's terms (see [`endpoints::in_cloud_terms`]).
async fn get(client: &Client, path: &str) -> Result<Value> {
    let mut answer = client.get_json(path).await?;
    if client.known_deployment() == Some(Deployment::Server) {
        endpoints::in_cloud_terms(&mut answer);
    }
    Ok(answer)
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
        Shape::Object => Ok((vec![get(client, path).await?], false)),
        Shape::Within(pointer) => {
            let mut answer = get(client, path).await?;
            let items = answer
                .pointer_mut(pointer)
                .map(Value::take)
                .unwrap_or(Value::Array(Vec::new()));
            Ok((array(items, path)?, false))
        }
        Shape::Capped(pointer) => {
            let mut answer = get(client, path).await?;
            let total = answer.get("total").and_then(Value::as_u64);
            let items = answer
                .pointer_mut(pointer)
                .map(Value::take)
                .unwrap_or(Value::Array(Vec::new()));
            let items = array(items, path)?;
            match total {
                Some(total) if total > items.len() as u64 => Err(Error::Definition {
                    message: format!(
                        "Jira lists {} of the {total} items of {} at once and has no next page, so they cannot all be read",
                        items.len(),
                        path.split('?').next().unwrap_or(path)
                    ),
                    hint: Some(
                        "An administrator can raise the site's jira.ajax.autocomplete.limit; a table read per parent can still name its parents (group_members WHERE group_id = 'group name')."
                            .into(),
                    ),
                }),
                _ => Ok((items, false)),
            }
        }
        Shape::Array => Ok((array(get(client, path).await?, path)?, false)),
        Shape::ArrayPages => {
            let items = array(get(client, &with_paging(path, start_at, PAGE)).await?, path)?;
            let more = items.len() as u64 == PAGE;
            Ok((items, more))
        }
        Shape::Pages(member) => {
            let mut answer = get(client, &with_paging(path, start_at, PAGE)).await?;
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

/// The keys of the issues `query` finds (every issue when there is none), with the search
/// every issue scan uses.
async fn issue_keys(client: &Client, query: Option<&Query>) -> Result<Vec<String>> {
    let query = query.cloned().unwrap_or(Query {
        clause: Clause::True,
        order_by: Vec::new(),
    });
    let mut pager = Pager::new(Strategy::Search(query), vec!["id".into()], KEY_PAGE);
    let mut keys = Vec::new();
    // Boxed: a listing's pager reads its parents with a pager.
    while let Some(issues) = Box::pin(pager.next_page(client)).await? {
        keys.extend(
            issues
                .iter()
                .filter_map(|i| i.get("key").and_then(Value::as_str))
                .map(str::to_string),
        );
    }
    Ok(keys)
}

/// Every parent's key or id (issues: those `query` finds).
async fn enumerate(
    client: &Client,
    parents: Parents,
    query: Option<&Query>,
) -> Result<Vec<String>> {
    match parents {
        Parents::Issues => issue_keys(client, query).await,
        Parents::Projects => {
            all_items(client, endpoints::PROJECTS, |p| {
                p.get("key").and_then(Value::as_str).map(str::to_string)
            })
            .await
        }
        Parents::ScrumBoards => scrum_boards(client).await,
        Parents::Boards => all_items(client, endpoints::BOARDS, |b| b.get("id").map(id_text)).await,
        Parents::Groups => {
            all_items(client, endpoints::GROUPS, |g| {
                g.get("groupId").and_then(Value::as_str).map(str::to_string)
            })
            .await
        }
        Parents::OptionFields => {
            let (fields, _) = fetch(
                client,
                client.path_of(endpoints::FIELDS).await?,
                Shape::Array,
                0,
            )
            .await?;
            Ok(fields
                .iter()
                .filter(|f| f.get("custom").and_then(Value::as_bool) == Some(true))
                .filter(|f| {
                    f.pointer("/schema/custom")
                        .and_then(Value::as_str)
                        .and_then(|c| c.rsplit_once(':'))
                        .is_some_and(|(_, kind)| OPTION_FIELD_TYPES.contains(&kind))
                })
                .filter_map(|f| f.get("id").and_then(Value::as_str).map(str::to_string))
                .collect())
        }
        Parents::Sprints => {
            let mut sprints = Vec::new();
            for board in scrum_boards(client).await? {
                let Some(board) = segment(&board) else {
                    continue;
                };
                let (path, shape) =
                    resolve(client, endpoints::BOARD_SPRINTS, Shape::Pages("values")).await?;
                let path = endpoints::with_parent(path, &board);
                let ids = all_items_at(client, &path, shape, |s| s.get("id").map(id_text)).await?;
                sprints.extend(ids);
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
    all_items(client, endpoints::BOARDS, |b| {
        (b.get("type").and_then(Value::as_str) == Some("scrum"))
            .then(|| b.get("id").map(id_text))
            .flatten()
    })
    .await
}

/// Every item of a paged listing (`values` pages on Cloud), picked.
async fn all_items(
    client: &Client,
    endpoint: Endpoint,
    pick: impl Fn(&Value) -> Option<String>,
) -> Result<Vec<String>> {
    let (path, shape) = resolve(client, endpoint, Shape::Pages("values")).await?;
    let deployment = client.deployment().await?;
    all_items_at(client, path, shape, |item| {
        let mut item = [item.clone()];
        endpoint.restate(deployment, &mut item);
        pick(&item[0])
    })
    .await
}

/// Every item of the listing at `path`, picked.
async fn all_items_at(
    client: &Client,
    path: &str,
    shape: Shape,
    pick: impl Fn(&Value) -> Option<String>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut start_at = 0;
    loop {
        let (items, more) = fetch(client, path, shape, start_at).await?;
        start_at += items.len() as u64;
        out.extend(items.iter().filter_map(&pick));
        if !more {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn dot_segments_never_reach_a_path() {
        assert_eq!(segment(".."), None);
        assert_eq!(segment("."), None);
        assert_eq!(segment(""), None);
        assert_eq!(segment("A/../b").as_deref(), Some("A%2F..%2Fb"));
        assert_eq!(segment("OPS-1").as_deref(), Some("OPS-1"));
        assert_eq!(segment("%2e%2e").as_deref(), Some("%252e%252e"));
    }
}
