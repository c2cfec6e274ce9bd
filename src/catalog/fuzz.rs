//! Every column reader of every entity, fed arbitrary JSON where it reads and everywhere
//! else: it answers a value or an error, never a panic.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::{Entity, Source};

/// Any JSON value, with the extremes a hostile Jira could send: huge and negative numbers,
/// floats at the limits, long and odd strings, nesting.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just(String::new()),
            Just("2025-13-45T99:99:99.999+9999".to_string()),
            Just("-".repeat(5000)),
            Just("*a ".repeat(2000)),
            Just("{code}".to_string()),
            ".{0,40}",
            "[0-9:T.+-]{0,30}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                ("[a-z]{1,8}|type|content|text|attrs|value|name", inner),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Puts `value` at JSON pointer `pointer` of `item`, making objects on the way.
fn place(item: &mut Value, pointer: &str, value: Value) {
    let mut at = item;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Some(map) = at.as_object_mut() else {
            return;
        };
        if i + 1 == parts.len() {
            map.insert(part.to_string(), value);
            return;
        }
        at = map.entry(part.to_string()).or_insert(Value::Null);
    }
}

/// Where a column reads from, as pointers into an item.
fn pointers(column: &super::Column) -> Vec<String> {
    match column.source {
        Source::Pointer("") => Vec::new(),
        Source::Pointer(p) | Source::RichText(p) => vec![p.to_string()],
        Source::Custom(id, _) => vec![format!("/fields/{id}")],
        _ => column
            .fields
            .iter()
            .map(|f| format!("/fields/{f}"))
            .chain(["/id", "/key", "/self"].map(str::to_string))
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn readers_never_panic(value in any_json(), whole in any_json()) {
        for entity in Entity::all() {
            for column in entity.columns() {
                // The arbitrary value where the column reads, in an otherwise arbitrary item...
                let mut item = whole.clone();
                for pointer in pointers(column) {
                    place(&mut item, &pointer, value.clone());
                }
                let _ = column.read(&item);
                // ... and the arbitrary value as the whole item.
                let _ = column.read(&value);
            }
        }
    }
}
