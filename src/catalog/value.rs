//! Column values as the pure core produces them, and the parsing of Jira's value formats.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use crate::error::{Error, Result};

/// The Postgres types columns can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgType {
    /// `bigint`
    Int8,
    /// `text`
    Text,
    /// `text[]`
    TextArray,
    /// `timestamptz`
    Timestamptz,
    /// `date`
    Date,
    /// `jsonb`
    Jsonb,
    /// `boolean`
    Bool,
    /// `numeric`
    Numeric,
}

impl PgType {
    /// The SQL spelling, for messages and generated DDL.
    pub fn sql_name(self) -> &'static str {
        match self {
            PgType::Int8 => "bigint",
            PgType::Text => "text",
            PgType::TextArray => "text[]",
            PgType::Timestamptz => "timestamp with time zone",
            PgType::Date => "date",
            PgType::Jsonb => "jsonb",
            PgType::Bool => "boolean",
            PgType::Numeric => "numeric",
        }
    }
}

/// One value read from Jira, typed but not yet a Postgres datum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// `bigint`
    Int(i64),
    /// `text`
    Text(String),
    /// `text[]`
    TextArray(Vec<String>),
    /// `timestamptz`, with the offset Jira sent.
    Timestamp(DateTime<FixedOffset>),
    /// `date`
    Date(NaiveDate),
    /// `jsonb`
    Json(Value),
    /// `boolean`
    Bool(bool),
    /// `numeric`, as Jira's decimal text
    Numeric(String),
}

/// A conversion error showing at most the start of the value (it may be megabytes).
pub(crate) fn conversion(column: &str, value: &Value, reason: &str) -> Error {
    let mut shown = value.to_string();
    if shown.len() > 80 {
        let mut end = 80;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push_str("...");
    }
    Error::Conversion {
        column: column.to_string(),
        value: shown,
        reason: reason.to_string(),
    }
}

/// A string (or NULL); numbers are accepted as their decimal text because Jira mixes the two.
pub fn text(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::String(s)) => Ok(Cell::Text(s.clone())),
        Some(Value::Number(n)) => Ok(Cell::Text(n.to_string())),
        Some(v) => Err(conversion(column, v, "expected a string")),
    }
}

/// An integer, given as a JSON number or as a decimal string (Jira's ids are strings).
pub fn int(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Cell::Int)
            .ok_or_else(|| conversion(column, &Value::Number(n.clone()), "not a 64-bit integer")),
        Some(Value::String(s)) => s
            .parse()
            .map(Cell::Int)
            .map_err(|_| conversion(column, &Value::String(s.clone()), "not an integer")),
        Some(v) => Err(conversion(column, v, "expected an integer")),
    }
}

/// A Jira timestamp such as `2019-08-29T12:40:00.000-0700` (offset with or without a colon).
pub fn timestamp(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::String(s)) => DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
            .or_else(|_| DateTime::parse_from_rfc3339(s))
            .map(Cell::Timestamp)
            .map_err(|_| {
                conversion(
                    column,
                    &Value::String(s.clone()),
                    "not a timestamp like 2019-08-29T12:40:00.000-0700",
                )
            }),
        Some(v) => Err(conversion(column, v, "expected a timestamp string")),
    }
}

/// A Jira date `yyyy-MM-dd`.
pub fn date(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Cell::Date)
            .map_err(|_| {
                conversion(
                    column,
                    &Value::String(s.clone()),
                    "not a date like 2024-05-01",
                )
            }),
        Some(v) => Err(conversion(column, v, "expected a date string")),
    }
}

/// An array of objects reduced to one string member each (`components` -> names); a missing
/// array is NULL, an empty one is `{}`.
pub fn names(column: &str, value: Option<&Value>, member: &str) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Object(o) => match o.get(member) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(conversion(column, item, "array element has no name")),
                },
                other => Err(conversion(column, other, "unexpected array element")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Cell::TextArray),
        Some(v) => Err(conversion(column, v, "expected an array")),
    }
}

/// A boolean (or NULL).
pub fn boolean(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::Bool(b)) => Ok(Cell::Bool(*b)),
        Some(v) => Err(conversion(column, v, "expected true or false")),
    }
}

/// Any JSON value as jsonb (absent is NULL).
pub fn json(value: Option<&Value>) -> Result<Cell> {
    Ok(match value {
        None | Some(Value::Null) => Cell::Null,
        Some(v) => Cell::Json(v.clone()),
    })
}

/// Rich text: ADF documents (Cloud) and wiki markup strings (Server/DC, API v2) rendered to
/// plain text.
pub fn rich_text(column: &str, value: Option<&Value>) -> Result<Cell> {
    match value {
        None | Some(Value::Null) => Ok(Cell::Null),
        Some(Value::String(s)) => Ok(Cell::Text(super::wiki::render(s))),
        Some(doc @ Value::Object(_)) => Ok(Cell::Text(super::adf::render(doc))),
        Some(v) => Err(conversion(column, v, "expected a document or a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_keep_their_offset() {
        let Cell::Timestamp(t) =
            timestamp("c", Some(&json!("2019-08-29T12:40:00.123-0700"))).unwrap()
        else {
            panic!("not a timestamp")
        };
        assert_eq!(t.to_rfc3339(), "2019-08-29T12:40:00.123-07:00");
        assert_eq!(t.timestamp_millis(), 1567107600123);
        assert!(timestamp("c", Some(&json!("2019-08-29T12:40:00+05:30"))).is_ok());
        assert!(timestamp("c", Some(&json!("yesterday"))).is_err());
        assert_eq!(timestamp("c", None).unwrap(), Cell::Null);
    }

    #[test]
    fn ints_from_strings_and_numbers() {
        assert_eq!(int("c", Some(&json!("10001"))).unwrap(), Cell::Int(10001));
        assert_eq!(int("c", Some(&json!(3600))).unwrap(), Cell::Int(3600));
        assert!(int("c", Some(&json!("x"))).is_err());
        assert!(int("c", Some(&json!(1.5))).is_err());
    }

    #[test]
    fn arrays_distinguish_empty_from_missing() {
        assert_eq!(
            names("c", Some(&json!([])), "name").unwrap(),
            Cell::TextArray(vec![])
        );
        assert_eq!(names("c", None, "name").unwrap(), Cell::Null);
        assert_eq!(
            names("c", Some(&json!([{"name":"a"},{"name":"é"}])), "name").unwrap(),
            Cell::TextArray(vec!["a".into(), "é".into()])
        );
        assert!(names("c", Some(&json!([{"id":1}])), "name").is_err());
    }

    #[test]
    fn dates_and_rich_text() {
        assert_eq!(
            date("c", Some(&json!("2024-05-01"))).unwrap(),
            Cell::Date(NaiveDate::from_ymd_opt(2024, 5, 1).unwrap())
        );
        assert!(date("c", Some(&json!("01/05/2024"))).is_err());
        assert_eq!(
            rich_text("c", Some(&json!("h1. wiki *markup*"))).unwrap(),
            Cell::Text("wiki markup".into())
        );
    }

    #[test]
    fn conversion_errors_cut_long_values() {
        let long = json!("é".repeat(200));
        let err = date("c", Some(&long)).unwrap_err().to_string();
        assert!(err.len() < 250, "{err}");
    }
}
