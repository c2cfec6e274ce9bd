//! What a scan sends: decided at plan time from the conjuncts of the WHERE clause, turned into a
//! concrete request when the executor knows every operand.

use serde::{Deserialize, Serialize};

use super::predicate::{Arg, Op, Pred, Scalar, Value};
use super::translate::{build, classify, Resolved};
use super::{Clause, Field, Literal, Query};
use crate::catalog::{Entity, Listing, Rule};

/// How a conjunct of the WHERE clause is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Sent to Jira, which returns exactly the rows SQL would: no local recheck.
    Exact,
    /// Sent to Jira, which returns a superset: rechecked locally.
    Superset,
    /// Evaluated by Postgres only.
    Local,
}

/// The plan's part of a scan: stored in the plan as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanPlan {
    /// Conjuncts on `key` or `id` (`=` or `IN`): the scan fetches these issues by key or id.
    pub keys: Vec<Pred>,
    /// Conjuncts sent as JQL (when there are no keys).
    pub pushed: Vec<Pred>,
    /// ORDER BY as `(column, descending)`.
    pub order_by: Vec<(String, bool)>,
    /// The most rows the query needs, when every conjunct is exact and the order is pushed.
    pub limit: Option<u64>,
    /// The operand of `jql = ...`, echoed in the `jql` column.
    pub jql_echo: Option<Arg>,
    /// Whether the entity is searched with JQL (issues) rather than listed.
    pub jql: bool,
    /// Lower bounds on a worklog's update time (`Rule::UpdatedSince`).
    #[serde(default)]
    pub since: Vec<Pred>,
}

/// How a scan finds its rows, with every value known.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// `search/jql` with this query.
    Search(Query),
    /// `issue/bulkfetch` of these keys or ids (none: no request at all).
    Keys(Vec<String>),
    /// A list endpoint; for per-parent ones, the parents named by the WHERE clause (`None`:
    /// every parent).
    Listing {
        /// The endpoint.
        listing: Listing,
        /// The parents to read.
        parents: Option<Vec<String>>,
        /// For children of issues: the search that lists their issues (from conditions on
        /// the children's `project_key` and `jql` columns).
        parent_query: Option<Query>,
    },
    /// The worklogs updated after this time (epoch ms; a placeholder in EXPLAIN), read with
    /// `/worklog/updated` and `/worklog/list`.
    WorklogsUpdated(Literal),
}

fn is_since_bound(entity: Entity, pred: &Pred) -> bool {
    matches!(pred, Pred::Cmp { column, op: Op::Eq | Op::Ge | Op::Gt, .. }
        if entity.column(column).is_ok_and(|c| c.rule == Rule::UpdatedSince))
}

fn is_key_lookup(entity: Entity, pred: &Pred) -> bool {
    let keyish = |c: &str| {
        matches!(
            entity.column(c).map(|c| c.rule),
            Ok(Rule::Key) | Ok(Rule::Id) | Ok(Rule::Parent)
        )
    };
    match pred {
        Pred::Cmp {
            column, op: Op::Eq, ..
        } => keyish(column),
        Pred::In {
            column,
            negated: false,
            ..
        } => keyish(column),
        _ => false,
    }
}

impl ScanPlan {
    /// Splits the conjuncts (`None`: not translatable) into what is sent and what stays local.
    pub fn new(entity: Entity, conjuncts: &[Option<Pred>]) -> (ScanPlan, Vec<Disposition>) {
        let mut plan = ScanPlan {
            keys: Vec::new(),
            pushed: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            jql_echo: None,
            jql: entity.listing() == Listing::Issues,
            since: Vec::new(),
        };
        let lookups: Vec<bool> = conjuncts
            .iter()
            .map(|c| c.as_ref().is_some_and(|p| is_key_lookup(entity, p)))
            .collect();
        let by_key = lookups.iter().any(|l| *l);
        let mut dispositions = Vec::with_capacity(conjuncts.len());
        for (conjunct, lookup) in conjuncts.iter().zip(lookups) {
            let Some(pred) = conjunct else {
                dispositions.push(Disposition::Local);
                continue;
            };
            if let Pred::Cmp {
                column,
                op: Op::Eq,
                arg,
            } = pred
            {
                if entity.column(column).ok().map(|c| c.rule) == Some(Rule::Jql)
                    && plan.jql_echo.is_none()
                {
                    plan.jql_echo = Some(arg.clone());
                }
            }
            let disposition = if lookup {
                // A key may name a moved issue or differ in case: always rechecked.
                plan.keys.push(pred.clone());
                Disposition::Superset
            } else if by_key {
                // Bulk fetch cannot filter, so everything else is checked locally, except the
                // raw JQL echo, which holds by construction only when sent; keep it local too.
                Disposition::Local
            } else if is_since_bound(entity, pred) {
                // `/worklog/updated` answers "after", at millisecond precision: a superset.
                plan.since.push(pred.clone());
                Disposition::Superset
            } else {
                match classify(entity, pred) {
                    Some(exact) => {
                        plan.pushed.push(pred.clone());
                        if exact {
                            Disposition::Exact
                        } else {
                            Disposition::Superset
                        }
                    }
                    None => Disposition::Local,
                }
            };
            dispositions.push(disposition);
        }
        (plan, dispositions)
    }

    /// Whether the scan searches with JQL (so ORDER BY and LIMIT can be pushed).
    pub fn searches(&self) -> bool {
        self.jql && self.keys.is_empty()
    }

    /// The request, with operands resolved by `resolve`; raw JQL that could widen the other
    /// conditions is refused.
    pub fn strategy(
        &self,
        entity: Entity,
        resolve: &dyn Fn(&Arg) -> Resolved,
    ) -> crate::error::Result<Strategy> {
        let clause = Clause::And(
            self.pushed
                .iter()
                .map(|p| build(entity, p, resolve))
                .collect(),
        );
        clause.check_raw()?;
        if !self.jql {
            let query = Query {
                clause,
                order_by: Vec::new(),
            };
            if self.keys.is_empty() && self.pushed.is_empty() && !self.since.is_empty() {
                return Ok(match self.since_bound(resolve) {
                    Some(since) => Strategy::WorklogsUpdated(since),
                    // Nothing is updated after NULL: no parent to read.
                    None => Strategy::Listing {
                        listing: entity.listing(),
                        parents: Some(Vec::new()),
                        parent_query: None,
                    },
                });
            }
            let excludes_all = query.to_jql().is_none();
            let parents = if !self.keys.is_empty() {
                Some(self.lookup_keys(resolve))
            } else if excludes_all {
                // The conditions exclude every issue.
                Some(Vec::new())
            } else {
                None
            };
            return Ok(Strategy::Listing {
                listing: entity.listing(),
                parents,
                parent_query: (!excludes_all).then_some(query),
            });
        }
        if !self.keys.is_empty() {
            return Ok(Strategy::Keys(self.lookup_keys(resolve)));
        }
        let order_by = self
            .order_by
            .iter()
            .filter_map(|(column, desc)| {
                let field = entity.column(column).ok()?.order?;
                Some((Field(field), *desc))
            })
            .collect();
        Ok(Strategy::Search(Query { clause, order_by }))
    }

    /// The latest of the `since` bounds, in epoch milliseconds, one less so that Jira's
    /// "updated after" includes the bound's own millisecond; `None` for a NULL bound, which
    /// matches no row.
    fn since_bound(&self, resolve: &dyn Fn(&Arg) -> Resolved) -> Option<Literal> {
        let mut latest: Option<i64> = None;
        for pred in &self.since {
            let Pred::Cmp { arg, .. } = pred else {
                continue;
            };
            match resolve(arg) {
                Resolved::Value(Value::One(Scalar::Micros(us))) => {
                    let ms = (us.div_euclid(1000) - 1).max(0);
                    latest = Some(latest.map_or(ms, |l| l.max(ms)));
                }
                Resolved::Placeholder(label) => return Some(Literal::Placeholder(label)),
                // NULL (or a type the column cannot have).
                _ => return None,
            }
        }
        Some(Literal::Int(latest.unwrap_or(0)))
    }

    /// The intersection of the key conjuncts' values.
    fn lookup_keys(&self, resolve: &dyn Fn(&Arg) -> Resolved) -> Vec<String> {
        let mut keys: Option<Vec<String>> = None;
        for pred in &self.keys {
            let (Pred::Cmp { arg, .. } | Pred::In { arg, .. }) = pred else {
                continue;
            };
            let values: Vec<String> = match resolve(arg) {
                Resolved::Value(Value::One(s)) => vec![key_text(&s)],
                Resolved::Value(Value::Many(items)) => {
                    items.iter().flatten().map(key_text).collect()
                }
                Resolved::Value(Value::Null) => Vec::new(),
                Resolved::Placeholder(label) => vec![label],
            };
            let mut unique: Vec<String> = Vec::new();
            for v in values {
                if !unique.contains(&v) {
                    unique.push(v);
                }
            }
            keys = Some(match keys {
                None => unique,
                Some(old) => unique.into_iter().filter(|v| old.contains(v)).collect(),
            });
        }
        keys.unwrap_or_default()
    }
}

fn key_text(s: &Scalar) -> String {
    match s {
        Scalar::Text(t) => t.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Decimal(d) => d.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Arg {
        Arg::Known(Value::One(Scalar::Text(s.into())))
    }

    fn known(a: &Arg) -> Resolved {
        match a {
            Arg::Known(v) => Resolved::Value(v.clone()),
            Arg::Runtime(n) => Resolved::Placeholder(format!("${}", n + 1)),
        }
    }

    fn cmp(column: &str, op: Op, arg: Arg) -> Option<Pred> {
        Some(Pred::Cmp {
            column: column.into(),
            op,
            arg,
        })
    }

    #[test]
    fn conjuncts_are_split_by_exactness() {
        let (plan, d) = ScanPlan::new(
            Entity::Issues,
            &[
                cmp("project_key", Op::Eq, text("SET")),
                cmp("assignee_account_id", Op::Eq, text("abc")),
                None,
                cmp("summary", Op::Ne, text("x")),
            ],
        );
        assert_eq!(
            d,
            vec![
                Disposition::Superset,
                Disposition::Exact,
                Disposition::Local,
                Disposition::Local
            ]
        );
        let Strategy::Search(q) = plan.strategy(Entity::Issues, &known).unwrap() else {
            panic!("expected a search")
        };
        assert_eq!(
            q.to_jql().unwrap(),
            r#"project = "SET" AND assignee = "abc""#
        );
    }

    #[test]
    fn keys_intersect_and_make_the_rest_local() {
        let (plan, d) = ScanPlan::new(
            Entity::Issues,
            &[
                cmp("assignee_account_id", Op::Eq, text("abc")),
                Some(Pred::In {
                    column: "key".into(),
                    arg: Arg::Known(Value::Many(vec![
                        Some(Scalar::Text("A-1".into())),
                        Some(Scalar::Text("A-2".into())),
                        None,
                    ])),
                    negated: false,
                }),
                cmp("key", Op::Eq, text("A-2")),
            ],
        );
        assert_eq!(
            d,
            vec![
                Disposition::Local,
                Disposition::Superset,
                Disposition::Superset
            ]
        );
        assert!(!plan.searches());
        assert_eq!(
            plan.strategy(Entity::Issues, &known).unwrap(),
            Strategy::Keys(vec!["A-2".into()])
        );
    }

    #[test]
    fn order_and_raw_jql() {
        let (mut plan, d) =
            ScanPlan::new(Entity::Issues, &[cmp("jql", Op::Eq, text("labels = x"))]);
        assert_eq!(d, vec![Disposition::Exact]);
        assert_eq!(plan.jql_echo, Some(text("labels = x")));
        plan.order_by = vec![("updated".into(), true), ("created".into(), false)];
        let Strategy::Search(q) = plan.strategy(Entity::Issues, &known).unwrap() else {
            panic!("expected a search")
        };
        assert_eq!(
            q.to_jql().unwrap(),
            "(labels = x) ORDER BY updated DESC, created ASC"
        );
    }
}
