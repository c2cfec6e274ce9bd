//! Issue links and attachments (and their place in the SQL oracle), per-issue activity
//! (transitions, watchers, votes, changelog), the administrative lists (project categories,
//! roles, groups, filters, dashboards, workflows) and the agile issue endpoints, over HTTP.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

fn time(v: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_str(v.as_str().expect("time"), "%Y-%m-%dT%H:%M:%S%.3f%z")
        .expect("jira time")
}

fn not_found(body: &Value) {
    assert_eq!(keys(body), set(&["errorMessages", "errors"]), "{body}");
    assert_eq!(arr(&body["errorMessages"]).len(), 1);
}

/// Pages `path` (which already has a `?`) with `maxResults=max` until `isLast`, checking the
/// `self`/`nextPage` links; returns every entry of `list`.
async fn page_all(base: &str, path: &str, list: &str, max: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let page = ok(base, &format!("{path}startAt={start}&maxResults={max}")).await;
        assert_eq!(page["startAt"], start);
        assert_eq!(page["maxResults"], max);
        let items = arr(&page[list]).clone();
        start += items.len();
        out.extend(items);
        let last =
            page["isLast"] == true || page.get("isLast").is_none() && items_done(&page, start);
        if let Some(next) = page.get("nextPage") {
            assert!(!last);
            assert!(next
                .as_str()
                .expect("next")
                .contains(&format!("startAt={start}")));
        }
        if last {
            break;
        }
    }
    out
}

fn items_done(page: &Value, seen: usize) -> bool {
    page["total"].as_u64().is_none_or(|t| seen as u64 >= t)
}

#[tokio::test]
async fn links_and_attachments_are_consistent_and_in_the_oracle() {
    let base = start(200).await;
    let types = ok(&base, "/rest/api/3/issueLinkType").await;
    assert_eq!(keys(&types), set(&["issueLinkTypes"]));
    let types = arr(&types["issueLinkTypes"]);
    let names: Vec<&str> = types
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Blocks", "Cloners", "Duplicate", "Relates"]);
    for t in types {
        assert_eq!(keys(t), set(&["id", "name", "inward", "outward", "self"]));
    }
    let issues = all_issues(&base).await;
    let by_key: HashMap<&str, &Value> = issues
        .iter()
        .map(|i| (i["key"].as_str().expect("key"), i))
        .collect();
    let mut sides: HashMap<String, Vec<(String, Value)>> = HashMap::new();
    let (mut linked, mut attached, mut files) = (0, 0, 0);
    for issue in &issues {
        let f = &issue["fields"];
        let key = issue["key"].as_str().expect("key");
        let links = arr(&f["issuelinks"]);
        linked += usize::from(!links.is_empty());
        for l in links {
            let side = if l.get("outwardIssue").is_some() {
                "outwardIssue"
            } else {
                "inwardIssue"
            };
            assert_eq!(keys(l), set(&["id", "self", "type", side]));
            assert!(types.contains(&l["type"]), "{l}");
            let other = &l[side];
            assert_eq!(keys(other), set(&["id", "key", "self", "fields"]));
            assert_eq!(
                keys(&other["fields"]),
                set(&["summary", "status", "priority", "issuetype"])
            );
            let target = by_key[other["key"].as_str().expect("key")];
            assert_eq!(other["fields"]["summary"], target["fields"]["summary"]);
            assert_eq!(other["fields"]["status"], target["fields"]["status"]);
            assert_eq!(other["id"], target["id"]);
            sides
                .entry(l["id"].as_str().expect("id").to_string())
                .or_default()
                .push((key.to_string(), l.clone()));
        }
        let attachments = arr(&f["attachment"]);
        attached += usize::from(!attachments.is_empty());
        for a in attachments {
            files += 1;
            let mut expected = set(&[
                "self", "id", "filename", "author", "created", "size", "mimeType", "content",
            ]);
            if a["mimeType"].as_str().expect("mime").starts_with("image/") {
                expected.insert("thumbnail".into());
            }
            assert_eq!(keys(a), expected);
            assert!(a["author"]["accountId"].is_string() && a["size"].is_u64());
            let at = time(&a["created"]);
            assert!(at >= time(&f["created"]) && at <= time(&f["updated"]));
        }
    }
    // Every link shows on both of its issues, once from each side, with the same type.
    for (id, s) in &sides {
        assert_eq!(s.len(), 2, "link {id}");
        let (a, la) = &s[0];
        let (b, lb) = &s[1];
        assert_ne!(a, b);
        assert_eq!(la["type"], lb["type"]);
        if let Some(o) = la.get("outwardIssue") {
            assert_eq!(o["key"], *b);
            assert_eq!(lb["inwardIssue"]["key"], *a);
        } else {
            assert_eq!(la["inwardIssue"]["key"], *b);
            assert_eq!(lb["outwardIssue"]["key"], *a);
        }
    }
    assert!(
        linked > 30 && attached > 30 && files > attached,
        "{linked} {attached}"
    );
    // GET issue and a narrow field selection agree with `*all`.
    let sample = issues
        .iter()
        .find(|i| {
            !arr(&i["fields"]["issuelinks"]).is_empty()
                && !arr(&i["fields"]["attachment"]).is_empty()
        })
        .expect("an issue with both");
    let key = sample["key"].as_str().expect("key");
    let full = ok(&base, &format!("/rest/api/3/issue/{key}")).await;
    assert_eq!(full["fields"], sample["fields"]);
    let narrow = ok(
        &base,
        &format!("/rest/api/3/issue/{key}?fields=attachment,issuelinks"),
    )
    .await;
    assert_eq!(keys(&narrow["fields"]), set(&["attachment", "issuelinks"]));
    assert_eq!(
        narrow["fields"]["issuelinks"],
        sample["fields"]["issuelinks"]
    );
    assert_eq!(
        narrow["fields"]["attachment"],
        sample["fields"]["attachment"]
    );
    // The oracle's `fields` column is exactly `fields=*all`, links and attachments included.
    let sql = reqwest::get(format!("{base}/_fake/sql?table=expected"))
        .await
        .expect("send")
        .text()
        .await
        .expect("sql");
    for issue in &issues {
        let literal = format!(
            "'{}'::jsonb",
            issue["fields"].to_string().replace('\'', "''")
        );
        assert!(
            sql.contains(&literal),
            "{} differs in the oracle",
            issue["key"]
        );
    }
}

#[tokio::test]
async fn transitions_watchers_votes_and_changelog() {
    let base = start(120).await;
    let statuses = ok(&base, "/rest/api/3/status").await;
    let issues = all_issues(&base).await;
    let (mut histories, mut paged_checked) = (0, 0);
    for issue in issues.iter().take(60) {
        let key = issue["key"].as_str().expect("key");
        let f = &issue["fields"];
        let t = ok(&base, &format!("/rest/api/3/issue/{key}/transitions")).await;
        assert_eq!(keys(&t), set(&["expand", "transitions"]));
        let list = arr(&t["transitions"]);
        assert_eq!(list.len(), arr(&statuses).len() - 1);
        for x in list {
            assert_eq!(
                keys(x),
                set(&[
                    "id",
                    "name",
                    "to",
                    "hasScreen",
                    "isGlobal",
                    "isInitial",
                    "isAvailable",
                    "isConditional",
                    "isLooped",
                ])
            );
            assert_ne!(x["to"]["id"], f["status"]["id"]);
            assert!(x["to"]["statusCategory"]["key"].is_string());
        }
        let w = ok(&base, &format!("/rest/api/3/issue/{key}/watchers")).await;
        assert_eq!(
            keys(&w),
            set(&["self", "isWatching", "watchCount", "watchers"])
        );
        assert_eq!(w["watchCount"], f["watches"]["watchCount"]);
        assert_eq!(w["isWatching"], f["watches"]["isWatching"]);
        assert_eq!(
            arr(&w["watchers"]).len() as u64,
            w["watchCount"].as_u64().expect("n")
        );
        let v = ok(&base, &format!("/rest/api/3/issue/{key}/votes")).await;
        assert_eq!(keys(&v), set(&["self", "votes", "hasVoted", "voters"]));
        assert_eq!(v["votes"], f["votes"]["votes"]);
        assert_eq!(v["hasVoted"], f["votes"]["hasVoted"]);
        assert_eq!(
            arr(&v["voters"]).len() as u64,
            v["votes"].as_u64().expect("n")
        );
        let c = ok(&base, &format!("/rest/api/3/issue/{key}/changelog")).await;
        assert_eq!(
            keys(&c),
            set(&["self", "maxResults", "startAt", "total", "isLast", "values"])
        );
        assert_eq!(c["maxResults"], 100);
        let values = arr(&c["values"]);
        assert_eq!(c["total"], values.len());
        histories += values.len();
        for h in values {
            assert_eq!(keys(h), set(&["id", "author", "created", "items"]));
            let at = time(&h["created"]);
            assert!(at >= time(&f["created"]) && at <= time(&f["updated"]));
            for i in arr(&h["items"]) {
                assert_eq!(
                    keys(i),
                    set(&[
                        "field",
                        "fieldtype",
                        "fieldId",
                        "from",
                        "fromString",
                        "to",
                        "toString"
                    ])
                );
            }
        }
        if let Some(last) = values.last() {
            let status = arr(&last["items"])
                .iter()
                .find(|i| i["field"] == "status")
                .expect("status item");
            assert_eq!(status["to"], f["status"]["id"]);
            assert_eq!(status["toString"], f["status"]["name"]);
            if !f["resolutiondate"].is_null() {
                assert_eq!(last["created"], f["resolutiondate"]);
                assert!(arr(&last["items"]).iter().any(
                    |i| i["field"] == "resolution" && i["toString"] == f["resolution"]["name"]
                ));
            }
        } else {
            assert_eq!(f["status"]["name"], "To Do");
        }
        if values.len() > 1 {
            paged_checked += 1;
            let paged = page_all(
                &base,
                &format!("/rest/api/3/issue/{key}/changelog?"),
                "values",
                1,
            )
            .await;
            assert_eq!(&paged, values);
        }
    }
    assert!(
        histories > 60 && paged_checked > 5,
        "{histories} {paged_checked}"
    );
    for path in ["transitions", "watchers", "votes", "changelog"] {
        let (status, body) = get(&base, &format!("/rest/api/3/issue/NOPE-1/{path}")).await;
        assert_eq!(status, 404, "{path}");
        not_found(&body);
    }
}

#[tokio::test]
async fn categories_roles_and_groups() {
    let base = start(10).await;
    let categories = ok(&base, "/rest/api/3/projectCategory").await;
    for c in arr(&categories) {
        assert_eq!(keys(c), set(&["self", "id", "name", "description"]));
    }
    let projects = ok(&base, "/rest/api/3/project/search").await;
    let mut with_category = 0;
    for p in arr(&projects["values"]) {
        if let Some(c) = p.get("projectCategory") {
            with_category += 1;
            assert!(arr(&categories).contains(c), "{c}");
        }
        let key = p["key"].as_str().expect("key");
        let roles = ok(&base, &format!("/rest/api/3/project/{key}/roledetails")).await;
        assert_eq!(arr(&roles).len(), 4);
        for r in arr(&roles) {
            assert_eq!(
                keys(r),
                set(&[
                    "self",
                    "name",
                    "id",
                    "description",
                    "admin",
                    "default",
                    "roleConfigurable",
                    "translatedName",
                ])
            );
            assert!(r["id"].is_u64());
            assert!(r["self"]
                .as_str()
                .expect("self")
                .contains(p["id"].as_str().expect("id")));
        }
    }
    assert_eq!(with_category, 3);
    let (status, body) = get(&base, "/rest/api/3/project/NOPE/roledetails").await;
    assert_eq!(status, 404);
    not_found(&body);

    let groups = ok(&base, "/rest/api/3/group/bulk").await;
    assert_eq!(
        keys(&groups),
        set(&["maxResults", "startAt", "total", "isLast", "values"])
    );
    assert_eq!(groups["total"], 4);
    let groups = arr(&groups["values"]).clone();
    assert_eq!(
        page_all(&base, "/rest/api/3/group/bulk?", "values", 3).await,
        groups
    );
    let users = ok(&base, "/rest/api/3/users/search").await;
    // Members are the users as lists embed them (without the user list's locale).
    let known: HashSet<Value> = arr(&users)
        .iter()
        .map(|u| {
            let mut u = u.clone();
            if let Some(map) = u.as_object_mut() {
                map.remove("locale");
            }
            u
        })
        .collect();
    let mut sizes = Vec::new();
    for g in &groups {
        assert_eq!(keys(g), set(&["name", "groupId"]));
        let id = g["groupId"].as_str().expect("id");
        let active = ok(&base, &format!("/rest/api/3/group/member?groupId={id}")).await;
        assert_eq!(
            keys(&active),
            set(&["self", "maxResults", "startAt", "total", "isLast", "values"])
        );
        let all = page_all(
            &base,
            &format!("/rest/api/3/group/member?groupId={id}&includeInactiveUsers=true&"),
            "values",
            2,
        )
        .await;
        for u in &all {
            assert!(known.contains(u), "{u}");
        }
        assert!(arr(&active["values"]).iter().all(|u| u["active"] == true));
        sizes.push((arr(&active["values"]).len(), all.len()));
    }
    assert!(sizes.iter().any(|(a, b)| a < b), "{sizes:?}");
    let (status, body) = get(&base, "/rest/api/3/group/member?groupId=nope").await;
    assert_eq!(status, 404);
    not_found(&body);
}

#[tokio::test]
async fn filters_dashboards_and_workflows() {
    let base = start(100).await;
    let filters = ok(&base, "/rest/api/3/filter/search?expand=jql,owner").await;
    assert_eq!(
        keys(&filters),
        set(&["self", "maxResults", "startAt", "total", "isLast", "values"])
    );
    let values = arr(&filters["values"]).clone();
    assert!(values.len() >= 3);
    for f in &values {
        for k in [
            "id",
            "name",
            "description",
            "owner",
            "jql",
            "viewUrl",
            "searchUrl",
            "favourite",
            "favouritedCount",
        ] {
            assert!(f.get(k).is_some(), "filter.{k}");
        }
        assert!(f["owner"]["accountId"].is_string());
        // The JQL runs on the fake, and searchUrl is that very search.
        let search = f["searchUrl"].as_str().expect("url").replace(&base, "");
        let hits = ok(&base, &format!("{search}&maxResults=1")).await;
        assert!(hits["issues"].is_array(), "{}", f["jql"]);
    }
    assert_eq!(
        page_all(&base, "/rest/api/3/filter/search?", "values", 1).await,
        values
    );

    let dashboards = ok(&base, "/rest/api/3/dashboard/search").await;
    assert_eq!(
        keys(&dashboards),
        set(&["self", "maxResults", "startAt", "total", "isLast", "values"])
    );
    let dvalues = arr(&dashboards["values"]).clone();
    for d in &dvalues {
        assert_eq!(
            keys(d),
            set(&[
                "id",
                "name",
                "description",
                "owner",
                "isFavourite",
                "popularity",
                "self",
                "view",
                "sharePermissions",
            ])
        );
        assert!(d["sharePermissions"].is_array());
    }
    assert_eq!(
        page_all(&base, "/rest/api/3/dashboard/search?", "values", 2).await,
        dvalues
    );

    let workflows = ok(&base, "/rest/api/3/workflow/search").await;
    let wvalues = arr(&workflows["values"]).clone();
    assert_eq!(workflows["total"], wvalues.len());
    for w in &wvalues {
        assert_eq!(
            keys(w),
            set(&["id", "description", "created", "updated", "isDefault"])
        );
        assert_eq!(keys(&w["id"]), set(&["name", "entityId"]));
        time(&w["created"]);
        time(&w["updated"]);
    }
    assert_eq!(wvalues.iter().filter(|w| w["isDefault"] == true).count(), 1);
    assert_eq!(
        page_all(&base, "/rest/api/3/workflow/search?", "values", 1).await,
        wvalues
    );
}

#[tokio::test]
async fn board_sprint_backlog_and_epic_issues() {
    let base = start(150).await;
    let issues = all_issues(&base).await;
    let boards = ok(&base, "/rest/agile/1.0/board").await;
    let mut epics_seen = 0;
    let mut sprint_issue_total = 0;
    for b in arr(&boards["values"]) {
        let id = b["id"].as_u64().expect("id");
        let project = &b["location"]["projectKey"];
        let expected: Vec<&Value> = issues
            .iter()
            .filter(|i| i["fields"]["project"]["key"] == *project)
            .collect();
        let page = ok(&base, &format!("/rest/agile/1.0/board/{id}/issue")).await;
        assert_eq!(
            keys(&page),
            set(&["expand", "startAt", "maxResults", "total", "issues"])
        );
        assert_eq!(page["maxResults"], 50);
        assert_eq!(page["total"], expected.len());
        let all = page_all(
            &base,
            &format!("/rest/agile/1.0/board/{id}/issue?"),
            "issues",
            20,
        )
        .await;
        assert_eq!(all.len(), expected.len());
        for (got, want) in all.iter().zip(&expected) {
            assert_eq!(got["key"], want["key"]);
            assert_eq!(
                got["fields"], want["fields"],
                "default fields are *navigable"
            );
        }
        let narrow = ok(
            &base,
            &format!("/rest/agile/1.0/board/{id}/issue?fields=summary,status&maxResults=3"),
        )
        .await;
        for i in arr(&narrow["issues"]) {
            assert_eq!(keys(&i["fields"]), set(&["summary", "status"]));
        }
        let epics = ok(&base, &format!("/rest/agile/1.0/board/{id}/epic")).await;
        assert_eq!(
            keys(&epics),
            set(&["maxResults", "startAt", "isLast", "values"])
        );
        let want: Vec<&Value> = expected
            .iter()
            .copied()
            .filter(|i| i["fields"]["issuetype"]["name"] == "Epic")
            .collect();
        let got = arr(&epics["values"]);
        assert_eq!(got.len(), want.len());
        for (e, i) in got.iter().zip(&want) {
            epics_seen += 1;
            assert_eq!(
                keys(e),
                set(&["id", "key", "self", "name", "summary", "color", "done"])
            );
            assert_eq!(e["key"], i["key"]);
            assert_eq!(e["summary"], i["fields"]["summary"]);
            assert_eq!(
                e["done"],
                i["fields"]["status"]["statusCategory"]["key"] == "done"
            );
            assert!(e["color"]["key"].is_string());
        }
        let (status, body) = get(&base, &format!("/rest/agile/1.0/board/{id}/backlog")).await;
        if b["type"] == "kanban" {
            assert_eq!(status, 400);
            assert_eq!(
                body,
                json!({"errorMessages": ["The board does not support sprints"], "errors": {}})
            );
            continue;
        }
        assert_eq!(status, 200);
        let backlog = page_all(
            &base,
            &format!("/rest/agile/1.0/board/{id}/backlog?"),
            "issues",
            25,
        )
        .await;
        let mut seen: HashMap<String, String> = backlog
            .iter()
            .map(|i| {
                (
                    i["key"].as_str().expect("key").to_string(),
                    "backlog".to_string(),
                )
            })
            .collect();
        let sprints = ok(&base, &format!("/rest/agile/1.0/board/{id}/sprint")).await;
        for s in arr(&sprints["values"]) {
            let sid = s["id"].as_u64().expect("id");
            let si = page_all(
                &base,
                &format!("/rest/agile/1.0/sprint/{sid}/issue?"),
                "issues",
                25,
            )
            .await;
            sprint_issue_total += si.len();
            for i in &si {
                let key = i["key"].as_str().expect("key").to_string();
                assert_eq!(i["fields"]["project"]["key"], *project);
                if s["state"] == "closed" {
                    assert_eq!(i["fields"]["status"]["statusCategory"]["key"], "done");
                }
                let before = seen.insert(key.clone(), format!("sprint {sid}"));
                assert!(before.is_none(), "{key} is in {before:?} and sprint {sid}");
            }
        }
        assert_eq!(
            seen.len(),
            expected.len(),
            "every issue is in a sprint or the backlog"
        );
    }
    assert!(epics_seen > 0 && sprint_issue_total > 0);
    for path in [
        "/rest/agile/1.0/board/999/issue",
        "/rest/agile/1.0/board/999/backlog",
        "/rest/agile/1.0/board/999/epic",
        "/rest/agile/1.0/sprint/999/issue",
        "/rest/agile/1.0/sprint/x/issue",
    ] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, 404, "{path}");
        not_found(&body);
    }
}

#[tokio::test]
async fn extra_endpoints_require_auth_and_are_logged() {
    let base = start(20).await;
    let paths = [
        "/rest/api/3/issueLinkType",
        "/rest/api/3/issue/ALPHA-1/transitions",
        "/rest/api/3/issue/ALPHA-1/watchers",
        "/rest/api/3/issue/ALPHA-1/votes",
        "/rest/api/3/issue/ALPHA-1/changelog",
        "/rest/api/3/projectCategory",
        "/rest/api/3/project/ALPHA/roledetails",
        "/rest/api/3/group/bulk",
        "/rest/api/3/group/member",
        "/rest/api/3/filter/search",
        "/rest/api/3/dashboard/search",
        "/rest/api/3/workflow/search",
        "/rest/agile/1.0/board/1/issue",
        "/rest/agile/1.0/board/1/backlog",
        "/rest/agile/1.0/board/1/epic",
        "/rest/agile/1.0/sprint/1/issue",
    ];
    let client = reqwest::Client::new();
    for path in paths {
        let path = if path.ends_with("group/member") {
            format!("{path}?groupId=0a1b2c3d-1111-4e5f-8a9b-000000000001")
        } else {
            path.to_string()
        };
        let r = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401, "{path} anonymous");
        let r = client
            .get(format!("{base}{path}"))
            .basic_auth(USER, Some(TOKEN))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{path}");
    }
    let log: Value = client
        .get(format!("{base}/_fake/requests"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("log");
    let log = arr(&log);
    assert_eq!(log.len(), paths.len() * 2);
    for (i, path) in paths.iter().enumerate() {
        assert_eq!(log[i * 2]["path"], *path);
        assert_eq!(log[i * 2]["status"], 401);
        assert_eq!(log[i * 2 + 1]["status"], 200);
    }
}
