//! A hostile Jira: while a mode is set (`POST /_fake/hostile`), every answer (the Jira API and
//! the identity parties alike) is rewritten the way a broken proxy, a buggy plugin or an
//! attacker in the middle would: nesting past any parser's depth, numbers past every range,
//! members of the wrong type or missing, invalid UTF-8, strings of megabytes, garbage headers.

use axum::body::{to_bytes, Body};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// How answers are damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The body nested 100,000 arrays deep.
    Deep,
    /// Every integer past u64, every float at f64's limit, and ids beyond bigint.
    HugeNumbers,
    /// Strings become numbers, numbers strings, booleans strings, arrays objects.
    WrongTypes,
    /// Every string value starts with bytes that are not UTF-8.
    InvalidUtf8,
    /// The first long string value becomes 10 MB.
    HugeStrings,
    /// Every other member of every object is missing.
    MissingMembers,
    /// Headers no client should trust: `Retry-After: 1e20`, a nonsense charset, odd cookies.
    GarbageHeaders,
}

/// The hostile setting, as posted to `/_fake/hostile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hostile {
    /// What to do to answers.
    pub mode: Mode,
    /// Leave issue searches alone, so that per-parent tables reach their children's readers.
    #[serde(default)]
    pub spare_search: bool,
}

impl Hostile {
    /// Whether answers to `path` are damaged.
    pub fn applies_to(&self, path: &str) -> bool {
        !(self.spare_search && (path.contains("/search") || path.ends_with("/field")))
    }
}

const HUGE_STRING: usize = 10 * 1024 * 1024;
const HUGE_STRINGS: usize = 1;
const DEPTH: usize = 100_000;
/// Stands for raw bytes the JSON printer cannot write; replaced after printing.
const BAD_UTF8_MARK: &str = "\u{1}BAD\u{1}";
const HUGE_NUMBER_MARK: &str = "\u{1}HUGE\u{1}";

/// The damaged form of `response`.
pub async fn apply(hostile: Hostile, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    if hostile.mode == Mode::GarbageHeaders {
        for (name, value) in [
            ("retry-after", "1e20"),
            ("content-type", "application/json; charset=ebcdic-cp-us"),
            (
                "set-cookie",
                "=; ;;; Path=\\/../; Max-Age=-99999999999999999999",
            ),
            (
                "ratelimit-reason",
                "jira-quota-tenant-based; jira-burst-based",
            ),
            ("x-ratelimit-reset", "9999-99-99T99:99Z"),
            ("x-seraph-loginreason", "OUT"),
        ] {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                parts.headers.insert(n, v);
            }
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let damaged: Vec<u8> = match hostile.mode {
        Mode::Deep => {
            let mut out = "[".repeat(DEPTH).into_bytes();
            out.extend_from_slice(&bytes);
            out.extend_from_slice("]".repeat(DEPTH).as_bytes());
            out
        }
        Mode::HugeNumbers => huge_numbers_text(value).into_bytes(),
        Mode::WrongTypes => printed(&wrong_types(value)).into_bytes(),
        Mode::InvalidUtf8 => {
            let text = printed(&mark_strings(value));
            let mark = printed(&json!(BAD_UTF8_MARK));
            let mark = mark.trim_matches('"');
            let mut out = Vec::with_capacity(text.len());
            for (i, piece) in text.split(mark).enumerate() {
                if i > 0 {
                    out.extend_from_slice(&[0xff, 0xfe, 0xc3]);
                }
                out.extend_from_slice(piece.as_bytes());
            }
            out
        }
        Mode::HugeStrings => {
            let mut left = HUGE_STRINGS;
            printed(&huge_strings(value, &mut left)).into_bytes()
        }
        Mode::MissingMembers => printed(&drop_members(value)).into_bytes(),
        Mode::GarbageHeaders => bytes.to_vec(),
    };
    Response::from_parts(parts, Body::from(damaged))
}

fn printed(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn map_values(value: Value, f: &mut dyn FnMut(Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(|v| map_values(v, f)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, map_values(v, f)))
                .collect::<Map<_, _>>(),
        ),
        leaf => f(leaf),
    }
}

/// The JSON text of `value` with every integer past u64's range.
fn huge_numbers_text(value: Value) -> String {
    printed(&numbers_huge(value)).replace(
        &printed(&json!(HUGE_NUMBER_MARK)),
        "184467440737095516160000",
    )
}

fn numbers_huge(value: Value) -> Value {
    map_values(value, &mut |leaf| match leaf {
        Value::Number(n) if n.is_f64() => json!(-1.797_693_134_862_315_7e308),
        Value::Number(_) => Value::String(HUGE_NUMBER_MARK.into()),
        other => other,
    })
}

fn wrong_types(value: Value) -> Value {
    match value {
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("not a number"),
        Value::Bool(_) => json!("yes"),
        Value::Array(items) => Value::Object(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), wrong_types(v)))
                .collect(),
        ),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, wrong_types(v))).collect())
        }
        Value::Null => json!([]),
    }
}

fn mark_strings(value: Value) -> Value {
    map_values(value, &mut |leaf| match leaf {
        Value::String(s) => Value::String(format!("{BAD_UTF8_MARK}{s}")),
        other => other,
    })
}

fn huge_strings(value: Value, left: &mut usize) -> Value {
    map_values(value, &mut |leaf| match leaf {
        Value::String(s) if *left > 0 && s.len() > 3 => {
            *left -= 1;
            Value::String(s.repeat(HUGE_STRING / s.len() + 1))
        }
        other => other,
    })
}

fn drop_members(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(drop_members).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 0)
                .map(|(_, (k, v))| (k, drop_members(v)))
                .collect(),
        ),
        leaf => leaf,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_damages_as_described() {
        let page = json!({"issues": [{"id": "10001", "key": "A-1", "fields": {"n": 3, "f": 1.5, "ok": true}}], "isLast": true});
        let wrong = wrong_types(page.clone());
        assert_eq!(wrong["issues"]["0"]["id"], json!(12345));
        assert_eq!(wrong["isLast"], json!("yes"));
        let dropped = drop_members(page.clone());
        assert_eq!(dropped.as_object().map(|m| m.len()), Some(1));
        let huge = huge_numbers_text(page.clone());
        assert!(huge.contains("\"n\":184467440737095516160000"), "{huge}");
        let mut left = 1;
        let big = huge_strings(page, &mut left);
        assert!(big["issues"][0]["id"].as_str().unwrap().len() > HUGE_STRING);
        assert!(Hostile {
            mode: Mode::Deep,
            spare_search: true
        }
        .applies_to("/rest/api/3/issue/A-1/comment"));
        assert!(!Hostile {
            mode: Mode::Deep,
            spare_search: true
        }
        .applies_to("/rest/api/3/search/jql"));
    }
}
