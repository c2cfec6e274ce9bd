//! JQL: a small AST and its printer, the translation of SQL predicates into it, and the choice of
//! how a scan fetches its issues. Every value that reaches Jira goes through [`quote`]; no other
//! code builds JQL text, so no SQL value can change the structure of a query.

mod plan;
mod predicate;
mod quote;
mod raw;
mod text;
mod translate;

pub use plan::{Disposition, ScanPlan, Strategy};
pub use predicate::{Arg, Op, Pred, Scalar, Value};
pub use quote::quote;
pub use translate::{classify, pushdown_summary, Resolved};

use std::fmt::{self, Write};

/// A JQL field name. Only names from the extension's catalog (never user data) become fields, so
/// they are printed as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field(pub &'static str);

/// A literal operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A string, always printed quoted.
    Str(String),
    /// An integer, printed bare (ids, epoch milliseconds).
    Int(i64),
    /// A value known only when the query runs, as EXPLAIN shows it.
    Placeholder(String),
}

/// JQL comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `~` (text search)
    Contains,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Contains => "~",
        }
    }
}

/// A search clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// Every issue (no restriction).
    True,
    /// No issue: the scan makes no request.
    False,
    /// All of the clauses.
    And(Vec<Clause>),
    /// Any of the clauses.
    Or(Vec<Clause>),
    /// Not the clause.
    Not(Box<Clause>),
    /// `field op value`.
    Cmp(Field, Cmp, Literal),
    /// `field IN (values...)` or `field NOT IN (values...)`.
    In {
        /// The field.
        field: Field,
        /// The values.
        values: Vec<Literal>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `field IS EMPTY` (`negated`: `IS NOT EMPTY`).
    Empty {
        /// The field.
        field: Field,
        /// `IS NOT EMPTY`.
        negated: bool,
    },
    /// A JQL fragment the user wrote in `WHERE jql = '...'`; printed in parentheses.
    Raw(String),
}

/// A whole query: a clause and the ORDER BY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The restriction.
    pub clause: Clause,
    /// `(field, descending)` pairs.
    pub order_by: Vec<(Field, bool)>,
}

/// Jira Cloud rejects a search without a restriction ("Unbounded JQL queries are not allowed"), so
/// a search for every issue uses a clause that every issue satisfies.
pub const EVERY_ISSUE: Clause = Clause::Empty {
    field: Field("project"),
    negated: true,
};

impl Clause {
    /// Refuses raw JQL fragments that could escape their parentheses (see [`raw`]).
    pub fn check_raw(&self) -> crate::error::Result<()> {
        match self {
            Clause::And(parts) | Clause::Or(parts) => parts.iter().try_for_each(Clause::check_raw),
            Clause::Not(inner) => inner.check_raw(),
            Clause::Raw(text) => raw::check(text),
            _ => Ok(()),
        }
    }

    /// The same condition with constants folded: no `True`/`False` inside, nested `And`/`Or`
    /// flattened, empty `IN` lists resolved.
    pub fn simplify(self) -> Clause {
        match self {
            Clause::And(parts) => {
                let mut out = Vec::new();
                for part in parts.into_iter().map(Clause::simplify) {
                    match part {
                        Clause::True => {}
                        Clause::False => return Clause::False,
                        Clause::And(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
                match out.len() {
                    0 => Clause::True,
                    1 => out.remove(0),
                    _ => Clause::And(out),
                }
            }
            Clause::Or(parts) => {
                let mut out = Vec::new();
                for part in parts.into_iter().map(Clause::simplify) {
                    match part {
                        Clause::False => {}
                        Clause::True => return Clause::True,
                        Clause::Or(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
                match out.len() {
                    0 => Clause::False,
                    1 => out.remove(0),
                    _ => Clause::Or(out),
                }
            }
            Clause::Not(inner) => match inner.simplify() {
                Clause::True => Clause::False,
                Clause::False => Clause::True,
                other => Clause::Not(Box::new(other)),
            },
            Clause::In {
                field,
                mut values,
                negated,
            } => {
                values.dedup();
                match (values.len(), negated) {
                    (0, false) => Clause::False,
                    // Jira's NOT IN never matches an empty field.
                    (0, true) => Clause::Empty {
                        field,
                        negated: true,
                    },
                    (1, _) => Clause::Cmp(
                        field,
                        if negated { Cmp::Ne } else { Cmp::Eq },
                        values.remove(0),
                    ),
                    _ => Clause::In {
                        field,
                        values,
                        negated,
                    },
                }
            }
            other => other,
        }
    }

    /// Rewrites the clause for a `value` that Jira says does not exist for `field`: no issue
    /// has it, so `= value` matches nothing, `!= value` every non-empty field, and the value
    /// drops out of `IN` lists. Returns whether anything changed.
    pub fn forget_value(&mut self, field: &str, value: &str) -> bool {
        let named = |f: &Field| f.0.eq_ignore_ascii_case(field);
        let is_value = |l: &Literal| {
            matches!(l, Literal::Str(s) if s == value)
                || matches!(l, Literal::Int(i) if i.to_string() == value)
        };
        match self {
            Clause::And(parts) | Clause::Or(parts) => {
                let mut changed = false;
                for p in parts {
                    changed |= p.forget_value(field, value);
                }
                changed
            }
            Clause::Not(inner) => inner.forget_value(field, value),
            Clause::Cmp(f, op @ (Cmp::Eq | Cmp::Ne), l) if named(f) && is_value(l) => {
                *self = if *op == Cmp::Eq {
                    Clause::False
                } else {
                    Clause::Empty {
                        field: *f,
                        negated: true,
                    }
                };
                true
            }
            Clause::In {
                field: f, values, ..
            } if named(f) => {
                let before = values.len();
                values.retain(|l| !is_value(l));
                before != values.len()
            }
            _ => false,
        }
    }
}

impl Query {
    /// The JQL text Jira receives: bounded, every value quoted. `None` when the query matches
    /// no issue, so no request is needed.
    pub fn to_jql(&self) -> Option<String> {
        let clause = match self.clause.clone().simplify() {
            Clause::False => return None,
            Clause::True => EVERY_ISSUE,
            other => other,
        };
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = write_clause(&mut out, &clause, false);
        if !self.order_by.is_empty() {
            out.push_str(" ORDER BY ");
            for (i, (field, desc)) in self.order_by.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(field.0);
                out.push_str(if *desc { " DESC" } else { " ASC" });
            }
        }
        Some(out)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(&quote(s)),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Placeholder(label) => f.write_str(label),
        }
    }
}

fn write_clause(out: &mut String, clause: &Clause, nested: bool) -> fmt::Result {
    match clause {
        // Only reachable inside a clause that was not simplified.
        Clause::True => write_clause(out, &EVERY_ISSUE, nested),
        Clause::False => out.write_str("project IS EMPTY"),
        Clause::And(parts) => write_joined(out, parts, " AND ", nested),
        Clause::Or(parts) => write_joined(out, parts, " OR ", nested),
        Clause::Not(inner) => {
            out.push_str("NOT ");
            write_clause(out, inner, true)
        }
        Clause::Cmp(field, op, value) => write!(out, "{} {} {}", field.0, op.symbol(), value),
        Clause::In {
            field,
            values,
            negated,
        } => {
            let not = if *negated { "NOT " } else { "" };
            write!(out, "{} {not}IN (", field.0)?;
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write!(out, "{v}")?;
            }
            out.push(')');
            Ok(())
        }
        Clause::Empty { field, negated } => {
            let not = if *negated { "NOT " } else { "" };
            write!(out, "{} IS {not}EMPTY", field.0)
        }
        Clause::Raw(text) => write!(out, "({text})"),
    }
}

fn write_joined(out: &mut String, parts: &[Clause], sep: &str, nested: bool) -> fmt::Result {
    if parts.len() == 1 {
        return write_clause(out, &parts[0], nested);
    }
    if nested {
        out.push('(');
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write_clause(out, part, true)?;
    }
    if nested {
        out.push(')');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Literal {
        Literal::Str(v.into())
    }

    fn query(clause: Clause) -> Query {
        Query {
            clause,
            order_by: vec![],
        }
    }

    #[test]
    fn no_restriction_is_bounded_and_false_needs_no_request() {
        assert_eq!(
            query(Clause::True).to_jql().as_deref(),
            Some("project IS NOT EMPTY")
        );
        assert_eq!(query(Clause::False).to_jql(), None);
        assert_eq!(
            query(Clause::And(vec![Clause::True, Clause::False])).to_jql(),
            None
        );
    }

    #[test]
    fn prints_every_shape() {
        let q = Query {
            clause: Clause::And(vec![
                Clause::In {
                    field: Field("project"),
                    values: vec![s("SET"), s("A\"B")],
                    negated: false,
                },
                Clause::Cmp(Field("status"), Cmp::Eq, s("Won't Do")),
                Clause::Cmp(Field("id"), Cmp::Ge, Literal::Int(10001)),
                Clause::Or(vec![
                    Clause::Cmp(Field("summary"), Cmp::Contains, s("login")),
                    Clause::Not(Box::new(Clause::Empty {
                        field: Field("priority"),
                        negated: false,
                    })),
                ]),
                Clause::In {
                    field: Field("assignee"),
                    values: vec![s("a"), s("b")],
                    negated: true,
                },
                Clause::Cmp(Field("created"), Cmp::Lt, Literal::Placeholder("$1".into())),
            ]),
            order_by: vec![(Field("updated"), true), (Field("created"), false)],
        };
        assert_eq!(
            q.to_jql().unwrap(),
            r#"project IN ("SET", "A\"B") AND status = "Won\'t Do" AND id >= 10001 AND (summary ~ "login" OR NOT priority IS EMPTY) AND assignee NOT IN ("a", "b") AND created < $1 ORDER BY updated DESC, created ASC"#
        );
    }

    #[test]
    fn simplify_folds_constants_and_lists() {
        let c = Clause::Or(vec![
            Clause::False,
            Clause::And(vec![
                Clause::True,
                Clause::In {
                    field: Field("status"),
                    values: vec![s("x")],
                    negated: false,
                },
            ]),
        ]);
        assert_eq!(c.simplify(), Clause::Cmp(Field("status"), Cmp::Eq, s("x")));
        let empty_not_in = Clause::In {
            field: Field("assignee"),
            values: vec![],
            negated: true,
        };
        assert_eq!(
            empty_not_in.simplify(),
            Clause::Empty {
                field: Field("assignee"),
                negated: true
            }
        );
        assert_eq!(
            Clause::Not(Box::new(Clause::True)).simplify(),
            Clause::False
        );
    }

    #[test]
    fn unknown_values_are_forgotten() {
        let mut c = Clause::And(vec![
            Clause::In {
                field: Field("status"),
                values: vec![s("Done"), s("Nope")],
                negated: false,
            },
            Clause::Or(vec![
                Clause::Cmp(Field("priority"), Cmp::Eq, s("Nope")),
                Clause::Cmp(Field("priority"), Cmp::Ne, s("Nope")),
            ]),
        ]);
        assert!(c.forget_value("status", "Nope"));
        assert!(c.forget_value("PRIORITY", "Nope"));
        assert!(!c.forget_value("status", "Nope"));
        assert_eq!(
            query(c).to_jql().unwrap(),
            r#"status = "Done" AND priority IS NOT EMPTY"#
        );
    }
}
