//! End-to-end checks of the fake over real HTTP: paging, auth, faults, control endpoints.

use fake_jira::{spawn, Config};
use serde_json::{json, Value};
use std::collections::HashSet;

const USER: &str = "tester@example.com";
const TOKEN: &str = "tok-ABC123secret";

async fn start(issues: usize) -> String {
    let config = Config {
        issues,
        ..Config::default()
    };
    spawn(config).await.expect("server starts").0
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn search_page(base: &str, jql: &str, token: Option<&str>, max: u32, fields: &str) -> Value {
    let mut query = vec![
        ("jql", jql.to_string()),
        ("maxResults", max.to_string()),
        ("fields", fields.to_string()),
    ];
    if let Some(t) = token {
        query.push(("nextPageToken", t.to_string()));
    }
    let r = client()
        .get(format!("{base}/rest/api/3/search/jql"))
        .basic_auth(USER, Some(TOKEN))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn page_all(base: &str, jql: &str, max: u32, fields: &str) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = search_page(base, jql, token.as_deref(), max, fields).await;
        pages += 1;
        for issue in page["issues"].as_array().unwrap() {
            ids.push(issue["id"].as_str().unwrap().to_string());
        }
        if page["isLast"] == json!(true) {
            assert!(page.get("nextPageToken").is_none());
            break;
        }
        token = Some(page["nextPageToken"].as_str().unwrap().to_string());
    }
    (ids, pages)
}

#[tokio::test]
async fn paging_returns_every_issue_once() {
    let base = start(1234).await;
    let jql = "project in (ALPHA, BETA, \"SET\", OPS) ORDER BY key";
    let (ids, pages) = page_all(&base, jql, 5000, "summary,status").await;
    assert_eq!(pages, 13, "full-field pages are capped at 100");
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1234);
    let (ids2, pages2) = page_all(&base, jql, 5000, "id").await;
    assert_eq!(pages2, 1, "id-only pages go up to 5000");
    assert_eq!(ids, ids2, "order is stable");
    let (ids3, _) = page_all(&base, "project is not EMPTY", 37, "key").await;
    assert_eq!(ids3.len(), 1234);
}

#[tokio::test]
async fn search_errors_are_jira_shaped() {
    let base = start(50).await;
    let get = |q: Vec<(&'static str, String)>| {
        let base = base.clone();
        async move {
            let r = client()
                .get(format!("{base}/rest/api/3/search/jql"))
                .basic_auth(USER, Some(TOKEN))
                .query(&q)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, b) = get(vec![
        ("jql", "project = ALPHA".into()),
        ("maxResults", "0".into()),
    ])
    .await;
    assert_eq!(
        (s, b["errorMessages"][0].as_str().unwrap()),
        (
            400,
            "The max results parameter has to be between 1 and 5,000."
        )
    );
    let (s, b) = get(vec![
        ("jql", "project = ALPHA".into()),
        ("nextPageToken", "nope".into()),
    ])
    .await;
    assert_eq!(
        (s, b["errorMessages"][0].as_str().unwrap()),
        (400, "The provided next page token is invalid or expired.")
    );
    let (_, first) = get(vec![
        ("jql", "project = ALPHA".into()),
        ("maxResults", "1".into()),
    ])
    .await;
    let other_token = first["nextPageToken"].as_str().unwrap().to_string();
    let (s, _) = get(vec![
        ("jql", "project = BETA".into()),
        ("nextPageToken", other_token),
    ])
    .await;
    assert_eq!(s, 400);
    let (s, b) = get(vec![("jql", "order by key".into())]).await;
    assert_eq!(s, 400);
    assert!(b["errorMessages"][0]
        .as_str()
        .unwrap()
        .starts_with("Unbounded JQL"));
    let (s, b) = get(vec![("jql", "project = \"ALPHA".into())]).await;
    assert_eq!(s, 400);
    assert!(b["errorMessages"][0]
        .as_str()
        .unwrap()
        .contains("(line 1, character 11)"));
    let (s, b) = get(vec![("jql", "project = ALPHA".into())]).await;
    assert_eq!(s, 200);
    assert_eq!(
        b["issues"][0]["fields"],
        json!({}),
        "default fields are id only"
    );
    let r = client()
        .post(format!("{base}/rest/api/3/search/jql"))
        .basic_auth(USER, Some(TOKEN))
        .json(&json!({"jql": "project = ALPHA", "bogus": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client()
        .get(format!("{base}/rest/api/2/search?jql=x"))
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
}

#[tokio::test]
async fn auth_is_enforced_like_cloud() {
    let base = start(20).await;
    let r = client()
        .get(format!("{base}/rest/api/3/myself"))
        .basic_auth(USER, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["x-seraph-loginreason"], "AUTHENTICATED_FAILED");
    let r = client()
        .get(format!("{base}/rest/api/3/myself"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client()
        .get(format!("{base}/rest/api/3/myself"))
        .basic_auth(USER, Some("pa55word"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(
        (me["emailAddress"].as_str(), me["timeZone"].as_str()),
        (Some(USER), Some("Australia/Sydney"))
    );
    let r = client()
        .get(format!("{base}/rest/api/3/search/jql?jql=project%3DALPHA"))
        .basic_auth(USER, Some("bad"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-seraph-loginreason"], "AUTHENTICATED_FAILED");
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"issues": [], "isLast": true})
    );
    let r = client()
        .get(format!("{base}/rest/api/3/search/jql?jql=project%3DALPHA"))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("x-seraph-loginreason").is_none());
}

#[tokio::test]
async fn faults_and_request_log() {
    let base = start(20).await;
    let faults = json!([
        {"kind": "status", "status": 429, "retry_after": 1, "path_prefix": "/rest/api/3/search"},
        {"kind": "truncate"},
        {"kind": "non_json"}
    ]);
    let r = client()
        .post(format!("{base}/_fake/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let url = format!("{base}/rest/api/3/search/jql?jql=project%3DALPHA&fields=*all");
    let send = || client().get(&url).basic_auth(USER, Some(TOKEN)).send();
    let r = send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).is_err(),
        "truncated body"
    );
    let r = send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let r = send().await.unwrap();
    assert!(
        r.json::<Value>().await.unwrap()["issues"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    let log: Value = client()
        .get(format!("{base}/_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![429, 200, 200, 200]);
    assert_eq!(log[0]["jql"], "project=ALPHA");
    assert_eq!(log[0]["fields"], json!(["*all"]));
    client()
        .delete(format!("{base}/_fake/requests"))
        .send()
        .await
        .unwrap();
    let log: Value = client()
        .get(format!("{base}/_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log, json!([]));
}

#[tokio::test]
async fn issue_bulkfetch_and_oracle() {
    let base = start(30).await;
    let r = client()
        .get(format!("{base}/rest/api/3/issue/alpha-1"))
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .unwrap();
    let issue: Value = r.json().await.unwrap();
    assert_eq!(issue["key"], "ALPHA-1");
    assert!(
        issue["fields"]["customfield_10010"].is_number()
            || issue["fields"]["customfield_10010"].is_null()
    );
    let r = client()
        .get(format!("{base}/rest/api/3/issue/NOPE-9"))
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client()
        .post(format!("{base}/rest/api/3/issue/bulkfetch"))
        .basic_auth(USER, Some(TOKEN))
        .json(&json!({"issueIdsOrKeys": ["10002", "ALPHA-1", "NOPE-1"], "fields": ["summary"]}))
        .send()
        .await
        .unwrap();
    let bulk: Value = r.json().await.unwrap();
    assert_eq!(bulk["issues"].as_array().unwrap().len(), 2);
    assert_eq!(bulk["issueErrors"], json!([]));
    let sql = client()
        .get(format!("{base}/_fake/sql?table=expected"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sql.starts_with("CREATE TABLE expected ("));
    assert_eq!(sql.matches("::jsonb").count(), 30);
    let r = client()
        .get(format!("{base}/_fake/sql?table=x;drop"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let fields: Value = client()
        .get(format!("{base}/rest/api/3/field"))
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(fields
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["clauseNames"] == json!(["cf[10010]", "Story Points"])));
}

#[tokio::test]
async fn unknown_values_are_refused_by_every_search_endpoint() {
    let base = start(20).await;
    let jql = "Status in (Done, Nope) AND type = Feature AND labels = anything";
    let expected = json!({
        "errorMessages": [
            "The value 'Nope' does not exist for the field 'Status'.",
            "The value 'Feature' does not exist for the field 'type'."
        ],
        "errors": {}
    });
    let c = client();
    let r = c
        .get(format!("{base}/rest/api/3/search/jql"))
        .basic_auth(USER, Some(TOKEN))
        .query(&[("jql", jql)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap(), expected);
    for path in ["search/jql", "search/approximate-count"] {
        let r = c
            .post(format!("{base}/rest/api/3/{path}"))
            .basic_auth(USER, Some(TOKEN))
            .json(&json!({ "jql": jql }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert_eq!(r.json::<Value>().await.unwrap(), expected, "{path}");
    }
    let r = c
        .post(format!("{base}/rest/api/3/search/approximate-count"))
        .basic_auth(USER, Some(TOKEN))
        .json(&json!({"jql": "status = done AND labels = anything"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn request_log_numbers_connections() {
    let base = start(5).await;
    let url = format!("{base}/rest/api/3/myself");
    let first = client();
    for _ in 0..3 {
        let r = first
            .get(&url)
            .basic_auth(USER, Some(TOKEN))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
    let second = client();
    second
        .get(&url)
        .basic_auth(USER, Some(TOKEN))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let log: Value = client()
        .get(format!("{base}/_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let connections: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["connection"].as_u64().unwrap())
        .collect();
    assert_eq!(
        connections,
        vec![1, 1, 1, 2],
        "keep-alive reuses connection 1"
    );
}
