//! Custom field contexts and options, and the incremental worklog endpoints
//! (`/worklog/updated` with its one-minute horizon, `/worklog/list`), over HTTP.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn post(base: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .basic_auth(USER, Some(TOKEN))
        .json(body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn set_clock(base: &str, now: i64) {
    let r = reqwest::Client::new()
        .post(format!("{base}/_fake/clock"))
        .json(&json!({ "now": now }))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test]
async fn field_contexts_and_options() {
    let base = start(5).await;
    let contexts = ok(&base, "/rest/api/3/field/customfield_10011/context").await;
    let ids: Vec<&str> = contexts["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, vec!["10400", "10401"]);
    assert_eq!(contexts["isLast"], true);
    assert_eq!(contexts["values"][1]["isGlobalContext"], false);
    // Every custom field has a context; only select fields have options.
    let other = ok(&base, "/rest/api/3/field/customfield_10010/context").await;
    assert_eq!(other["total"], 1);
    let (status, _) = get(
        &base,
        "/rest/api/3/field/customfield_10010/context/10500/option",
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = get(&base, "/rest/api/3/field/customfield_99999/context").await;
    assert_eq!(status, 404);
    let (status, _) = get(
        &base,
        "/rest/api/3/field/customfield_10011/context/1/option",
    )
    .await;
    assert_eq!(status, 404);
    // The default context lists the options issues use; the other one ends with its
    // cascading option, which names its parent.
    let issues = all_issues(&base).await;
    let used: BTreeSet<String> = issues
        .iter()
        .filter_map(|i| i["fields"]["customfield_10011"]["value"].as_str())
        .map(str::to_string)
        .collect();
    let first = ok(
        &base,
        "/rest/api/3/field/customfield_10011/context/10400/option",
    )
    .await;
    let values: BTreeSet<String> = first["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|o| o["value"].as_str().map(str::to_string))
        .collect();
    assert!(
        !used.is_empty() && used.is_subset(&values),
        "{used:?} {values:?}"
    );
    let second = ok(
        &base,
        "/rest/api/3/field/customfield_10011/context/10401/option?startAt=1&maxResults=2",
    )
    .await;
    assert_eq!(second["total"], 4);
    assert_eq!(second["values"][0]["value"], "Android");
    assert_eq!(second["values"][1]["disabled"], true);
    assert_eq!(second["isLast"], false);
    let rest = ok(
        &base,
        "/rest/api/3/field/customfield_10011/context/10401/option?startAt=3",
    )
    .await;
    assert_eq!(rest["values"][0]["optionId"], "10311");
}

/// Every worklog of every issue, with its update time in epoch ms.
async fn every_worklog(base: &str) -> Vec<(i64, Value)> {
    let mut out = Vec::new();
    for issue in all_issues(base).await {
        let key = issue["key"].as_str().expect("key").to_string();
        let page = ok(base, &format!("/rest/api/3/issue/{key}/worklog")).await;
        for w in page["worklogs"].as_array().expect("worklogs") {
            let at = chrono::DateTime::parse_from_str(
                w["updated"].as_str().expect("updated"),
                "%Y-%m-%dT%H:%M:%S%.3f%z",
            )
            .expect("time")
            .timestamp_millis();
            out.push((at, w.clone()));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

#[tokio::test]
async fn worklogs_updated_since_and_list() {
    let base = start(60).await;
    let all = every_worklog(&base).await;
    assert!(all.len() > 20, "{}", all.len());
    let since = all[all.len() / 2].0;
    let page = ok(&base, &format!("/rest/api/3/worklog/updated?since={since}")).await;
    let listed: Vec<i64> = page["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|v| v["updatedTime"].as_i64())
        .collect();
    let expected: Vec<i64> = all
        .iter()
        .map(|(at, _)| *at)
        .filter(|at| *at > since)
        .collect();
    assert_eq!(listed, expected, "strictly after since, oldest first");
    assert_eq!(page["lastPage"], true);
    assert_eq!(page["until"], *expected.last().expect("some"));
    // The minute before "now" is left out.
    let youngest = all.last().expect("some").0;
    set_clock(&base, youngest + 30_000).await;
    let page = ok(&base, &format!("/rest/api/3/worklog/updated?since={since}")).await;
    let cut = page["values"].as_array().expect("values");
    assert!(cut.len() < expected.len());
    assert!(cut
        .iter()
        .all(|v| v["updatedTime"].as_i64().unwrap_or(0) < youngest - 30_000));
    // The listed ids read back as the same worklogs the issues show.
    let ids: Vec<Value> = page["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["worklogId"].clone())
        .chain([json!(1)])
        .collect();
    let (status, body) = post(&base, "/rest/api/3/worklog/list", &json!({ "ids": ids })).await;
    assert_eq!(status, 200);
    let got = body.as_array().expect("list");
    assert_eq!(got.len(), cut.len(), "unknown ids are left out");
    for w in got {
        let same = all.iter().find(|(_, x)| x["id"] == w["id"]).expect("known");
        assert_eq!(&same.1, w);
    }
    let many: Vec<u64> = (0..1001).collect();
    let (status, _) = post(&base, "/rest/api/3/worklog/list", &json!({ "ids": many })).await;
    assert_eq!(status, 400);
}
