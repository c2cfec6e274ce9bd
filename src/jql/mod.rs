//! A small JQL AST and its printer. Every value that reaches Jira goes through [`quote`]; no other
//! code builds JQL text, so no SQL value can change the structure of a query.

mod pushdown;
mod quote;

pub use pushdown::Pushdown;

pub use quote::quote;

use std::fmt::{self, Write};

/// A JQL field name. Only names from the extension's catalog (never user data) become fields, so
/// they are printed as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field(pub &'static str);

/// A literal operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string, always printed quoted.
    Str(String),
    /// An integer, printed bare (ids, epoch milliseconds).
    Int(i64),
}

/// A search clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// All of the clauses.
    And(Vec<Clause>),
    /// Any of the clauses.
    Or(Vec<Clause>),
    /// `field = value`.
    Eq(Field, Value),
    /// `field IN (values...)`.
    In(Field, Vec<Value>),
    /// `field IS EMPTY` (`negated`: `IS NOT EMPTY`).
    Empty { field: Field, negated: bool },
    /// A JQL fragment the user wrote in `WHERE jql = '...'`; printed in parentheses.
    Raw(String),
}

/// A whole query: an optional clause and the ORDER BY.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The restriction; `None` means every issue.
    pub clause: Option<Clause>,
    /// `(field, descending)` pairs.
    pub order_by: Vec<(Field, bool)>,
}

/// Jira Cloud rejects a search without a restriction ("Unbounded JQL queries are not allowed"), so
/// a full scan asks for every issue through a clause that every issue satisfies.
pub const EVERY_ISSUE: Clause = Clause::Empty {
    field: Field("project"),
    negated: true,
};

impl Query {
    /// The JQL text Jira receives: bounded, with every value quoted.
    pub fn to_jql(&self) -> String {
        let mut out = String::new();
        let clause = self.clause.as_ref().unwrap_or(&EVERY_ISSUE);
        // Writing into a String cannot fail.
        let _ = write_clause(&mut out, clause, false);
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
        out
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(&quote(s)),
            Value::Int(i) => write!(f, "{i}"),
        }
    }
}

fn write_clause(out: &mut String, clause: &Clause, nested: bool) -> fmt::Result {
    match clause {
        Clause::And(parts) => write_joined(out, parts, " AND ", nested),
        Clause::Or(parts) => write_joined(out, parts, " OR ", nested),
        Clause::Eq(field, value) => write!(out, "{} = {}", field.0, value),
        Clause::In(field, values) => {
            write!(out, "{} IN (", field.0)?;
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

    #[test]
    fn empty_query_is_bounded() {
        assert_eq!(Query::default().to_jql(), "project IS NOT EMPTY");
    }

    #[test]
    fn and_of_in_and_eq() {
        let q = Query {
            clause: Some(Clause::And(vec![
                Clause::In(
                    Field("project"),
                    vec![Value::Str("SET".into()), Value::Str("A\"B".into())],
                ),
                Clause::Eq(Field("status"), Value::Str("Won't Do".into())),
                Clause::Eq(Field("id"), Value::Int(10001)),
            ])),
            order_by: vec![(Field("key"), false)],
        };
        assert_eq!(
            q.to_jql(),
            r#"project IN ("SET", "A\"B") AND status = "Won\'t Do" AND id = 10001 ORDER BY key ASC"#
        );
    }

    #[test]
    fn nested_or_is_parenthesized() {
        let q = Query {
            clause: Some(Clause::And(vec![
                Clause::Or(vec![
                    Clause::Eq(Field("status"), Value::Str("a".into())),
                    Clause::Eq(Field("status"), Value::Str("b".into())),
                ]),
                Clause::Raw("labels = x".into()),
            ])),
            order_by: vec![],
        };
        assert_eq!(
            q.to_jql(),
            r#"(status = "a" OR status = "b") AND (labels = x)"#
        );
    }
}
