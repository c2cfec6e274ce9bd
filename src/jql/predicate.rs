//! SQL predicates as the planner found them, in a form that can be stored in a plan: columns by
//! name, operands either known at plan time or supplied when the query runs.

use serde::{Deserialize, Serialize};

/// One SQL value of a pushed operand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Scalar {
    /// text, varchar
    Text(String),
    /// smallint, integer, bigint
    Int(i64),
    /// timestamptz as microseconds since 1970-01-01 UTC
    Micros(i64),
    /// date as days since 1970-01-01
    Days(i32),
    /// numeric, as Postgres prints it
    Decimal(String),
}

/// An operand value: NULL, one scalar, or an array (whose elements may be NULL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// SQL NULL
    Null,
    /// A scalar.
    One(Scalar),
    /// An array.
    Many(Vec<Option<Scalar>>),
}

/// An operand: a value known at plan time, or the n-th expression the executor evaluates
/// (a parameter, `now()`, an outer row's column in a nested loop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Arg {
    /// Known when planning.
    Known(Value),
    /// Index into the scan's runtime expressions.
    Runtime(usize),
}

/// SQL comparison operators on a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// The operator with its operands swapped (`const < col` is `col > const`).
    pub fn commuted(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            other => other,
        }
    }
}

/// A predicate on the foreign table's columns (always the column on the left).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Pred {
    /// `a AND b ...`
    And(Vec<Pred>),
    /// `a OR b ...`
    Or(Vec<Pred>),
    /// `NOT a`
    Not(Box<Pred>),
    /// `column op arg`
    Cmp {
        /// Column name.
        column: String,
        /// Operator.
        op: Op,
        /// Operand.
        arg: Arg,
    },
    /// `column = ANY(arg)` (`IN`), or with `negated` `column <> ALL(arg)` (`NOT IN`).
    In {
        /// Column name.
        column: String,
        /// An array operand.
        arg: Arg,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column IS NULL` (`negated`: `IS NOT NULL`).
    IsNull {
        /// Column name.
        column: String,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `arg = ANY(array column)` (one value) or `array column @> arg` (an array).
    Contains {
        /// Array column name.
        column: String,
        /// A scalar or an array operand.
        arg: Arg,
    },
    /// A condition the translation does not understand (never sent).
    Opaque,
    /// `column LIKE arg` / `ILIKE`.
    Like {
        /// Column name.
        column: String,
        /// The pattern.
        arg: Arg,
    },
}

impl Pred {
    /// Every runtime operand index the predicate uses.
    pub fn runtime_args(&self, out: &mut Vec<usize>) {
        match self {
            Pred::And(parts) | Pred::Or(parts) => {
                parts.iter().for_each(|p| p.runtime_args(out));
            }
            Pred::Not(inner) => inner.runtime_args(out),
            Pred::Cmp { arg, .. }
            | Pred::In { arg, .. }
            | Pred::Contains { arg, .. }
            | Pred::Like { arg, .. } => {
                if let Arg::Runtime(i) = arg {
                    out.push(*i);
                }
            }
            Pred::IsNull { .. } | Pred::Opaque => {}
        }
    }
}
