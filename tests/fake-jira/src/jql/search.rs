//! A whole search: parse, reject unbounded queries, validate, filter and order.

use super::eval::{evaluate, unknown_values, validate, EvalContext};
use super::order::sort;
use super::{parse, JqlError};

/// Why a search was refused (all are HTTP 400 on Cloud).
#[derive(Clone, Debug, PartialEq)]
pub enum SearchError {
    /// A syntax error.
    Syntax(JqlError),
    /// A query with no search restriction.
    Unbounded,
    /// A semantic error (unknown field, unsupported operator, bad value).
    Invalid(String),
    /// Values that name no existing object of their field (one message per value, in query
    /// order), which Jira refuses instead of matching nothing.
    UnknownValues(Vec<String>),
}

impl SearchError {
    /// Every message Jira puts in `errorMessages`, in order.
    pub fn messages(&self) -> Vec<String> {
        match self {
            SearchError::UnknownValues(m) => m.clone(),
            other => vec![other.message()],
        }
    }

    /// The message Jira puts in `errorMessages` (several are joined by a space).
    pub fn message(&self) -> String {
        match self {
            SearchError::Syntax(e) => e.jira_message(),
            SearchError::Unbounded => {
                "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.".to_string()
            }
            SearchError::Invalid(m) => m.clone(),
            SearchError::UnknownValues(m) => m.join(" "),
        }
    }
}

/// Runs a JQL query over the whole data set; returns matching issue indices in order.
pub fn search(jql: &str, ctx: &EvalContext) -> Result<Vec<usize>, SearchError> {
    let query = parse(jql).map_err(SearchError::Syntax)?;
    let every = super::Clause::And(Vec::new());
    let clause = match &query.clause {
        Some(clause) => clause,
        // Data Center allows unbounded JQL: every issue, in the query's order.
        None if ctx.deployment == crate::Deployment::Server => &every,
        None => return Err(SearchError::Unbounded),
    };
    validate(&query, ctx).map_err(SearchError::Invalid)?;
    let unknown = unknown_values(&query, ctx);
    if !unknown.is_empty() {
        return Err(SearchError::UnknownValues(unknown));
    }
    let mut hits: Vec<usize> = (0..ctx.dataset.issues.len())
        .filter(|&i| {
            !ctx.dataset.issues[i].deleted && evaluate(clause, &ctx.dataset.issues[i], ctx)
        })
        .collect();
    sort(&mut hits, &query.order_by, ctx);
    Ok(hits)
}
