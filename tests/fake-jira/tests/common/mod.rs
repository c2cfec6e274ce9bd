//! What the HTTP test files share: a fake on a free port, authenticated GETs, and small JSON
//! helpers. Each test file uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;

use fake_jira::{spawn, Config};
use serde_json::Value;

/// The fake's default user and API token.
pub const USER: &str = "tester@example.com";
pub const TOKEN: &str = "tok-ABC123secret";

/// A fake with `issues` issues from seed 42; its base URL.
pub async fn start(issues: usize) -> String {
    start_seed(issues, 42).await
}

/// A fake with `issues` issues from `seed`; its base URL.
pub async fn start_seed(issues: usize, seed: u64) -> String {
    let config = Config {
        issues,
        seed,
        ..Config::default()
    };
    spawn(config).await.expect("server starts").0
}

/// GET with Basic auth; (status, body).
pub async fn get(base: &str, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json body"))
}

/// GET that must answer 200; the body.
pub async fn ok(base: &str, path: &str) -> Value {
    let (status, body) = get(base, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Every issue with all fields (`/_fake/issues`).
pub async fn all_issues(base: &str) -> Vec<Value> {
    reqwest::get(format!("{base}/_fake/issues"))
        .await
        .expect("send")
        .json::<Vec<Value>>()
        .await
        .expect("issues")
}

/// The member names of an object.
pub fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

/// A set of names.
pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A request with a JSON body (or none) and Basic auth; (status, body, null when empty).
pub async fn send(
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .basic_auth(USER, Some(TOKEN));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.expect("send");
    let status = r.status().as_u16();
    let bytes = r.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("json body")
    };
    (status, body)
}
