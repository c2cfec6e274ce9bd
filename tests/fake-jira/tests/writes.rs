//! Issue writes: creates (one and bulk), edits, transitions and deletes change what every
//! read answers, with Jira's field errors for what Jira refuses.

mod common;

use common::{ok, send, start};
use reqwest::Method;
use serde_json::{json, Value};

fn doc(text: &str) -> Value {
    json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    ]})
}

#[tokio::test]
async fn created_issues_are_read_back_and_field_errors_name_the_field() {
    let base = start(10).await;
    let (status, created) = send(
        &base,
        Method::POST,
        "/rest/api/3/issue",
        Some(json!({"fields": {
            "project": {"key": "OPS"},
            "issuetype": {"name": "Bug"},
            "summary": "Printer on fire",
            "description": doc("Smoke everywhere"),
            "labels": ["urgent"],
            "duedate": "2026-01-31",
            "customfield_10010": 5,
            "timetracking": {"originalEstimate": "90m"}
        }})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let key = created["key"].as_str().expect("key").to_string();
    assert!(key.starts_with("OPS-"), "{key}");
    let issue = ok(&base, &format!("/rest/api/3/issue/{key}")).await;
    assert_eq!(issue["fields"]["summary"], "Printer on fire");
    assert_eq!(issue["fields"]["labels"], json!(["urgent"]));
    assert_eq!(issue["fields"]["customfield_10010"], 5.0);
    assert_eq!(issue["fields"]["timeoriginalestimate"], 5400);
    assert_eq!(issue["fields"]["status"]["name"], "To Do");
    let (_, found) = send(
        &base,
        Method::POST,
        "/rest/api/3/search/jql",
        Some(json!({"jql": format!("key = \"{key}\""), "fields": ["summary"]})),
    )
    .await;
    assert_eq!(found["issues"][0]["key"], key.as_str());

    // Jira's rules: a summary is required, text is ADF, status is not a field.
    let (status, refused) = send(
        &base,
        Method::POST,
        "/rest/api/3/issue",
        Some(json!({"fields": {
            "project": {"key": "OPS"}, "issuetype": {"name": "Bug"},
            "description": "plain", "status": {"name": "Done"}
        }})),
    )
    .await;
    assert_eq!(status, 400);
    let errors = &refused["errors"];
    assert_eq!(
        errors["summary"],
        "You must specify a summary of the issue."
    );
    assert!(errors["description"]
        .as_str()
        .unwrap()
        .contains("Atlassian Document"));
    assert!(errors["status"].as_str().unwrap().contains("cannot be set"));
}

#[tokio::test]
async fn bulk_creates_report_each_failure_by_element() {
    let base = start(5).await;
    let good = json!({"fields": {"project": {"key": "ALPHA"}, "issuetype": {"name": "Task"}, "summary": "ok"}});
    let bad = json!({"fields": {"project": {"key": "NOPE"}, "issuetype": {"name": "Task"}, "summary": "x"}});
    let (status, answer) = send(
        &base,
        Method::POST,
        "/rest/api/3/issue/bulk",
        Some(json!({"issueUpdates": [good, bad, good]})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["issues"].as_array().map(Vec::len), Some(2));
    assert_eq!(answer["errors"][0]["failedElementNumber"], 1);
    assert!(answer["errors"][0]["elementErrors"]["errors"]["project"].is_string());
    let many: Vec<Value> = (0..51).map(|_| good.clone()).collect();
    let (status, _) = send(
        &base,
        Method::POST,
        "/rest/api/3/issue/bulk",
        Some(json!({"issueUpdates": many})),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn edits_transitions_and_deletes() {
    let base = start(5).await;
    let key = "ALPHA-1";
    let (status, body) = send(
        &base,
        Method::PUT,
        &format!("/rest/api/3/issue/{key}"),
        Some(json!({"fields": {"summary": "Renamed", "labels": []}})),
    )
    .await;
    assert_eq!((status, body), (204, Value::Null));
    let issue = ok(&base, &format!("/rest/api/3/issue/{key}")).await;
    assert_eq!(issue["fields"]["summary"], "Renamed");
    let (status, _) = send(
        &base,
        Method::PUT,
        &format!("/rest/api/3/issue/{key}"),
        Some(json!({"fields": {"status": {"name": "Done"}}})),
    )
    .await;
    assert_eq!(status, 400);
    let transitions = ok(&base, &format!("/rest/api/3/issue/{key}/transitions")).await;
    let done = transitions["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["to"]["name"] == "Done")
        .expect("a transition to Done")["id"]
        .clone();
    let (status, _) = send(
        &base,
        Method::POST,
        &format!("/rest/api/3/issue/{key}/transitions"),
        Some(json!({"transition": {"id": done}})),
    )
    .await;
    assert_eq!(status, 204);
    let issue = ok(&base, &format!("/rest/api/3/issue/{key}")).await;
    assert_eq!(issue["fields"]["status"]["name"], "Done");
    assert!(issue["fields"]["resolution"].is_object());
    let (status, _) = send(
        &base,
        Method::DELETE,
        &format!("/rest/api/3/issue/{key}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &base,
        Method::GET,
        &format!("/rest/api/3/issue/{key}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, found) = send(
        &base,
        Method::POST,
        "/rest/api/3/search/jql",
        Some(json!({"jql": "project = ALPHA", "fields": ["summary"]})),
    )
    .await;
    assert!(found["issues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["key"] != key));
}
