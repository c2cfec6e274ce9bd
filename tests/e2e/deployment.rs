//! The `deployment` option: `auto` asks `serverInfo` once per backend and server, `cloud` and
//! `server` never ask; on Data Center the tables its v2 API serves alike are read, the others
//! refused with a clear error, and left out of IMPORT FOREIGN SCHEMA.

use pgrx::prelude::*;

use super::support::{error_of, explain, one, texts, Fake, TOKEN, USER};

fn server(name: &str, fake: &Fake, deployment: &str) {
    Spi::run(&format!(
        "CREATE SERVER {name} FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}'{deployment});
         CREATE USER MAPPING FOR CURRENT_USER SERVER {name} OPTIONS (user '{USER}', api_token '{TOKEN}');
         CREATE FOREIGN TABLE {name}_issues (key text, summary text) SERVER {name} OPTIONS (entity 'issues');
         CREATE FOREIGN TABLE {name}_statuses (id text, name text) SERVER {name} OPTIONS (entity 'statuses');
         CREATE FOREIGN TABLE {name}_labels (label text) SERVER {name} OPTIONS (entity 'labels');
         CREATE FOREIGN TABLE {name}_issues_by_time (key text, created timestamptz) SERVER {name} OPTIONS (entity 'issues');",
        fake.url
    ))
    .expect("a server");
}

pub fn auto_asks_once_and_explicit_never() {
    let fake = Fake::start(7, 41);
    server("d1", &fake, "");
    assert!(explain("SELECT key FROM d1_issues")
        .contains("Jira Deployment: auto (asked when the scan starts)"));
    fake.clear_requests();
    let n: i64 = one("SELECT count(*) FROM d1_issues");
    assert_eq!(n, 7);
    let _: i64 = one("SELECT count(*) FROM d1_statuses");
    let paths = fake.requested_paths();
    assert_eq!(paths[0], "/rest/api/2/serverInfo", "{paths:?}");
    assert_eq!(
        paths.iter().filter(|p| p.contains("serverInfo")).count(),
        1,
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p == "/rest/api/2/search"),
        "{paths:?}"
    );
    assert!(
        paths[1..].iter().all(|p| p.starts_with("/rest/api/3/")),
        "{paths:?}"
    );
    assert!(explain("SELECT key FROM d1_issues").contains("Jira Deployment: Cloud"));
    let analyzed = texts(
        "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT key FROM d1_issues",
    )
    .join("\n");
    assert!(analyzed.contains("Jira Deployment: Cloud"), "{analyzed}");

    server("d2", &fake, ", deployment 'cloud'");
    fake.clear_requests();
    let n: i64 = one("SELECT count(*) FROM d2_issues");
    assert_eq!(n, 7);
    assert!(!fake
        .requested_paths()
        .iter()
        .any(|p| p.contains("serverInfo")));
    assert!(explain("SELECT key FROM d2_issues").contains("Jira Deployment: Cloud"));

    let err = error_of(&format!(
        "CREATE SERVER d3 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment 'mainframe')",
        fake.url
    ));
    assert!(
        err.starts_with("HV00D invalid value for option \"deployment\""),
        "{err}"
    );
    assert!(err.contains("auto, cloud or server"), "{err}");
}

pub fn data_center_reads_what_it_serves_and_refuses_the_rest() {
    let fake = Fake::start_with(30, 42, &["--deployment", "server"]);
    server("d4", &fake, "");
    fake.clear_requests();
    let err = error_of("SELECT count(*) FROM d4_labels");
    assert!(
        err.starts_with(
            "HV00D the Jira entity \"labels\" is not read from Jira Server/Data Center yet"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "Entities read there: issues, projects, users, fields, myself, server_info, priorities"
        ),
        "{err}"
    );
    assert!(err.contains("deployment 'cloud'"), "{err}");
    // Only serverInfo was asked: nothing went to the Cloud API the site does not have.
    assert_eq!(
        fake.requested_paths(),
        vec!["/rest/api/2/serverInfo".to_string()]
    );
    // What Data Center serves alike is read from its v2 API and equals its JSON.
    let names = texts("SELECT name FROM d4_statuses ORDER BY id");
    let mut expected: Vec<(String, String)> = fake
        .jira_json("/rest/api/2/status")
        .as_array()
        .expect("statuses")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_string(),
                s["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(
        names,
        expected.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    );
    assert!(
        explain("SELECT name FROM d4_statuses").contains("Jira Strategy: GET /rest/api/2/status")
    );
    server("d5", &fake, ", deployment 'server'");
    fake.clear_requests();
    let n: i64 = one("SELECT count(*) FROM d5_statuses");
    assert_eq!(n, names.len() as i64);
    assert_eq!(
        fake.requested_paths(),
        vec!["/rest/api/2/status".to_string()]
    );
    // IMPORT FOREIGN SCHEMA leaves out what the deployment does not serve.
    Spi::run("CREATE SCHEMA d4; IMPORT FOREIGN SCHEMA jira FROM SERVER d4 INTO d4").unwrap();
    let imported = texts(
        "SELECT foreign_table_name::text FROM information_schema.foreign_tables \
         WHERE foreign_table_schema = 'd4' ORDER BY 1",
    );
    assert_eq!(
        imported,
        [
            "attachments",
            "backlog_issues",
            "board_issues",
            "boards",
            "comments",
            "dashboards",
            "epics",
            "fields",
            "group_members",
            "groups",
            "issue_changelogs",
            "issue_link_types",
            "issue_links",
            "issue_transitions",
            "issue_types",
            "issues",
            "myself",
            "priorities",
            "project_categories",
            "project_components",
            "project_versions",
            "projects",
            "resolutions",
            "server_info",
            "sprint_issues",
            "sprints",
            "status_categories",
            "statuses",
            "users",
            "votes",
            "watchers",
            "workflows",
            "worklogs"
        ]
    );
    fake.clear_requests();
    for table in &imported {
        let n: i64 = one(&format!("SELECT count(*) FROM d4.{table}"));
        assert!(n > 0, "{table}");
    }
    let version: String = one("SELECT version FROM d4.server_info");
    assert_eq!(version, "9.12.2");
    // Users are named by `name` there: the *_account_id columns hold it.
    let leads = texts("SELECT key || '=' || lead_account_id FROM d4.projects ORDER BY key");
    let mut expected: Vec<String> = fake
        .jira_json("/rest/api/2/project?expand=lead")
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                p["key"].as_str().unwrap_or_default(),
                p["lead"]["name"].as_str().unwrap_or_default()
            )
        })
        .collect();
    expected.sort();
    assert_eq!(leads, expected);
    assert!(leads.iter().all(|l| l.contains("=u-")), "{leads:?}");
    let me: String = one("SELECT account_id FROM d4.myself");
    assert_eq!(
        Some(me.as_str()),
        fake.jira_json("/rest/api/2/myself")["name"].as_str()
    );
    let named: i64 = one("SELECT count(*) FROM d4.users WHERE account_id LIKE 'u-%'");
    let all_users: i64 = one("SELECT count(*) FROM d4.users");
    assert!(named > 0 && named == all_users, "{named} of {all_users}");
    let project = expected[0]
        .split('=')
        .next()
        .unwrap_or_default()
        .to_string();
    let of_one: i64 = one(&format!(
        "SELECT count(*) FROM d4.project_components WHERE project_key = '{project}'"
    ));
    let listed = fake.jira_json(&format!("/rest/api/2/project/{project}/components"));
    assert_eq!(of_one as usize, listed.as_array().map_or(0, Vec::len));
    let paths = fake.requested_paths();
    assert!(
        !paths.iter().any(|p| p.starts_with("/rest/api/3/")),
        "{paths:?}"
    );
    // The Data Center fake has no /rest/api/3: a Cloud client there gets Jira's 404.
    server("d6", &fake, ", deployment 'cloud'");
    let err = error_of("SELECT count(*) FROM d6_statuses");
    assert!(err.starts_with("HV000 Jira answered HTTP 404"), "{err}");
}

/// The searches of a request log, as (startAt, maxResults, jql).
fn server_searches(fake: &Fake) -> Vec<(u64, u64, String)> {
    fake.requests()
        .iter()
        .filter(|r| r["path"] == "/rest/api/2/search")
        .filter_map(|r| serde_json::from_str::<serde_json::Value>(r["body"].as_str()?).ok())
        .map(|b| {
            (
                b["startAt"].as_u64().unwrap_or(0),
                b["maxResults"].as_u64().unwrap_or(0),
                b["jql"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub fn data_center_issues_page_by_id_past_the_window() {
    // 120 issues, pages of at most 50 whatever is asked, offsets allowed up to 60 only.
    let fake = Fake::start_with(
        120,
        43,
        &[
            "--deployment",
            "server",
            "--search-max-results",
            "50",
            "--result-window",
            "60",
        ],
    );
    fake.install_as("d7", TOKEN, "server");
    fake.clear_requests();
    let (rows, keys): (i64, i64) =
        Spi::get_two("SELECT count(*), count(DISTINCT key) FROM d7_issues")
            .map(|(a, b)| (a.unwrap_or(0), b.unwrap_or(0)))
            .expect("a full scan");
    assert_eq!((rows, keys), (120, 120), "every issue exactly once");
    let searches = server_searches(&fake);
    assert_eq!(searches.len(), 3, "{searches:?}");
    assert!(
        searches
            .iter()
            .all(|(start, max, _)| start + max.min(&50) <= 60),
        "{searches:?}"
    );
    assert!(searches[0].2.ends_with("ORDER BY id ASC"), "{searches:?}");
    assert!(searches[1].2.starts_with("id > "), "{searches:?}");
    assert!(
        searches.iter().all(|(start, _, _)| *start == 0),
        "{searches:?}"
    );
    assert!(!fake
        .requested_paths()
        .iter()
        .any(|p| p.starts_with("/rest/api/3/")));
    // The rows equal the fake's own model (user columns hold Data Center names there).
    let columns = "key, summary, description, environment, status_name, priority_name, \
                   project_key, created, updated, labels, assignee_account_id, reporter_account_id";
    let same: bool = one(&format!(
        "SELECT (SELECT array_agg(row({columns}) ORDER BY key) FROM d7_issues) \
              = (SELECT array_agg(row({columns}) ORDER BY key) FROM d7_local)"
    ));
    assert!(same, "Data Center rows differ from the model");
    let named: i64 = one("SELECT count(*) FROM d7_issues WHERE assignee_account_id NOT LIKE 'u-%'");
    assert_eq!(named, 0);
    // A pushed ORDER BY and LIMIT keep their meaning: one request of maxResults 3.
    fake.clear_requests();
    // (Compared by time: issues updated at the same moment may come in either order.)
    let top = |table: &str| -> String {
        one(&format!(
            "SELECT string_agg(u, ',') FROM \
             (SELECT updated::text AS u FROM {table} ORDER BY updated DESC LIMIT 3) s"
        ))
    };
    assert_eq!(top("d7_issues"), top("d7_local"));
    let searches = server_searches(&fake);
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert_eq!(searches[0].1, 3);
    assert!(
        searches[0].2.ends_with("ORDER BY updated DESC, id ASC"),
        "{searches:?}"
    );
    // A pushed ORDER BY over more issues than the window: each page seeks past the last
    // issue read in that order (by epoch ms, then id), never by offset.
    fake.clear_requests();
    let all = |table: &str| -> String {
        one(&format!(
            "SELECT string_agg(u, ',') FROM (SELECT updated::text AS u FROM {table} ORDER BY updated DESC) s"
        ))
    };
    assert_eq!(all("d7_issues"), all("d7_local"));
    let plan = explain("SELECT key FROM d7_issues ORDER BY updated DESC");
    assert!(!plan.contains("Sort"), "{plan}");
    for line in [
        "Jira Strategy: search (each page after the last issue read)",
        "Jira JQL: project IS NOT EMPTY ORDER BY updated DESC, id ASC",
        "Jira Deployment: Server/Data Center",
    ] {
        assert!(plan.contains(line), "{plan}");
    }
    let plan = explain("SELECT key FROM d7_issues WHERE key IN ('A-1', 'B-2')");
    assert!(
        plan.contains("Jira Strategy: search (key IN / id IN)")
            && plan.contains("Jira Keys: A-1, B-2"),
        "{plan}"
    );
    let searches = server_searches(&fake);
    assert_eq!(searches.len(), 3, "{searches:?}");
    assert!(
        searches.iter().all(|(start, _, _)| *start == 0),
        "{searches:?}"
    );
    assert!(
        searches[1].2.contains("updated < ") && searches[1].2.contains(" AND id > "),
        "{searches:?}"
    );
    // A LIMIT alone is one request too, of the LIMIT's size.
    fake.clear_requests();
    let n: i64 = one("SELECT count(*) FROM (SELECT key FROM d7_issues LIMIT 3) s");
    assert_eq!(n, 3);
    let searches = server_searches(&fake);
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert_eq!(searches[0].1, 3);
    // Keys are looked up with a search; a key that does not exist is no row: Data Center
    // refuses the search naming it (400), and it is asked again without.
    let first: String = one("SELECT min(key) FROM d7_local");
    fake.clear_requests();
    let found = texts(&format!(
        "SELECT key FROM d7_issues WHERE key IN ('{first}', 'NOPE-9') ORDER BY key"
    ));
    assert_eq!(found, vec![first.clone()]);
    let searches = server_searches(&fake);
    assert_eq!(searches.len(), 2, "{searches:?}");
    assert!(
        searches[0].2.contains("key IN (") && searches[0].2.contains("NOPE-9"),
        "{searches:?}"
    );
    assert!(
        searches[1].2.contains(&first) && !searches[1].2.contains("NOPE-9"),
        "{searches:?}"
    );
    let statuses: Vec<u64> = fake
        .requests()
        .iter()
        .filter(|r| r["path"] == "/rest/api/2/search")
        .filter_map(|r| r["status"].as_u64())
        .collect();
    assert_eq!(statuses, [400, 200]);
    // Only unknown keys: no row, no error.
    let none: i64 = one("SELECT count(*) FROM d7_issues WHERE key IN ('NOPE-9', 'NOPE-10')");
    assert_eq!(none, 0);
    // A join on key sends only the outer keys.
    Spi::run(
        "CREATE TEMP TABLE d7_wanted (k text); \
         INSERT INTO d7_wanted SELECT key FROM d7_local ORDER BY key LIMIT 4; \
         ANALYZE d7_wanted",
    )
    .unwrap();
    fake.clear_requests();
    let joined: i64 = one("SELECT count(*) FROM d7_wanted w JOIN d7_issues i ON i.key = w.k");
    assert_eq!(joined, 4);
    let sent: Vec<String> = server_searches(&fake).into_iter().map(|s| s.2).collect();
    let wanted = texts("SELECT k FROM d7_wanted ORDER BY k");
    // One search per outer row, each for that row's key alone.
    let mut expected: Vec<String> = wanted
        .iter()
        .map(|k| format!("key = \"{k}\" ORDER BY id ASC"))
        .collect();
    expected.sort();
    let mut sent = sent;
    sent.sort();
    assert_eq!(sent, expected);
}

/// 25,000 Data Center issues, result window 10,000, pages of at most 1,000: a full scan and a
/// scan in a pushed order each return every issue once without an offset past the window.
pub fn data_center_scans_25000_issues_past_the_window() {
    let fake = Fake::start_with(
        25_000,
        44,
        &[
            "--deployment",
            "server",
            "--search-max-results",
            "1000",
            "--result-window",
            "10000",
        ],
    );
    server("d8", &fake, ", deployment 'server', page_size '5000'");
    for order in ["", " ORDER BY created"] {
        fake.clear_requests();
        let (rows, keys, ordered): (i64, i64, bool) = Spi::get_three(&format!(
            "SELECT count(*), count(DISTINCT key), \
                    coalesce(bool_and(prev IS NULL OR prev <= created), true) \
             FROM (SELECT key, created, lag(created) OVER () AS prev \
                   FROM (SELECT i.key, i.created FROM d8_issues_by_time i{order}) s) t"
        ))
        .map(|(a, b, c)| (a.unwrap_or(0), b.unwrap_or(0), c.unwrap_or(false)))
        .expect("a full scan");
        assert_eq!((rows, keys), (25_000, 25_000), "{order}");
        assert!(ordered || order.is_empty(), "{order}");
        let searches = server_searches(&fake);
        let sent_order = if order.is_empty() {
            "ORDER BY id ASC"
        } else {
            "ORDER BY created ASC, id ASC"
        };
        assert!(
            searches.iter().all(|(_, _, jql)| jql.ends_with(sent_order)),
            "{order}: {:?}",
            &searches[..2]
        );
        // Jira applied 1,000 of the 5,000 asked: 25 pages.
        assert_eq!(searches.len(), 25, "{order}: {} searches", searches.len());
        assert!(
            searches
                .iter()
                .all(|(start, max, _)| start + max.min(&1000) <= 10_000),
            "{order}"
        );
        pgrx::log!(
            "Data Center scan{order}: {rows} issues in {} searches, none past the window",
            searches.len()
        );
    }
}

/// Data Center lists groups only through its picker, capped by the site: a table that would
/// be short is an error, while group members are still read by the group's name.
pub fn data_center_groups_past_the_picker_limit() {
    let fake = Fake::start_with(
        3,
        45,
        &["--deployment", "server", "--autocomplete-limit", "2"],
    );
    server("d9", &fake, ", deployment 'server'");
    Spi::run(
        "CREATE FOREIGN TABLE d9_groups (group_id text, name text) SERVER d9 OPTIONS (entity 'groups');
         CREATE FOREIGN TABLE d9_members (group_id text, account_id text) SERVER d9 OPTIONS (entity 'group_members');",
    )
    .unwrap();
    let err = error_of("SELECT count(*) FROM d9_groups");
    assert!(
        err.starts_with("HV00D Jira lists 2 of the 4 items of /rest/api/2/groups/picker at once"),
        "{err}"
    );
    assert!(err.contains("jira.ajax.autocomplete.limit"), "{err}");
    let err = error_of("SELECT count(*) FROM d9_members");
    assert!(err.starts_with("HV00D Jira lists 2 of the 4"), "{err}");
    let expected = fake.jira_json(
        "/rest/api/2/group/member?groupname=jira-software-users&includeInactiveUsers=true&maxResults=50",
    );
    let mut names: Vec<String> = expected["values"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|u| u["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    fake.clear_requests();
    let members = texts(
        "SELECT account_id FROM d9_members WHERE group_id = 'jira-software-users' ORDER BY 1",
    );
    assert_eq!(members, names);
    assert_eq!(
        fake.requested_paths(),
        vec!["/rest/api/2/group/member".to_string()]
    );
}
