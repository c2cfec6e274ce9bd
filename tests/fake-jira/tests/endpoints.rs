//! The reference-list, project, per-issue child and agile endpoints over real HTTP: shapes,
//! paging, authentication, the request log and consistency with the issues.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

fn is_str(v: &Value) -> bool {
    v.is_string()
}

/// Every entry an issue field points at is in `list` with the same id, name and self link.
fn assert_covers(issues: &[Value], field: &str, list: &Value) {
    let by_id: HashMap<&str, &Value> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|v| (v["id"].as_str().expect("id"), v))
        .collect();
    let mut seen = 0;
    for issue in issues {
        let v = &issue["fields"][field];
        if v.is_null() {
            continue;
        }
        seen += 1;
        let entry = by_id
            .get(v["id"].as_str().expect("id"))
            .unwrap_or_else(|| panic!("{field} {v} missing from the list"));
        for k in ["name", "self", "iconUrl"] {
            assert_eq!(entry.get(k), v.get(k), "{field}.{k}");
        }
        if field == "status" {
            for k in ["id", "key", "name", "colorName", "self"] {
                assert_eq!(
                    entry["statusCategory"][k], v["statusCategory"][k],
                    "statusCategory.{k}"
                );
            }
        }
        if field == "issuetype" {
            assert_eq!(entry["subtask"], v["subtask"]);
            assert_eq!(entry["hierarchyLevel"], v["hierarchyLevel"]);
        }
    }
    assert!(seen > 0, "{field} used by some issue");
}

#[tokio::test]
async fn reference_lists_cover_every_value_the_issues_use() {
    let base = start(300).await;
    let issues = all_issues(&base).await;

    let priorities = ok(&base, "/rest/api/3/priority").await;
    assert_eq!(priorities.as_array().map(Vec::len), Some(5));
    for p in priorities.as_array().expect("array") {
        assert_eq!(
            keys(p),
            set(&[
                "self",
                "id",
                "name",
                "description",
                "statusColor",
                "iconUrl"
            ])
        );
        assert!(p["statusColor"].as_str().expect("colour").starts_with('#'));
    }
    assert_eq!(priorities[0]["name"], "Highest");
    assert_covers(&issues, "priority", &priorities);

    let statuses = ok(&base, "/rest/api/3/status").await;
    assert_eq!(statuses.as_array().map(Vec::len), Some(5));
    for s in statuses.as_array().expect("array") {
        assert_eq!(
            keys(s),
            set(&[
                "self",
                "id",
                "name",
                "description",
                "iconUrl",
                "statusCategory"
            ])
        );
        assert_eq!(
            keys(&s["statusCategory"]),
            set(&["self", "id", "key", "colorName", "name"])
        );
        assert!(s["statusCategory"]["id"].is_u64() && is_str(&s["id"]));
    }
    assert_covers(&issues, "status", &statuses);

    let categories = ok(&base, "/rest/api/3/statuscategory").await;
    let cat_keys: Vec<&str> = categories
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            assert_eq!(keys(c), set(&["self", "id", "key", "colorName", "name"]));
            c["key"].as_str().expect("key")
        })
        .collect();
    assert_eq!(cat_keys, ["undefined", "new", "indeterminate", "done"]);
    for s in statuses.as_array().expect("array") {
        assert!(categories
            .as_array()
            .expect("array")
            .contains(&s["statusCategory"]));
    }

    let resolutions = ok(&base, "/rest/api/3/resolution").await;
    for r in resolutions.as_array().expect("array") {
        assert_eq!(keys(r), set(&["self", "id", "name", "description"]));
    }
    assert_covers(&issues, "resolution", &resolutions);

    let types = ok(&base, "/rest/api/3/issuetype").await;
    for t in types.as_array().expect("array") {
        for k in [
            "self",
            "id",
            "name",
            "description",
            "iconUrl",
            "subtask",
            "hierarchyLevel",
        ] {
            assert!(t.get(k).is_some(), "issuetype.{k}");
        }
        assert!(t["subtask"].is_boolean() && t["hierarchyLevel"].is_i64());
    }
    assert_covers(&issues, "issuetype", &types);
}

#[tokio::test]
async fn labels_are_distinct_sorted_and_paged() {
    let base = start(300).await;
    let issues = all_issues(&base).await;
    let expected: BTreeSet<String> = issues
        .iter()
        .flat_map(|i| {
            i["fields"]["labels"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|l| l.as_str().expect("label").to_string())
        .collect();
    let expected: Vec<String> = expected.into_iter().collect();
    let all = ok(&base, "/rest/api/3/label").await;
    assert_eq!(
        keys(&all),
        set(&["maxResults", "startAt", "total", "isLast", "values"])
    );
    assert_eq!(all["maxResults"], 1000);
    assert_eq!(all["total"], expected.len());
    assert_eq!(all["isLast"], true);
    assert_eq!(all["values"], json!(expected));
    assert!(expected.len() >= 8, "{expected:?}");
    let mut paged = Vec::new();
    let mut start = 0;
    loop {
        let page = ok(
            &base,
            &format!("/rest/api/3/label?startAt={start}&maxResults=3"),
        )
        .await;
        assert_eq!(page["total"], expected.len());
        assert_eq!(page["startAt"], start);
        let values = page["values"].as_array().expect("values").clone();
        assert!(values.len() <= 3);
        start += values.len();
        paged.extend(values);
        if page["isLast"] == true {
            break;
        }
        assert_eq!(page["values"].as_array().map(Vec::len), Some(3));
    }
    assert_eq!(json!(paged), json!(expected));
    let (status, body) = get(&base, "/rest/api/3/label?maxResults=x").await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"], json!({}));
}

#[tokio::test]
async fn components_and_versions_match_the_issues() {
    let base = start(300).await;
    let issues = all_issues(&base).await;
    for (key, id) in [
        ("ALPHA", 10000),
        ("BETA", 10001),
        ("SET", 10002),
        ("OPS", 10003),
    ] {
        for path in [key.to_string(), id.to_string(), key.to_lowercase()] {
            let comps = ok(&base, &format!("/rest/api/3/project/{path}/components")).await;
            let comps = comps.as_array().expect("array");
            assert_eq!(comps.len(), 4);
            let mut leads = 0;
            for c in comps {
                for k in [
                    "self",
                    "id",
                    "name",
                    "description",
                    "assigneeType",
                    "project",
                    "projectId",
                ] {
                    assert!(c.get(k).is_some(), "component.{k}");
                }
                assert_eq!(c["project"], key);
                assert_eq!(c["projectId"], id);
                if let Some(lead) = c.get("lead") {
                    leads += 1;
                    assert!(is_str(&lead["accountId"]) && is_str(&lead["displayName"]));
                    assert_eq!(c["assigneeType"], "COMPONENT_LEAD");
                } else {
                    assert_eq!(c["assigneeType"], "PROJECT_DEFAULT");
                }
            }
            assert!(leads > 0 && leads < 4);
            let versions = ok(&base, &format!("/rest/api/3/project/{path}/versions")).await;
            let versions = versions.as_array().expect("array");
            assert_eq!(versions.len(), 3);
            for v in versions {
                for k in [
                    "self",
                    "id",
                    "name",
                    "description",
                    "archived",
                    "released",
                    "projectId",
                ] {
                    assert!(v.get(k).is_some(), "version.{k}");
                }
                assert_eq!(v["projectId"], id);
                for k in ["releaseDate", "startDate"] {
                    if let Some(d) = v.get(k) {
                        let d = d.as_str().expect("date");
                        assert!(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
                    }
                }
                if v["released"] == true {
                    assert!(v.get("releaseDate").is_some());
                }
            }
            for issue in issues
                .iter()
                .filter(|i| i["fields"]["project"]["key"] == key)
            {
                for c in issue["fields"]["components"].as_array().expect("array") {
                    let found = comps.iter().find(|x| x["id"] == c["id"]).expect("listed");
                    assert_eq!((&found["name"], &found["self"]), (&c["name"], &c["self"]));
                }
                for v in issue["fields"]["fixVersions"].as_array().expect("array") {
                    let found = versions
                        .iter()
                        .find(|x| x["id"] == v["id"])
                        .expect("listed");
                    for k in ["name", "self", "released", "archived"] {
                        assert_eq!(found[k], v[k], "{k}");
                    }
                }
            }
        }
    }
    let used_versions = issues
        .iter()
        .filter(|i| {
            !i["fields"]["fixVersions"]
                .as_array()
                .expect("array")
                .is_empty()
        })
        .count();
    assert!(used_versions > 50);
    for what in ["components", "versions"] {
        let (status, body) = get(&base, &format!("/rest/api/3/project/NOPE/{what}")).await;
        assert_eq!(status, 404);
        assert_eq!(
            body,
            json!({"errorMessages": ["No project could be found with key 'NOPE'."], "errors": {}})
        );
    }
}

#[tokio::test]
async fn project_search_expands_lead_and_description() {
    let base = start(10).await;
    let plain = ok(&base, "/rest/api/3/project/search").await;
    for p in plain["values"].as_array().expect("values") {
        assert_eq!(p["style"], "classic");
        assert_eq!(p["isPrivate"], false);
        assert_eq!(p["simplified"], false);
        assert!(p.get("lead").is_none() && p.get("description").is_none());
    }
    let expanded = ok(&base, "/rest/api/3/project/search?expand=lead,description").await;
    let values = expanded["values"].as_array().expect("values");
    assert_eq!(values.len(), 4);
    for p in values {
        assert!(is_str(&p["lead"]["accountId"]) && is_str(&p["lead"]["displayName"]));
        assert!(is_str(&p["description"]));
    }
    let only_lead = ok(&base, "/rest/api/3/project/search?expand=lead").await;
    assert!(only_lead["values"][0].get("description").is_none());
    assert!(only_lead["values"][0].get("lead").is_some());
}

/// Every page of a startAt/maxResults list; returns (items, totals seen).
async fn page_children(base: &str, path: &str, list: &str, max: usize) -> (Vec<Value>, u64) {
    let mut out = Vec::new();
    let mut start = 0;
    let mut total = None;
    loop {
        let page = ok(base, &format!("{path}?startAt={start}&maxResults={max}")).await;
        assert_eq!(page["startAt"], start);
        assert_eq!(page["maxResults"], max);
        let t = page["total"].as_u64().expect("total");
        assert_eq!(*total.get_or_insert(t), t);
        let items = page[list].as_array().expect("list").clone();
        assert_eq!(items.len(), max.min(t as usize - start.min(t as usize)));
        start += items.len();
        out.extend(items);
        if start >= t as usize {
            break;
        }
    }
    (out, total.unwrap_or(0))
}

fn is_jira_time(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z").is_ok())
}

#[tokio::test]
async fn comments_are_generated_per_issue_and_paged() {
    let base = start(120).await;
    let issues = all_issues(&base).await;
    let (mut none, mut some, mut total_comments) = (0, 0, 0);
    let mut ids = HashSet::new();
    for issue in &issues {
        let key = issue["key"].as_str().expect("key");
        let full = ok(&base, &format!("/rest/api/3/issue/{key}/comment")).await;
        assert_eq!(
            keys(&full),
            set(&["startAt", "maxResults", "total", "comments"])
        );
        assert_eq!(full["maxResults"], 50);
        let comments = full["comments"].as_array().expect("comments");
        assert_eq!(full["total"], comments.len());
        assert!(comments.len() <= 4);
        if comments.is_empty() {
            none += 1;
            continue;
        }
        some += 1;
        total_comments += comments.len();
        for c in comments {
            assert_eq!(
                keys(c),
                set(&[
                    "self",
                    "id",
                    "author",
                    "body",
                    "updateAuthor",
                    "created",
                    "updated",
                    "jsdPublic"
                ])
            );
            assert!(ids.insert(c["id"].as_str().expect("id").to_string()));
            assert_eq!(c["body"]["type"], "doc");
            assert_eq!(c["body"]["version"], 1);
            assert!(is_str(&c["author"]["accountId"]) && is_str(&c["author"]["displayName"]));
            assert!(is_jira_time(&c["created"]) && is_jira_time(&c["updated"]));
            assert_eq!(c["jsdPublic"], true);
            let t = |v: &Value| {
                chrono::DateTime::parse_from_str(
                    v.as_str().expect("time"),
                    "%Y-%m-%dT%H:%M:%S%.3f%z",
                )
                .expect("time")
            };
            assert!(t(&c["created"]) >= t(&issue["fields"]["created"]));
            assert!(t(&c["updated"]) <= t(&issue["fields"]["updated"]));
        }
        let by_id = ok(
            &base,
            &format!(
                "/rest/api/3/issue/{}/comment",
                issue["id"].as_str().expect("id")
            ),
        )
        .await;
        assert_eq!(by_id, full, "by id and by key, and deterministic");
        if comments.len() >= 3 {
            let (paged, total) = page_children(
                &base,
                &format!("/rest/api/3/issue/{key}/comment"),
                "comments",
                2,
            )
            .await;
            assert_eq!(total as usize, comments.len());
            assert_eq!(&paged, comments);
        }
    }
    assert!(none > 10 && some > 50, "none {none}, some {some}");
    let all_text: String = {
        let mut s = String::new();
        for issue in issues.iter().take(40) {
            let key = issue["key"].as_str().expect("key");
            s.push_str(
                &ok(&base, &format!("/rest/api/3/issue/{key}/comment"))
                    .await
                    .to_string(),
            );
        }
        s
    };
    assert!(!all_text.is_ascii(), "unicode bodies");
    assert!(all_text.contains("\"hardBreak\""), "rich ADF bodies");
    let (status, body) = get(&base, "/rest/api/3/issue/NOPE-1/comment").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}})
    );
    let capped = ok(&base, "/rest/api/3/issue/ALPHA-1/comment?maxResults=500").await;
    assert_eq!(capped["maxResults"], 100);
    eprintln!("comments: {total_comments} over {some} issues, {none} issues without");
}

#[tokio::test]
async fn worklogs_add_up_to_time_spent_and_page() {
    let base = start(120).await;
    let issues = all_issues(&base).await;
    let mut with = 0;
    for issue in &issues {
        let key = issue["key"].as_str().expect("key");
        let full = ok(&base, &format!("/rest/api/3/issue/{key}/worklog")).await;
        assert_eq!(
            keys(&full),
            set(&["startAt", "maxResults", "total", "worklogs"])
        );
        assert_eq!(full["maxResults"], 5000);
        let logs = full["worklogs"].as_array().expect("worklogs");
        assert_eq!(full["total"], logs.len());
        let sum: i64 = logs
            .iter()
            .map(|w| w["timeSpentSeconds"].as_i64().expect("seconds"))
            .sum();
        assert_eq!(sum, issue["fields"]["timespent"].as_i64().unwrap_or(0));
        if !logs.is_empty() {
            with += 1;
        }
        for w in logs {
            let k = keys(w);
            let required = set(&[
                "self",
                "id",
                "issueId",
                "author",
                "updateAuthor",
                "created",
                "updated",
                "started",
                "timeSpent",
                "timeSpentSeconds",
            ]);
            assert!(k.is_superset(&required));
            assert!(k.len() == required.len() || (k.len() == 11 && k.contains("comment")));
            if let Some(c) = w.get("comment") {
                assert_eq!(c["type"], "doc");
            }
            assert_eq!(w["issueId"], issue["id"]);
            for t in ["created", "updated", "started"] {
                assert!(is_jira_time(&w[t]), "{t}");
            }
            let secs = w["timeSpentSeconds"].as_i64().expect("seconds");
            let text = w["timeSpent"].as_str().expect("text");
            let parsed: i64 = text
                .split(' ')
                .map(|part| {
                    let (n, unit) = part.split_at(part.len() - 1);
                    let n: i64 = n.parse().expect("number");
                    n * match unit {
                        "w" => 5 * 8 * 3600,
                        "d" => 8 * 3600,
                        "h" => 3600,
                        _ => 60,
                    }
                })
                .sum();
            assert_eq!(parsed, secs, "{text}");
        }
        if logs.len() >= 3 {
            let (paged, total) = page_children(
                &base,
                &format!("/rest/api/3/issue/{key}/worklog"),
                "worklogs",
                1,
            )
            .await;
            assert_eq!(total as usize, logs.len());
            assert_eq!(&paged, logs);
        }
    }
    assert!(with > 30, "{with} issues with worklogs");
    let (status, _) = get(&base, "/rest/api/3/issue/99999999/worklog").await;
    assert_eq!(status, 404);
    let beyond = ok(&base, "/rest/api/3/issue/ALPHA-1/worklog?startAt=100").await;
    assert_eq!(beyond["worklogs"], json!([]));
}

#[tokio::test]
async fn boards_and_sprints() {
    let base = start(10).await;
    let boards = ok(&base, "/rest/agile/1.0/board").await;
    assert_eq!(
        keys(&boards),
        set(&["maxResults", "startAt", "total", "isLast", "values"])
    );
    assert_eq!(boards["maxResults"], 50);
    let values = boards["values"].as_array().expect("values").clone();
    assert_eq!(boards["total"], values.len());
    let mut per_project: HashMap<String, usize> = HashMap::new();
    for b in &values {
        for k in ["id", "self", "name", "type", "location"] {
            assert!(b.get(k).is_some(), "board.{k}");
        }
        let loc = &b["location"];
        for k in [
            "projectId",
            "projectKey",
            "projectName",
            "displayName",
            "projectTypeKey",
        ] {
            assert!(loc.get(k).is_some(), "location.{k}");
        }
        *per_project
            .entry(loc["projectKey"].as_str().expect("key").to_string())
            .or_default() += 1;
        assert!(b["type"] == "scrum" || b["type"] == "kanban");
    }
    assert_eq!(per_project.len(), 4);
    assert!(per_project.values().all(|&n| (1..=2).contains(&n)));
    let (paged, _) = {
        let mut out = Vec::new();
        let mut start = 0;
        loop {
            let page = ok(
                &base,
                &format!("/rest/agile/1.0/board?startAt={start}&maxResults=2"),
            )
            .await;
            let items = page["values"].as_array().expect("values").clone();
            start += items.len();
            out.extend(items);
            if page["isLast"] == true {
                break;
            }
        }
        (out, start)
    };
    assert_eq!(paged, values);
    let scrum_only = ok(&base, "/rest/agile/1.0/board?type=scrum").await;
    assert!(scrum_only["values"]
        .as_array()
        .expect("values")
        .iter()
        .all(|b| b["type"] == "scrum"));

    let mut sprint_ids = HashSet::new();
    let mut states = HashSet::new();
    for b in &values {
        let id = b["id"].as_u64().expect("id");
        let (status, body) = get(&base, &format!("/rest/agile/1.0/board/{id}/sprint")).await;
        if b["type"] == "kanban" {
            assert_eq!(status, 400);
            assert_eq!(
                body,
                json!({"errorMessages": ["The board does not support sprints"], "errors": {}})
            );
            continue;
        }
        assert_eq!(status, 200);
        assert_eq!(
            keys(&body),
            set(&["maxResults", "startAt", "isLast", "values"])
        );
        let sprints = body["values"].as_array().expect("values");
        assert!(!sprints.is_empty());
        for s in sprints {
            assert!(sprint_ids.insert(s["id"].as_u64().expect("id")));
            let state = s["state"].as_str().expect("state");
            states.insert(state.to_string());
            assert_eq!(s["originBoardId"], id);
            assert!(is_str(&s["goal"]) && is_str(&s["name"]));
            for k in ["startDate", "endDate"] {
                let d = s[k].as_str().expect("date");
                assert!(d.ends_with('Z') && d.len() == 24, "{d}");
                assert!(chrono::DateTime::parse_from_rfc3339(d).is_ok());
            }
            assert_eq!(s.get("completeDate").is_some(), state == "closed");
        }
        let mut start = 0;
        let mut paged = Vec::new();
        loop {
            let page = ok(
                &base,
                &format!("/rest/agile/1.0/board/{id}/sprint?startAt={start}&maxResults=1"),
            )
            .await;
            let items = page["values"].as_array().expect("values").clone();
            start += items.len();
            paged.extend(items);
            if page["isLast"] == true {
                break;
            }
        }
        assert_eq!(&paged, sprints);
        let closed = ok(
            &base,
            &format!("/rest/agile/1.0/board/{id}/sprint?state=closed"),
        )
        .await;
        assert!(closed["values"]
            .as_array()
            .expect("values")
            .iter()
            .all(|s| s["state"] == "closed"));
    }
    assert!(states.contains("closed"));
    let (status, _) = get(&base, "/rest/agile/1.0/board/999/sprint").await;
    assert_eq!(status, 404);
    let again = start(10).await;
    assert_eq!(
        ok(&again, "/rest/agile/1.0/board").await["values"]
            .as_array()
            .map(Vec::len),
        Some(values.len())
    );
    let other = start_seed(10, 7).await;
    let _ = ok(&other, "/rest/agile/1.0/board").await;
}

#[tokio::test]
async fn new_endpoints_require_auth_and_are_logged() {
    let base = start(20).await;
    let paths = [
        "/rest/api/3/priority",
        "/rest/api/3/status",
        "/rest/api/3/statuscategory",
        "/rest/api/3/resolution",
        "/rest/api/3/issuetype",
        "/rest/api/3/label",
        "/rest/api/3/project/ALPHA/components",
        "/rest/api/3/project/ALPHA/versions",
        "/rest/api/3/issue/ALPHA-1/comment",
        "/rest/api/3/issue/ALPHA-1/worklog",
        "/rest/agile/1.0/board",
        "/rest/agile/1.0/board/1/sprint",
    ];
    let client = reqwest::Client::new();
    for path in paths {
        let r = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401, "{path} anonymous");
        let r = client
            .get(format!("{base}{path}"))
            .basic_auth(USER, Some("wrong"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401, "{path} wrong token");
        let r = client
            .get(format!("{base}{path}"))
            .bearer_auth("pat-XYZ123secret")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{path} PAT");
        let r = client
            .get(format!("{base}{path}"))
            .basic_auth(USER, Some("pa55word"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{path} password");
    }
    let log: Value = client
        .get(format!("{base}/_fake/requests"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("log");
    let log = log.as_array().expect("log");
    assert_eq!(log.len(), paths.len() * 4);
    for (i, path) in paths.iter().enumerate() {
        let statuses: Vec<&Value> = log[i * 4..i * 4 + 4].iter().map(|e| &e["status"]).collect();
        assert_eq!(
            statuses,
            [&json!(401), &json!(401), &json!(200), &json!(200)]
        );
        assert_eq!(log[i * 4]["path"], *path);
    }
}

#[tokio::test]
async fn children_follow_the_seed() {
    let a = start_seed(60, 1).await;
    let b = start_seed(60, 1).await;
    let c = start_seed(60, 2).await;
    let mut differs = false;
    for n in 1..=10 {
        let path = format!("/rest/api/3/issue/{}/comment", 10000 + n);
        let x = ok(&a, &path).await;
        let y = ok(&b, &path).await;
        let strip = |v: &Value, base: &str| v.to_string().replace(base, "");
        assert_eq!(strip(&x, &a), strip(&y, &b));
        differs |= strip(&x, &a) != strip(&ok(&c, &path).await, &c);
    }
    assert!(differs);
}
