//! Small helpers every authentication party of the fake shares: random secrets, reading
//! credentials out of headers and bodies, and escaping text into HTML.

use axum::http::{header, HeaderMap};
use base64::Engine;
use rand::Rng;
use serde_json::Value;
use std::collections::HashMap;

/// A fresh unguessable secret (`prefix` + 32 hex digits), so tokens, codes and session ids
/// can never be predicted or collide between parties.
pub fn random_secret(prefix: &str) -> String {
    let n: u128 = rand::rng().random();
    format!("{prefix}{n:032x}")
}

/// The credentials of an `Authorization` header with the given scheme (case-insensitive),
/// trimmed; `None` when the header is absent, unreadable or of another scheme.
pub fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest.trim())
}

/// The bearer token of a request, if it sent one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    authorization(headers, "bearer")
}

/// The `(user, secret)` of a Basic `Authorization` header, if it is well-formed.
pub fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let b64 = authorization(headers, "basic")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, secret) = text.split_once(':')?;
    Some((user.to_string(), secret.to_string()))
}

/// The value of cookie `name` among all `Cookie` headers, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// Whether the request body is declared as an HTML form.
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// The string fields of a form-encoded or JSON object body (numbers and booleans as text),
/// because OAuth, Okta and Crowd clients send either; `None` when the body is neither.
pub fn body_fields(headers: &HeaderMap, body: &[u8]) -> Option<HashMap<String, String>> {
    if is_form(headers) {
        return serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()
            .map(|pairs| pairs.into_iter().collect());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(
            map.into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    Value::Number(n) => Some((k, n.to_string())),
                    Value::Bool(b) => Some((k, b.to_string())),
                    _ => None,
                })
                .collect(),
        ),
        // A body that is not JSON may still be a form sent without its content type.
        _ => serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()
            .filter(|pairs| !pairs.is_empty() && pairs.iter().any(|(_, v)| !v.is_empty()))
            .map(|pairs| pairs.into_iter().collect()),
    }
}

/// Escapes text for an HTML attribute or element, so values echoed into the SSO pages
/// (a RelayState URL, a user name) cannot break the markup.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A UTC time `seconds_ahead` from now as Okta writes it (`2025-01-02T03:04:05.000Z`).
pub fn iso_in(seconds_ahead: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(seconds_ahead))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// The current time as Jira writes it (`2025-01-02T03:04:05.000+0000`).
pub fn jira_now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3f%z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_cookies_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; JSESSIONID=xyz"),
        );
        assert_eq!(cookie(&h, "JSESSIONID").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn reads_form_and_json_bodies() {
        let mut h = HeaderMap::new();
        let json = body_fields(&h, br#"{"a":"x","n":3}"#).unwrap_or_default();
        assert_eq!(json.get("a").map(String::as_str), Some("x"));
        assert_eq!(json.get("n").map(String::as_str), Some("3"));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let form = body_fields(&h, b"a=x%2By&b=").unwrap_or_default();
        assert_eq!(form.get("a").map(String::as_str), Some("x+y"));
        assert!(body_fields(&HeaderMap::new(), b"").is_none());
    }

    #[test]
    fn escapes_html_and_reads_basic() {
        assert_eq!(html_escape("a&b<\"c\">"), "a&amp;b&lt;&quot;c&quot;&gt;");
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic dTpwOnE="),
        );
        assert_eq!(basic(&h), Some(("u".to_string(), "p:q".to_string())));
        assert_eq!(bearer(&h), None);
    }
}
