//! Custom fields as typed columns of `issues`: discovered from GET [`FIELDS`](crate::jira::endpoints::FIELDS), named
//! from their display names in snake_case (the field id breaks ties), typed by their schema,
//! and searched in JQL as `cf[NNNNN]` under the same exactness rules as system fields.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::value::{date, names, rich_text, text, timestamp};
use super::{Cell, Column, PgType, Rule, Source, Write};
use crate::error::Result;

/// How a custom field's values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `number` -> numeric
    Number,
    /// `date` -> date
    Date,
    /// `datetime` -> timestamptz
    DateTime,
    /// `string` (text field, textarea as ADF) -> text
    Text,
    /// `option` -> its value as text
    Option,
    /// `array` of options -> their values as text[]
    OptionArray,
    /// `array` of strings (labels, tags) -> text[]
    StringArray,
    /// `user` -> account id
    User,
    /// Anything else -> jsonb
    Other,
}

/// One custom field as `/field` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomField {
    /// `customfield_10010`
    pub id: String,
    /// The numeric id (10010), for `cf[10010]`.
    pub number: u64,
    /// The display name.
    pub name: String,
    /// Its value type.
    pub kind: Kind,
}

thread_local! {
    /// Every custom-field column built in this backend, by its [`key`]: a definition lives as
    /// long as the backend, so a rediscovery of the same fields reuses it instead of allocating
    /// again (memory is bounded by the distinct definitions seen), and predicates, which name
    /// columns by key, find the exact definition they were planned with, whichever server's
    /// fields were discovered since.
    static REGISTRY: RefCell<HashMap<String, &'static Column>> = RefCell::new(HashMap::new());
}

/// The custom-field column whose [`key`] is `key`.
pub fn lookup(key: &str) -> Option<&'static Column> {
    REGISTRY.with(|r| r.borrow().get(key).copied())
}

/// The key of a definition: field id, column name and kind. Two servers may give one field
/// id different types; their columns have different keys.
fn definition_key(id: &str, name: &str, kind: Kind) -> String {
    format!("{id}|{name}|{kind:?}")
}

/// The key a predicate names a column by: the definition for custom fields, the name for the
/// others.
pub fn key(column: &Column) -> String {
    match column.source {
        Source::Custom(id, kind) => definition_key(id, column.name, kind),
        _ => column.name.to_string(),
    }
}

/// The custom fields of a `/field` answer, ordered by id.
pub fn from_field_list(fields: &Value) -> Vec<CustomField> {
    let mut out: Vec<CustomField> = fields
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter(|f| f.get("custom").and_then(Value::as_bool) == Some(true))
        .filter_map(|f| {
            let id = f.get("id")?.as_str()?.to_string();
            let number = id.strip_prefix("customfield_")?.parse().ok()?;
            let schema = f.get("schema");
            let ty = schema.and_then(|s| s.get("type")).and_then(Value::as_str);
            let items = schema.and_then(|s| s.get("items")).and_then(Value::as_str);
            let kind = match (ty, items) {
                (Some("number"), _) => Kind::Number,
                (Some("date"), _) => Kind::Date,
                (Some("datetime"), _) => Kind::DateTime,
                (Some("string"), _) => Kind::Text,
                (Some("option"), _) => Kind::Option,
                (Some("array"), Some("option")) => Kind::OptionArray,
                (Some("array"), Some("string")) => Kind::StringArray,
                (Some("user"), _) => Kind::User,
                _ => Kind::Other,
            };
            Some(CustomField {
                name: f
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&id)
                    .to_string(),
                id,
                number,
                kind,
            })
        })
        .collect();
    out.sort_by_key(|f| f.number);
    out
}

/// A display name in snake_case: `Story Points` -> `story_points`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_string();
    match trimmed.chars().next() {
        None => String::new(),
        Some(c) if c.is_numeric() => format!("cf_{trimmed}"),
        Some(_) => trimmed,
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The columns of custom fields, named so no two columns (nor a system column in `taken`)
/// share a name: a clash gets the field's number appended (`story_points_10017`).
pub fn columns(fields: &[CustomField], taken: &[&str]) -> Vec<&'static Column> {
    let mut used: Vec<String> = taken.iter().map(|t| t.to_string()).collect();
    let mut out = Vec::new();
    for field in fields {
        let base = match snake_case(&field.name) {
            s if s.is_empty() => field.id.clone(),
            s => s,
        };
        let name = if used.contains(&base) {
            format!("{base}_{}", field.number)
        } else {
            base
        };
        used.push(name.clone());
        let interned_key = definition_key(&field.id, &name, field.kind);
        if let Some(column) = lookup(&interned_key) {
            out.push(column);
            continue;
        }
        let clause = leak(format!("cf[{}]", field.number));
        let (ty, rule) = match field.kind {
            Kind::Number => (PgType::Numeric, Rule::Number(clause)),
            Kind::Date => (PgType::Date, Rule::Date(clause)),
            Kind::DateTime => (
                PgType::Timestamptz,
                Rule::Timestamp {
                    field: clause,
                    nullable: true,
                },
            ),
            Kind::Text => (PgType::Text, Rule::Text(clause)),
            Kind::Option => (
                PgType::Text,
                Rule::Named {
                    field: clause,
                    nullable: true,
                },
            ),
            Kind::OptionArray | Kind::StringArray => (PgType::TextArray, Rule::Names(clause)),
            Kind::User => (PgType::Text, Rule::Account(clause)),
            Kind::Other => (PgType::Jsonb, Rule::None),
        };
        let id: &'static str = leak(field.id.clone());
        let column = Column {
            name: leak(name),
            ty,
            fields: Box::leak(Box::new([id])),
            rule,
            order: None,
            source: Source::Custom(id, field.kind),
            write: Write::No,
        };
        let column: &'static Column = Box::leak(Box::new(column));
        REGISTRY.with(|r| r.borrow_mut().insert(interned_key, column));
        out.push(column);
    }
    out
}

/// Reads a custom field's value from an issue.
pub fn read(column: &Column, id: &str, kind: Kind, issue: &Value) -> Result<Cell> {
    let value = issue.get("fields").and_then(|f| f.get(id));
    let name = column.name;
    match kind {
        Kind::Number => match value {
            None | Some(Value::Null) => Ok(Cell::Null),
            Some(Value::Number(n)) => Ok(Cell::Numeric(n.to_string())),
            Some(v) => Err(super::value::conversion(name, v, "expected a number")),
        },
        Kind::Date => date(name, value),
        Kind::DateTime => timestamp(name, value),
        Kind::Text => rich_text(name, value),
        Kind::Option => text(name, value.and_then(|v| v.get("value"))),
        Kind::OptionArray => names(name, value, "value"),
        Kind::StringArray => names(name, value, "name"),
        Kind::User => text(name, value.and_then(|v| v.get("accountId"))),
        Kind::Other => Ok(match value {
            None | Some(Value::Null) => Cell::Null,
            Some(v) => Cell::Json(v.clone()),
        }),
    }
}

/// Every `customfield_*` member of an issue's fields, as one object (the `custom_fields` column).
pub fn all_of(issue: &Value) -> Result<Cell> {
    let Some(fields) = issue.get("fields").and_then(Value::as_object) else {
        return Ok(Cell::Null);
    };
    let custom: Map<String, Value> = fields
        .iter()
        .filter(|(k, _)| k.starts_with("customfield_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Cell::Json(Value::Object(custom)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_snake_case_and_clashes_get_the_id() {
        assert_eq!(snake_case("Story Points"), "story_points");
        assert_eq!(snake_case("  Épica / Nombre (v2) "), "épica_nombre_v2");
        assert_eq!(snake_case("1st Approver"), "cf_1st_approver");
        let fields = from_field_list(&json!([
            {"id": "customfield_10017", "name": "Story points", "custom": true, "schema": {"type": "number"}},
            {"id": "customfield_10010", "name": "Story Points", "custom": true, "schema": {"type": "number"}},
            {"id": "customfield_10011", "name": "Team", "custom": true, "schema": {"type": "option"}},
            {"id": "customfield_10012", "name": "Tags", "custom": true, "schema": {"type": "array", "items": "string"}},
            {"id": "customfield_10020", "name": "Summary", "custom": true, "schema": {"type": "string"}},
            {"id": "summary", "name": "Summary", "custom": false}
        ]));
        assert_eq!(fields.len(), 5);
        assert_eq!(fields[0].id, "customfield_10010");
        let cols = columns(&fields, &["summary", "key"]);
        // Rediscovering the same fields reuses the definitions instead of leaking new ones.
        let again = columns(&fields, &["summary", "key"]);
        assert!(cols.iter().zip(&again).all(|(a, b)| std::ptr::eq(*a, *b)));
        // The same field id with another type (another server's) is another column.
        let other = from_field_list(&json!([
            {"id": "customfield_10010", "name": "Story Points", "custom": true, "schema": {"type": "string"}}
        ]));
        let other = columns(&other, &[]);
        assert_eq!(other[0].ty, PgType::Text);
        assert_eq!(lookup(&key(cols[0])).map(|c| c.ty), Some(PgType::Numeric));
        assert_eq!(lookup(&key(other[0])).map(|c| c.ty), Some(PgType::Text));
        let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            vec![
                "story_points",
                "team",
                "tags",
                "story_points_10017",
                "summary_10020"
            ]
        );
        assert_eq!(cols[0].ty, PgType::Numeric);
        assert_eq!(
            cols[1].rule,
            Rule::Named {
                field: "cf[10011]",
                nullable: true
            }
        );
        assert_eq!(cols[2].ty, PgType::TextArray);
    }

    #[test]
    fn values_are_read_by_kind() {
        let issue = json!({"fields": {
            "customfield_10010": 5.5,
            "customfield_10011": {"value": "Blue", "id": "1"},
            "customfield_10012": ["a", "b"],
            "customfield_10015": {"accountId": "acc-1"},
            "customfield_10099": {"x": 1},
            "summary": "s"
        }});
        let col = |kind| Column {
            name: "c",
            ty: PgType::Text,
            fields: &[],
            rule: Rule::None,
            order: None,
            source: Source::Custom("x", kind),
            write: Write::No,
        };
        assert_eq!(
            read(
                &col(Kind::Number),
                "customfield_10010",
                Kind::Number,
                &issue
            )
            .unwrap(),
            Cell::Numeric("5.5".into())
        );
        assert_eq!(
            read(
                &col(Kind::Option),
                "customfield_10011",
                Kind::Option,
                &issue
            )
            .unwrap(),
            Cell::Text("Blue".into())
        );
        assert_eq!(
            read(
                &col(Kind::StringArray),
                "customfield_10012",
                Kind::StringArray,
                &issue
            )
            .unwrap(),
            Cell::TextArray(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            read(&col(Kind::User), "customfield_10015", Kind::User, &issue).unwrap(),
            Cell::Text("acc-1".into())
        );
        assert_eq!(
            read(&col(Kind::Number), "customfield_404", Kind::Number, &issue).unwrap(),
            Cell::Null
        );
        let Cell::Json(all) = all_of(&issue).unwrap() else {
            panic!()
        };
        assert_eq!(all.as_object().unwrap().len(), 5);
    }
}
