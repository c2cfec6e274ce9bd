//! JQL with Jira's semantics: tokenizer, parser, validation against the fake's fields,
//! evaluation against the model and ordering.
//!
//! Other tests use this module directly (e.g. to check how the wrapper's JQL printer output
//! is read by Jira), so its API is public.

mod dates;
mod eval;
mod fields;
mod lexer;
mod order;
mod parser;
mod reserved;
mod search;
#[cfg(test)]
mod tests;
mod text;

pub use dates::DateBound;
pub use eval::{evaluate, unknown_values, validate, EvalContext};
pub use fields::{resolve_field, FieldRef};
pub use lexer::{tokenize, tokenize_spanned, Spanned, Token};
pub use order::sort;
pub use parser::parse;
pub use reserved::{is_reserved, RESERVED_WORDS};
pub use search::{search, SearchError};
pub use text::text_matches;

use std::fmt;

/// A JQL syntax error: Jira's message and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JqlError {
    /// What is wrong, in Jira's words (without the "Error in the JQL Query:" prefix).
    pub message: String,
    /// 1-based character position in the query.
    pub position: usize,
}

impl JqlError {
    /// Creates an error at a 1-based character position.
    pub fn new(message: impl Into<String>, position: usize) -> JqlError {
        JqlError {
            message: message.into(),
            position,
        }
    }

    /// The full message Jira puts in `errorMessages`.
    pub fn jira_message(&self) -> String {
        format!(
            "Error in the JQL Query: {} (line 1, character {})",
            self.message, self.position
        )
    }
}

impl fmt::Display for JqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.jira_message())
    }
}

impl std::error::Error for JqlError {}

/// A parsed query: an optional search clause and the ORDER BY list.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The search restriction; `None` makes the query unbounded.
    pub clause: Option<Clause>,
    /// ORDER BY terms, in order.
    pub order_by: Vec<OrderBy>,
}

/// A boolean search clause.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// All must hold.
    And(Vec<Clause>),
    /// Any must hold.
    Or(Vec<Clause>),
    /// Negation (`NOT` or `!`).
    Not(Box<Clause>),
    /// `field op value`.
    Term {
        /// The field as written (`status`, `cf[10010]`, `Story Points`).
        field: String,
        /// The operator.
        op: Op,
        /// The right-hand side.
        value: Operand,
    },
}

/// A JQL comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    NotEq,
    /// `~`
    Contains,
    /// `!~`
    NotContains,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `IN`
    In,
    /// `NOT IN`
    NotIn,
    /// `IS`
    Is,
    /// `IS NOT`
    IsNot,
}

impl Op {
    /// How Jira names the operator in messages.
    pub fn as_str(&self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "!=",
            Op::Contains => "~",
            Op::NotContains => "!~",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Is => "is",
            Op::IsNot => "is not",
        }
    }
}

/// The right-hand side of a term.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `EMPTY` or `NULL`.
    Empty,
    /// One value.
    Value(Value),
    /// `( v1, v2, ... )`.
    List(Vec<Value>),
}

/// One value of an operand.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A quoted string.
    Str(String),
    /// An unquoted string or number (e.g. `ALPHA-1`, `5`, `-4d`, `1709600000000`).
    Word(String),
    /// A function call such as `currentUser()` or `startOfDay()`.
    Function {
        /// Function name as written.
        name: String,
        /// Arguments as strings.
        args: Vec<String>,
    },
    /// `EMPTY` / `NULL` inside a list.
    Empty,
}

impl Value {
    /// The text of a string value (quoted or not); `None` for functions and EMPTY.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Word(s) => Some(s),
            _ => None,
        }
    }
}

/// One ORDER BY term.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderBy {
    /// The field as written.
    pub field: String,
    /// True for DESC.
    pub descending: bool,
}
