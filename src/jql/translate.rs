//! SQL predicates to JQL clauses, each marked exact or superset.
//!
//! A pushed predicate must never drop a row SQL would return. Per rule (see
//! [`crate::catalog::Rule`]):
//!
//! | rule | exact | superset | kept local |
//! |---|---|---|---|
//! | Named (status, project, ...) | `IS [NOT] NULL` when the field can be empty | `=`, `IN` (Jira's `=` is case-insensitive) | `<>`, `NOT IN`, ranges |
//! | Account (assignee, ...) | `=`, `<>`, `IN`, `NOT IN`, `IS [NOT] NULL` | | ranges |
//! | Timestamp | `=`, `<`, `<=`, `>`, `>=` as epoch milliseconds, `IS [NOT] NULL` | | `<>`, `IN` |
//! | Date | `=`, `<`, `<=`, `>`, `>=` as `"yyyy-MM-dd"`, `IS [NOT] NULL` | | `<>`, `IN` |
//! | Names (labels, ...) | `= '{}'` (`IS EMPTY`) | `'x' = ANY(col)`, `col @> ARRAY[...]` | the rest |
//! | Text (summary) | | `=` and `[I]LIKE` as `~` on guaranteed whole words | the rest |
//! | Id | `<`, `<=`, `>`, `>=` | | `=`/`IN` below the top level |
//! | Jql | `jql = '...'` | | |
//!
//! `AND` pushes its pushable parts (exact when all parts are exact); `OR` only when every branch
//! is pushable; `NOT` only over an exact clause, and then as a superset (SQL's NULL makes
//! `NOT` drop rows Jira keeps).

use chrono::NaiveDate;

use super::predicate::{Arg, Op, Pred, Scalar, Value};
use super::text::{like_words, value_words};
use super::{Clause, Cmp, Field, Literal};
use crate::catalog::{Entity, Rule};

/// An operand as the translation sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// The value.
    Value(Value),
    /// Not known yet (EXPLAIN before execution): how to show the expression.
    Placeholder(String),
}

/// What is sent to Jira for conditions on a column with `rule` (and `order`, its ORDER BY
/// field), in words: the column comments IMPORT FOREIGN SCHEMA writes. Follows [`classify`].
pub fn pushdown_summary(rule: Rule, order: Option<&str>) -> String {
    let nullable = |yes: bool| if yes { "; IS [NOT] NULL exact" } else { "" };
    let mut out = match rule {
        Rule::None => "not pushed down: conditions are evaluated by Postgres".to_string(),
        Rule::Key => "top-level = and IN fetch by key (issue/bulkfetch), rechecked".to_string(),
        Rule::Id => "top-level = and IN fetch by id; <, <=, >, >= as JQL id, exact".to_string(),
        Rule::Named { field, nullable: n } => format!(
            "= and IN as JQL {field}, a superset (Jira ignores case), rechecked{}",
            nullable(n)
        ),
        Rule::Account(field) => {
            format!("=, <>, IN, NOT IN, IS [NOT] NULL as JQL {field}, exact")
        }
        Rule::Timestamp { field, nullable: n } => format!(
            "=, <, <=, >, >= as JQL {field} in epoch milliseconds, exact{}",
            nullable(n)
        ),
        Rule::Date(field) => {
            format!("=, <, <=, >, >= as JQL {field} \"yyyy-MM-dd\", exact; IS [NOT] NULL exact")
        }
        Rule::Names(field) => format!(
            "= ANY and @> as JQL {field}, a superset, rechecked; = '{{}}' as IS EMPTY, exact"
        ),
        Rule::Number(field) => format!(
            "=, IN, <, <=, >, >= as JQL {field} (strict bounds widened), a superset, rechecked; IS [NOT] NULL exact"
        ),
        Rule::Text(field) => format!(
            "=, LIKE, ILIKE as JQL {field} ~ on the whole words they guarantee, a superset, rechecked"
        ),
        Rule::Jql => "jql = '...' is ANDed into the JQL as written".to_string(),
        Rule::Parent => "top-level = and IN (and joins) choose the parents to read".to_string(),
        Rule::UpdatedSince => {
            ">=, >, = read only the worklogs updated since (worklog/updated), rechecked".to_string()
        }
    };
    if let Some(field) = order {
        out.push_str(&format!("; ORDER BY as JQL ORDER BY {field}"));
    }
    out
}

fn rule(entity: Entity, column: &str) -> Rule {
    entity.column(column).map(|c| c.rule).unwrap_or(Rule::None)
}

/// Whether `pred` can be sent to Jira inside a JQL query: `Some(true)` when Jira returns exactly
/// the rows SQL would, `Some(false)` when it returns a superset (the predicate is rechecked
/// locally), `None` when it cannot be sent.
pub fn classify(entity: Entity, pred: &Pred) -> Option<bool> {
    match pred {
        Pred::And(parts) => {
            let classes: Vec<Option<bool>> = parts.iter().map(|p| classify(entity, p)).collect();
            if classes.iter().all(Option::is_none) {
                return None;
            }
            Some(classes.iter().all(|c| *c == Some(true)))
        }
        Pred::Or(parts) => {
            let mut exact = true;
            for p in parts {
                exact &= classify(entity, p)?;
            }
            Some(exact)
        }
        Pred::Not(inner) => match classify(entity, inner) {
            Some(true) => Some(false),
            _ => None,
        },
        Pred::Cmp { column, op, .. } => match (rule(entity, column), op) {
            (Rule::Named { .. }, Op::Eq) => Some(false),
            (Rule::Number(_), op) if *op != Op::Ne => Some(false),
            (Rule::Account(_), Op::Eq | Op::Ne) => Some(true),
            (Rule::Timestamp { .. } | Rule::Date(_), op) if *op != Op::Ne => Some(true),
            (Rule::Id, Op::Lt | Op::Le | Op::Gt | Op::Ge) => Some(true),
            (Rule::Text(_), Op::Eq) => Some(false),
            (Rule::Jql, Op::Eq) => Some(true),
            // `labels = '{}'`; other array equalities are not pushed (see `build`).
            (Rule::Names(_), Op::Eq) => Some(true),
            _ => None,
        },
        Pred::In {
            column, negated, ..
        } => match (rule(entity, column), negated) {
            (Rule::Named { .. } | Rule::Number(_), false) => Some(false),
            (Rule::Account(_), _) => Some(true),
            _ => None,
        },
        Pred::IsNull { column, .. } => match rule(entity, column) {
            Rule::Named { nullable: true, .. }
            | Rule::Timestamp { nullable: true, .. }
            | Rule::Account(_)
            | Rule::Number(_)
            | Rule::Date(_) => Some(true),
            _ => None,
        },
        Pred::Contains { column, .. } => match rule(entity, column) {
            Rule::Names(_) => Some(false),
            _ => None,
        },
        Pred::Like { column, .. } => match rule(entity, column) {
            Rule::Text(_) => Some(false),
            _ => None,
        },
        Pred::Opaque => None,
    }
}

/// The JQL clause for a predicate that [`classify`] accepted (parts it rejected are left out,
/// which only widens an `AND`). `resolve` gives operand values.
pub fn build(entity: Entity, pred: &Pred, resolve: &dyn Fn(&Arg) -> Resolved) -> Clause {
    match pred {
        Pred::And(parts) => Clause::And(
            parts
                .iter()
                .filter(|p| classify(entity, p).is_some())
                .map(|p| build(entity, p, resolve))
                .collect(),
        ),
        Pred::Or(parts) => Clause::Or(parts.iter().map(|p| build(entity, p, resolve)).collect()),
        Pred::Not(inner) => Clause::Not(Box::new(build(entity, inner, resolve))),
        Pred::Cmp { column, op, arg } => {
            let rule = rule(entity, column);
            let shown = placeholder(rule, jql_cmp(*op), None);
            leaf(rule, resolve(arg), shown, |rule, value| {
                cmp(rule, *op, value)
            })
        }
        Pred::In {
            column,
            arg,
            negated,
        } => {
            let rule = rule(entity, column);
            let shown = placeholder(rule, Cmp::Eq, Some(*negated));
            leaf(rule, resolve(arg), shown, |rule, value| {
                in_list(rule, value, *negated)
            })
        }
        Pred::IsNull { column, negated } => match field_of(rule(entity, column)) {
            Some(field) => Clause::Empty {
                field,
                negated: *negated,
            },
            None => Clause::True,
        },
        Pred::Contains { column, arg } => {
            let rule = rule(entity, column);
            leaf(
                rule,
                resolve(arg),
                placeholder(rule, Cmp::Eq, None),
                contains,
            )
        }
        Pred::Opaque => Clause::True,
        Pred::Like { column, arg } => {
            let rule = rule(entity, column);
            let shown = placeholder(rule, Cmp::Contains, None);
            leaf(rule, resolve(arg), shown, |rule, value| {
                match (rule, value) {
                    (Rule::Text(f), Value::One(Scalar::Text(p))) => words(Field(f), like_words(&p)),
                    (_, Value::Null) => Clause::False,
                    _ => Clause::True,
                }
            })
        }
    }
}

fn field_of(rule: Rule) -> Option<Field> {
    match rule {
        Rule::Named { field, .. }
        | Rule::Account(field)
        | Rule::Timestamp { field, .. }
        | Rule::Date(field)
        | Rule::Number(field)
        | Rule::Names(field)
        | Rule::Text(field) => Some(Field(field)),
        Rule::Id => Some(Field("id")),
        Rule::Key => Some(Field("key")),
        Rule::None | Rule::Jql | Rule::Parent | Rule::UpdatedSince => None,
    }
}

/// Applies `f` to a known value; an unknown one becomes `shown(label)` for EXPLAIN.
fn leaf(
    rule: Rule,
    value: Resolved,
    shown: impl FnOnce(String) -> Clause,
    f: impl FnOnce(Rule, Value) -> Clause,
) -> Clause {
    match value {
        Resolved::Value(v) => f(rule, v),
        Resolved::Placeholder(label) => shown(label),
    }
}

/// How EXPLAIN shows a condition on a runtime value: `field op label`, or `field [NOT] IN
/// (label)` for lists (`list`: `Some(negated)`).
fn placeholder(rule: Rule, op: Cmp, list: Option<bool>) -> impl FnOnce(String) -> Clause {
    move |label| {
        let value = Literal::Placeholder(label.clone());
        match (rule, field_of(rule), list) {
            (Rule::Jql, _, _) => Clause::Raw(label),
            (_, None, _) => Clause::True,
            (_, Some(field), Some(negated)) => Clause::In {
                field,
                values: vec![value],
                negated,
            },
            (Rule::Text(_), Some(field), None) => Clause::Cmp(field, Cmp::Contains, value),
            (_, Some(field), None) => Clause::Cmp(field, op, value),
        }
    }
}

fn text_literal(s: &Scalar) -> Literal {
    match s {
        Scalar::Text(t) => Literal::Str(t.clone()),
        Scalar::Int(i) => Literal::Str(i.to_string()),
        Scalar::Micros(m) => Literal::Int(m.div_euclid(1000)),
        Scalar::Days(d) => Literal::Str(date_text(*d)),
        Scalar::Decimal(d) => Literal::Str(d.clone()),
    }
}

/// Whether Jira can read a numeric operand as a number (not `NaN` or an infinity).
fn plain_decimal(scalar: &Scalar) -> bool {
    match scalar {
        Scalar::Int(_) => true,
        Scalar::Decimal(d) => {
            let digits = d.strip_prefix('-').unwrap_or(d);
            !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.chars().filter(|c| *c == '.').count() <= 1
        }
        _ => false,
    }
}

fn date_text(days: i32) -> String {
    NaiveDate::default()
        .checked_add_signed(chrono::TimeDelta::days(days as i64))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn jql_cmp(op: Op) -> Cmp {
    match op {
        Op::Eq => Cmp::Eq,
        Op::Ne => Cmp::Ne,
        Op::Lt => Cmp::Lt,
        Op::Le => Cmp::Le,
        Op::Gt => Cmp::Gt,
        Op::Ge => Cmp::Ge,
    }
}

fn cmp(rule: Rule, op: Op, value: Value) -> Clause {
    let scalar = match value {
        Value::One(s) => s,
        Value::Null => return Clause::False,
        Value::Many(items) => {
            return match (rule, op) {
                (Rule::Names(f), Op::Eq) if items.is_empty() => Clause::Empty {
                    field: Field(f),
                    negated: false,
                },
                // Array equality beyond '{}' is not translated; the qual stays local.
                _ => Clause::True,
            };
        }
    };
    match (rule, scalar) {
        (Rule::Timestamp { field, .. }, Scalar::Micros(us)) => millis(Field(field), op, us),
        (Rule::Text(field), Scalar::Text(t)) => words(Field(field), value_words(&t)),
        (Rule::Jql, Scalar::Text(t)) => Clause::Raw(t),
        (Rule::Id, Scalar::Int(i)) => Clause::Cmp(Field("id"), jql_cmp(op), Literal::Int(i)),
        // Jira compares doubles: rounding can make a strict bound equal, so it is widened.
        (Rule::Number(field), scalar) if plain_decimal(&scalar) => {
            let op = match op {
                Op::Lt => Cmp::Le,
                Op::Gt => Cmp::Ge,
                other => jql_cmp(other),
            };
            Clause::Cmp(Field(field), op, text_literal(&scalar))
        }
        (Rule::Number(_), _) => Clause::True,
        (rule, scalar) => match field_of(rule) {
            Some(field) => Clause::Cmp(field, jql_cmp(op), text_literal(&scalar)),
            None => Clause::True,
        },
    }
}

/// Jira's date-times have millisecond precision, so bounds in microseconds round exactly.
fn millis(field: Field, op: Op, us: i64) -> Clause {
    let floor = us.div_euclid(1000);
    let ceil = floor + i64::from(us.rem_euclid(1000) != 0);
    let c = |cmp, ms| Clause::Cmp(field, cmp, Literal::Int(ms));
    match op {
        Op::Gt => c(Cmp::Gt, floor),
        Op::Ge => c(Cmp::Ge, ceil),
        Op::Lt => c(Cmp::Lt, ceil),
        Op::Le => c(Cmp::Le, floor),
        Op::Eq if floor == ceil => Clause::And(vec![c(Cmp::Ge, floor), c(Cmp::Le, floor)]),
        Op::Eq => Clause::False,
        Op::Ne => Clause::True,
    }
}

fn words(field: Field, words: Vec<String>) -> Clause {
    Clause::And(
        words
            .into_iter()
            .map(|w| Clause::Cmp(field, Cmp::Contains, Literal::Str(w)))
            .collect(),
    )
}

fn in_list(rule: Rule, value: Value, negated: bool) -> Clause {
    let Some(field) = field_of(rule) else {
        return Clause::True;
    };
    let items = match value {
        Value::Many(items) => items,
        Value::One(s) => vec![Some(s)],
        Value::Null => return if negated { Clause::True } else { Clause::False },
    };
    if negated && items.iter().any(Option::is_none) {
        // `x NOT IN (.., NULL)` is never true in SQL.
        return Clause::False;
    }
    if negated && items.is_empty() {
        // `x <> ALL('{}')` is true even for NULL.
        return Clause::True;
    }
    if matches!(rule, Rule::Number(_)) && !items.iter().flatten().all(plain_decimal) {
        return Clause::True;
    }
    Clause::In {
        field,
        values: items.iter().flatten().map(text_literal).collect(),
        negated,
    }
}

fn contains(rule: Rule, value: Value) -> Clause {
    let Some(field) = field_of(rule) else {
        return Clause::True;
    };
    let items = match value {
        Value::One(s) => vec![Some(s)],
        Value::Many(items) => items,
        Value::Null => return Clause::False,
    };
    if items.iter().any(Option::is_none) {
        // NULL elements are never contained.
        return Clause::False;
    }
    Clause::And(
        items
            .iter()
            .flatten()
            .map(|s| Clause::Cmp(field, Cmp::Eq, text_literal(s)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jql::Query;

    fn text(s: &str) -> Arg {
        Arg::Known(Value::One(Scalar::Text(s.into())))
    }

    fn jql(pred: &Pred) -> Option<String> {
        let clause = build(Entity::Issues, pred, &|a| match a {
            Arg::Known(v) => Resolved::Value(v.clone()),
            Arg::Runtime(n) => Resolved::Placeholder(format!("${}", n + 1)),
        });
        Query {
            clause,
            order_by: vec![],
        }
        .to_jql()
    }

    fn cmp(column: &str, op: Op, arg: Arg) -> Pred {
        Pred::Cmp {
            column: column.into(),
            op,
            arg,
        }
    }

    #[test]
    fn numbers_are_supersets_with_strict_bounds_widened() {
        use crate::catalog::custom::{columns, key, CustomField, Kind};
        let story_points = columns(
            &[CustomField {
                id: "customfield_10010".into(),
                number: 10010,
                name: "Story Points".into(),
                kind: Kind::Number,
            }],
            &[],
        );
        // Predicates name custom columns by their definition's key.
        let sp = key(story_points[0]);
        let sp = sp.as_str();
        let n = |d: &str| Arg::Known(Value::One(Scalar::Decimal(d.into())));
        let gt = cmp(sp, Op::Gt, n("2.5"));
        assert_eq!(classify(Entity::Issues, &gt), Some(false));
        assert_eq!(jql(&gt).unwrap(), r#"cf[10010] >= "2.5""#);
        let lt = cmp(sp, Op::Lt, n("-3"));
        assert_eq!(jql(&lt).unwrap(), r#"cf[10010] <= "-3""#);
        let eq = cmp(sp, Op::Eq, n("5"));
        assert_eq!(jql(&eq).unwrap(), r#"cf[10010] = "5""#);
        let ne = cmp(sp, Op::Ne, n("5"));
        assert_eq!(classify(Entity::Issues, &ne), None);
        // NaN and infinities are not numbers to Jira: nothing is sent.
        for odd in ["NaN", "Infinity", "-Infinity", "1e5"] {
            let p = cmp(sp, Op::Lt, n(odd));
            assert_eq!(jql(&p), Some("project IS NOT EMPTY".to_string()), "{odd}");
        }
        let listed = Pred::In {
            column: sp.into(),
            arg: Arg::Known(Value::Many(vec![
                Some(Scalar::Decimal("1".into())),
                Some(Scalar::Decimal("NaN".into())),
            ])),
            negated: false,
        };
        assert_eq!(jql(&listed), Some("project IS NOT EMPTY".to_string()));
    }

    #[test]
    fn case_insensitive_fields_are_supersets_and_never_negated() {
        let eq = cmp("status_name", Op::Eq, text("Done"));
        assert_eq!(classify(Entity::Issues, &eq), Some(false));
        assert_eq!(jql(&eq).unwrap(), r#"status = "Done""#);
        assert_eq!(
            classify(Entity::Issues, &cmp("status_name", Op::Ne, text("Done"))),
            None
        );
        let not_in = Pred::In {
            column: "project_key".into(),
            arg: Arg::Known(Value::Many(vec![])),
            negated: true,
        };
        assert_eq!(classify(Entity::Issues, &not_in), None);
    }

    #[test]
    fn timestamps_round_to_exact_millisecond_bounds() {
        let at = |op, us| cmp("created", op, Arg::Known(Value::One(Scalar::Micros(us))));
        assert_eq!(jql(&at(Op::Ge, 1_500_001)).unwrap(), "created >= 1501");
        assert_eq!(jql(&at(Op::Gt, 1_500_001)).unwrap(), "created > 1500");
        assert_eq!(jql(&at(Op::Lt, 1_500_001)).unwrap(), "created < 1501");
        assert_eq!(jql(&at(Op::Le, 1_500_001)).unwrap(), "created <= 1500");
        assert_eq!(jql(&at(Op::Ge, -1)).unwrap(), "created >= 0");
        assert_eq!(jql(&at(Op::Eq, 1_500_001)), None);
        assert_eq!(
            jql(&at(Op::Eq, 1_500_000)).unwrap(),
            "created >= 1500 AND created <= 1500"
        );
        assert_eq!(classify(Entity::Issues, &at(Op::Ne, 0)), None);
    }

    #[test]
    fn or_needs_every_branch_and_not_needs_exactness() {
        let acct = cmp("assignee_account_id", Op::Eq, text("abc"));
        let desc = cmp("description", Op::Eq, text("x"));
        let or = Pred::Or(vec![acct.clone(), desc.clone()]);
        assert_eq!(classify(Entity::Issues, &or), None);
        let and = Pred::And(vec![acct.clone(), desc]);
        assert_eq!(classify(Entity::Issues, &and), Some(false));
        assert_eq!(jql(&and).unwrap(), r#"assignee = "abc""#);
        let not = Pred::Not(Box::new(acct));
        assert_eq!(classify(Entity::Issues, &not), Some(false));
        assert_eq!(jql(&not).unwrap(), r#"NOT assignee = "abc""#);
        let not_superset = Pred::Not(Box::new(cmp("status_name", Op::Eq, text("x"))));
        assert_eq!(classify(Entity::Issues, &not_superset), None);
    }

    #[test]
    fn null_handling_follows_sql() {
        let not_in = |items: Vec<Option<Scalar>>| Pred::In {
            column: "assignee_account_id".into(),
            arg: Arg::Known(Value::Many(items)),
            negated: true,
        };
        assert_eq!(
            jql(&not_in(vec![Some(Scalar::Text("a".into())), None])),
            None
        );
        assert_eq!(jql(&not_in(vec![])).unwrap(), "project IS NOT EMPTY");
        assert_eq!(
            jql(&not_in(vec![Some(Scalar::Text("a".into()))])).unwrap(),
            r#"assignee != "a""#
        );
        assert_eq!(
            jql(&cmp("status_name", Op::Eq, Arg::Known(Value::Null))),
            None
        );
        let is_null = Pred::IsNull {
            column: "priority_name".into(),
            negated: false,
        };
        assert_eq!(jql(&is_null).unwrap(), "priority IS EMPTY");
        let summary_null = Pred::IsNull {
            column: "summary".into(),
            negated: false,
        };
        assert_eq!(classify(Entity::Issues, &summary_null), None);
    }

    #[test]
    fn arrays_text_dates_ids_and_raw_jql() {
        let labels = Pred::Contains {
            column: "labels".into(),
            arg: Arg::Known(Value::Many(vec![
                Some(Scalar::Text("a".into())),
                Some(Scalar::Text("b\"".into())),
            ])),
        };
        assert_eq!(jql(&labels).unwrap(), r#"labels = "a" AND labels = "b\"""#);
        let empty = cmp("components", Op::Eq, Arg::Known(Value::Many(vec![])));
        assert_eq!(jql(&empty).unwrap(), "component IS EMPTY");
        let like = Pred::Like {
            column: "summary".into(),
            arg: text("% login page%"),
        };
        assert_eq!(jql(&like).unwrap(), r#"summary ~ "login""#);
        let like_nothing = Pred::Like {
            column: "summary".into(),
            arg: text("%oob%"),
        };
        assert_eq!(jql(&like_nothing).unwrap(), "project IS NOT EMPTY");
        let due = cmp(
            "due_date",
            Op::Ge,
            Arg::Known(Value::One(Scalar::Days(19844))),
        );
        assert_eq!(jql(&due).unwrap(), r#"due >= "2024-05-01""#);
        let id = cmp("id", Op::Gt, Arg::Known(Value::One(Scalar::Int(10005))));
        assert_eq!(jql(&id).unwrap(), "id > 10005");
        assert_eq!(jql(&cmp("jql", Op::Eq, text("a = b"))).unwrap(), "(a = b)");
        assert_eq!(
            jql(&cmp("created", Op::Ge, Arg::Runtime(1))).unwrap(),
            "created >= $2"
        );
    }
}

#[cfg(test)]
mod injection {
    use super::*;
    use crate::jql::Query;
    use fake_jira::jql::{parse, Clause as Parsed};
    use proptest::prelude::*;

    fn terms(c: &Parsed) -> usize {
        match c {
            Parsed::And(v) | Parsed::Or(v) => v.iter().map(terms).sum(),
            Parsed::Not(inner) => terms(inner),
            Parsed::Term { .. } => 1,
        }
    }

    proptest! {
        /// Whatever the SQL values, the JQL parses and has exactly the terms the predicates
        /// ask for: no value adds, removes or reorders structure.
        #[test]
        fn values_never_change_the_structure(a in any::<String>(), b in any::<String>()) {
            let text = |s: &str| Arg::Known(Value::One(Scalar::Text(s.to_string())));
            let pred = Pred::And(vec![
                Pred::In {
                    column: "status_name".into(),
                    arg: Arg::Known(Value::Many(vec![
                        Some(Scalar::Text(a.clone())),
                        Some(Scalar::Text(b.clone())),
                    ])),
                    negated: false,
                },
                Pred::Or(vec![
                    Pred::Cmp { column: "assignee_account_id".into(), op: Op::Eq, arg: text(&a) },
                    Pred::Contains { column: "labels".into(), arg: text(&b) },
                ]),
            ]);
            let clause = build(Entity::Issues, &pred, &|arg| match arg {
                Arg::Known(v) => Resolved::Value(v.clone()),
                Arg::Runtime(n) => Resolved::Placeholder(format!("${}", n + 1)),
            });
            let jql = Query { clause, order_by: vec![] }.to_jql().expect("a query");
            let parsed = parse(&jql).expect("JQL built from any values parses");
            prop_assert!(parsed.order_by.is_empty());
            let clause = parsed.clause.expect("a clause");
            prop_assert!(matches!(clause, Parsed::And(ref parts) if parts.len() == 2), "{}", jql);
            // status IN (a, b) (one term even when a = b), assignee = a, labels = b.
            prop_assert_eq!(terms(&clause), 3, "{}", jql);
        }
    }
}
