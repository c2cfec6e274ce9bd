//! INSERT, UPDATE and DELETE on issues: what a statement did is what a later SELECT shows and
//! what the fake's request log shows was sent; what Jira refuses is an error that leaves the
//! session usable; what a rolled-back transaction sent is named in a WARNING.

use pgrx::prelude::*;
use serde_json::Value;

use super::support::{error_of, explain, one, texts, Fake, TOKEN, USER};

/// The logged requests of `method` to paths starting with `prefix`, with their bodies.
fn sent(fake: &Fake, method: &str, prefix: &str) -> Vec<(String, Value)> {
    fake.requests()
        .iter()
        .filter(|r| r["method"] == method)
        .filter_map(|r| {
            let path = r["path"].as_str()?;
            path.starts_with(prefix).then(|| {
                let body = r["body"]
                    .as_str()
                    .and_then(|b| serde_json::from_str(b).ok())
                    .unwrap_or(Value::Null);
                (path.to_string(), body)
            })
        })
        .collect()
}

pub fn insert_update_delete_round_trips() {
    let fake = Fake::start(20, 51);
    fake.install("w1", TOKEN);
    fake.clear_requests();
    // INSERT with RETURNING: Jira's defaults (status, reporter, created) come back.
    let returned: Vec<String> = texts(
        "INSERT INTO w1_issues (project_key, issue_type_name, summary, description, labels, \
                                due_date, original_estimate_seconds, priority_name) \
         VALUES ('OPS', 'Bug', 'Printer on fire', E'Smoke\\nEverywhere', ARRAY['urgent', 'hw'], \
                 '2026-01-31', 5400, 'High') \
         RETURNING key || '|' || status_name || '|' || reporter_account_id || '|' || \
                   (created IS NOT NULL)::text || '|' || description",
    );
    assert_eq!(returned.len(), 1);
    let parts: Vec<&str> = returned[0].split('|').collect();
    let key = parts[0].to_string();
    assert!(key.starts_with("OPS-"), "{returned:?}");
    assert_eq!(parts[1], "To Do");
    assert_eq!(parts[3], "true");
    assert_eq!(parts[4], "Smoke\n\nEverywhere");
    let creates = sent(&fake, "POST", "/rest/api/3/issue");
    let creates: Vec<&(String, Value)> = creates
        .iter()
        .filter(|(p, _)| p == "/rest/api/3/issue")
        .collect();
    assert_eq!(creates.len(), 1);
    let fields = &creates[0].1["fields"];
    assert_eq!(fields["project"]["key"], "OPS");
    assert_eq!(fields["issuetype"]["name"], "Bug");
    assert_eq!(fields["description"]["type"], "doc");
    assert_eq!(fields["labels"], serde_json::json!(["urgent", "hw"]));
    assert_eq!(fields["duedate"], "2026-01-31");
    assert_eq!(fields["timetracking"]["originalEstimate"], "90m");
    assert_eq!(fields["priority"]["name"], "High");
    // A later SELECT shows what the INSERT did.
    let row: String = one(&format!(
        "SELECT summary || '|' || array_to_string(labels, ',') || '|' || due_date || '|' || \
                original_estimate_seconds || '|' || priority_name FROM w1_issues WHERE key = '{key}'"
    ));
    assert_eq!(row, "Printer on fire|urgent,hw|2026-01-31|5400|High");

    // UPDATE of rows a pushed WHERE chooses: one search, then one edit per row with only the
    // columns SET.
    let chosen: i64 = one("SELECT count(*) FROM w1_local WHERE project_key = 'ALPHA'");
    assert!(chosen > 1);
    fake.clear_requests();
    Spi::run("UPDATE w1_issues SET summary = 'Renamed', labels = '{}' WHERE project_key = 'ALPHA'")
        .unwrap();
    let searches = fake.searched_jql();
    assert!(
        !searches.is_empty() && searches.iter().all(|j| j == "project = \"ALPHA\""),
        "{searches:?}"
    );
    let edits = sent(&fake, "PUT", "/rest/api/3/issue/");
    assert_eq!(edits.len() as i64, chosen);
    for (_, body) in &edits {
        let mut names: Vec<&String> = body["fields"].as_object().unwrap().keys().collect();
        names.sort();
        assert_eq!(names, ["labels", "summary"], "{body}");
    }
    let renamed: i64 =
        one("SELECT count(*) FROM w1_issues WHERE project_key = 'ALPHA' AND summary = 'Renamed' AND labels = '{}'");
    assert_eq!(renamed, chosen);

    // A status is reached by its transition; an unreachable one names where the issue can go.
    fake.clear_requests();
    Spi::run(&format!(
        "UPDATE w1_issues SET status_name = 'done' WHERE key = '{key}'"
    ))
    .unwrap();
    let status: String = one(&format!(
        "SELECT status_name FROM w1_issues WHERE key = '{key}'"
    ));
    assert_eq!(status, "Done");
    let moves: Vec<(String, Value)> = sent(&fake, "POST", "/rest/api/3/issue/")
        .into_iter()
        .filter(|(p, _)| p.ends_with("/transitions"))
        .collect();
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert!(sent(&fake, "PUT", "/rest/api/3/issue/").is_empty());
    let err = error_of(&format!(
        "UPDATE w1_issues SET status_name = 'Shipped' WHERE key = '{key}'"
    ));
    assert!(
        err.starts_with("22023 no transition of the issue leads to status \"Shipped\"")
            && err.contains("Statuses reachable from the current one: To Do"),
        "{err}"
    );

    // What Jira refuses carries its field message, and the session goes on.
    let err =
        error_of("INSERT INTO w1_issues (project_key, issue_type_name) VALUES ('OPS', 'Bug')");
    assert!(
        err.starts_with("22023 Jira created none of the INSERT's rows 1..1: element 0: summary: You must specify a summary of the issue."),
        "{err}"
    );
    let still: i64 = one("SELECT count(*) FROM w1_issues WHERE key = 'OPS-1'");
    assert_eq!(still, 1);

    // EXPLAIN ANALYZE counts the requests the changes made (the scan's are its own).
    let analyzed = texts(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) \
         UPDATE w1_issues SET summary = 'Twice' WHERE key IN ('ALPHA-1', 'ALPHA-2')",
    )
    .join("\n");
    assert!(
        analyzed.contains("Jira Request: PUT /rest/api/3/issue/{id}")
            && analyzed.contains("Jira Requests: 2"),
        "{analyzed}"
    );
    // DELETE removes the issue.
    fake.clear_requests();
    Spi::run(&format!("DELETE FROM w1_issues WHERE key = '{key}'")).unwrap();
    assert_eq!(sent(&fake, "DELETE", "/rest/api/3/issue/").len(), 1);
    let gone: i64 = one(&format!(
        "SELECT count(*) FROM w1_issues WHERE key = '{key}'"
    ));
    assert_eq!(gone, 0);
}

/// A role Jira lets read but not change: its writes are Jira's 403, and the session goes on.
pub fn writes_without_permission() {
    let fake = Fake::start(4, 61);
    fake.install("w11", "tok-READONLY");
    let n: i64 = one("SELECT count(*) FROM w11_issues");
    assert_eq!(n, 4);
    let err = error_of(
        "INSERT INTO w11_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'no')",
    );
    assert!(
        err.contains("Jira answered HTTP 403") && err.contains("permission"),
        "{err}"
    );
    let err = error_of("UPDATE w11_issues SET summary = 'no' WHERE key = 'ALPHA-1'");
    assert!(err.contains("Jira answered HTTP 403"), "{err}");
    let summary: String = one("SELECT summary FROM w11_issues WHERE key = 'ALPHA-1'");
    assert_ne!(summary, "no");
}

pub fn what_cannot_be_written_is_refused_before_sending() {
    let fake = Fake::start(5, 52);
    fake.install("w2", TOKEN);
    fake.clear_requests();
    let err = error_of("UPDATE w2_issues SET created = now()");
    assert!(
        err.starts_with("22023 column \"created\" of Jira's issues cannot be written")
            && err.contains("Writable columns: project_id, project_key, issue_type_id"),
        "{err}"
    );
    Spi::run(
        "CREATE FOREIGN TABLE w2_comments (issue_key text, body text) SERVER w2 OPTIONS (entity 'comments')",
    )
    .unwrap();
    Spi::run("CREATE FOREIGN TABLE w2_users (account_id text) SERVER w2 OPTIONS (entity 'users')")
        .unwrap();
    let err = error_of("INSERT INTO w2_users VALUES ('someone')");
    assert!(
        err.starts_with("HV00D the Jira entity \"users\" cannot be changed from SQL")
            && err.contains("work on tables of: issues, comments, worklogs"),
        "{err}"
    );
    let err = error_of("DELETE FROM w2_comments");
    assert!(err.contains("need its id column"), "{err}");
    Spi::run("ALTER FOREIGN TABLE w2_issues OPTIONS (ADD read_only 'true')").unwrap();
    let err = error_of("DELETE FROM w2_issues WHERE key = 'ALPHA-1'");
    assert!(
        err.starts_with("HV00D the foreign table is read-only (option read_only)"),
        "{err}"
    );
    Spi::run("CREATE FOREIGN TABLE w2_keys (summary text) SERVER w2 OPTIONS (entity 'issues')")
        .unwrap();
    let err = error_of("DELETE FROM w2_keys");
    assert!(err.contains("need its id column"), "{err}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requested_paths());
    Spi::run("CREATE FOREIGN TABLE w2_more (id bigint, summary text, status_name text) SERVER w2 OPTIONS (entity 'issues')")
        .unwrap();
    let plan = explain("UPDATE w2_more SET summary = 'x', status_name = 'Done' WHERE id = 10001");
    assert!(
        plan.contains(
            "Jira Request: PUT /rest/api/3/issue/{id}, POST /rest/api/3/issue/{}/transitions"
        ),
        "{plan}"
    );
    let plan = explain("INSERT INTO w2_more (summary) VALUES ('x')");
    assert!(
        plan.contains("Jira Request: POST /rest/api/3/issue"),
        "{plan}"
    );
    assert!(fake.requests().is_empty(), "EXPLAIN sends nothing");
}

/// Commands run as a client's, each in its own `-c` of one `psql`, with what it printed
/// (notices and warnings included).
fn psql(commands: &[&str]) -> String {
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("psql")))
        .expect("the server's bin directory");
    let socket: String =
        one("SELECT split_part(current_setting('unix_socket_directories'), ',', 1)");
    let port: String = one("SELECT current_setting('port')");
    let db: String = one("SELECT current_database()::text");
    let user: String = one("SELECT current_user::text");
    let mut command = std::process::Command::new(bin);
    command.args(["-X", "-h", &socket, "-p", &port, "-d", &db, "-U", &user]);
    for c in commands {
        command.args(["-c", c]);
    }
    let out = command.output().expect("psql runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn rolled_back_writes_are_named() {
    let fake = Fake::start(5, 53);
    let setup = format!(
        "CREATE SERVER w3 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment 'cloud'); \
         CREATE USER MAPPING FOR CURRENT_USER SERVER w3 OPTIONS (user '{USER}', api_token '{TOKEN}'); \
         CREATE FOREIGN TABLE w3_issues (key text, project_key text, issue_type_name text, summary text) \
             SERVER w3 OPTIONS (entity 'issues');",
        fake.url
    );
    let out = psql(&[
        &setup,
        "BEGIN; \
         INSERT INTO w3_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'one'), ('SET', 'Task', 'two'); \
         ROLLBACK;",
    ]);
    // Issues the fake holds beyond the 5 it generated.
    let created = |fake: &Fake| {
        fake.jira_json("/_fake/issues")
            .as_array()
            .map_or(0, Vec::len)
            - 5
    };
    assert_eq!(created(&fake), 2, "{out}");
    assert!(
        out.contains("WARNING:  the transaction rolled back, but Jira keeps the 2 changes it was sent: created OPS-")
            && out.contains(", created SET-")
            && out.contains("HINT:  Jira has no transactions"),
        "{out}"
    );
    // Edits and deletes are named by the key when the table has one.
    let out = psql(&[
        "CREATE FOREIGN TABLE w3_more (id bigint, key text, summary text) SERVER w3 OPTIONS (entity 'issues')",
        "BEGIN; UPDATE w3_more SET summary = 'changed' WHERE key = 'ALPHA-1'; \
         DELETE FROM w3_more WHERE key = 'BETA-1'; ROLLBACK;",
    ]);
    assert!(
        out.contains("Jira keeps the 2 changes it was sent: edited ALPHA-1, deleted BETA-1"),
        "{out}"
    );
    // A statement that fails halfway: the first row went in, and the WARNING says so.
    fake.clear_requests();
    let out = psql(&[
        "INSERT INTO w3_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'kept'), ('OPS', 'Bug', NULL)",
        "DROP SERVER w3 CASCADE",
    ]);
    assert!(
        out.contains("ERROR:  Jira created 1 of 2 issues of the INSERT's rows 1..2; it refused row 2: summary: You must specify a summary of the issue.")
            && out.contains("HINT:  Created: OPS-"),
        "{out}"
    );
    assert!(
        out.contains("Jira keeps the 1 change it was sent: created OPS-"),
        "{out}"
    );
    // Two created, one kept from the failed INSERT, one deleted above.
    assert_eq!(created(&fake), 2, "{out}");
}

/// A change whose answer is lost is not sent again (Jira may have made it); a read is.
pub fn a_change_is_never_sent_twice() {
    let fake = Fake::start(3, 54);
    fake.install("w4", TOKEN);
    fake.clear_requests();
    fake.faults(serde_json::json!([{"kind": "reset", "path_prefix": "/rest/api/3/issue"}]));
    let err = error_of(
        "INSERT INTO w4_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'once')",
    );
    assert!(
        err.starts_with("HV00N ") && err.contains("it is not sent again"),
        "{err}"
    );
    let creates = |fake: &Fake| {
        sent(fake, "POST", "/rest/api/3/issue")
            .into_iter()
            .filter(|(p, _)| p == "/rest/api/3/issue" || p == "/rest/api/3/issue/bulk")
            .count()
    };
    assert_eq!(creates(&fake), 1);
    // Jira made it: one issue, found by a later read.
    let made: i64 = one("SELECT count(*) FROM w4_issues WHERE summary = 'once'");
    assert_eq!(made, 1);
    // A 503 without Retry-After may come after the work is done: not sent again. A 429 is a
    // refusal before any work: sent again after the pause.
    fake.clear_requests();
    fake.faults(
        serde_json::json!([{"kind": "status", "status": 503, "path_prefix": "/rest/api/3/issue"}]),
    );
    let err = error_of(
        "INSERT INTO w4_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'maybe')",
    );
    assert!(err.contains("Jira answered HTTP 503"), "{err}");
    assert_eq!(creates(&fake), 1);
    fake.clear_requests();
    fake.faults(serde_json::json!([{"kind": "status", "status": 429, "retry_after": 0, "path_prefix": "/rest/api/3/issue"}]));
    Spi::run("INSERT INTO w4_issues (project_key, issue_type_name, summary) VALUES ('OPS', 'Bug', 'later')")
        .unwrap();
    assert_eq!(creates(&fake), 2);
    // A search that loses its answer is simply asked again.
    fake.clear_requests();
    fake.faults(serde_json::json!([{"kind": "reset", "path_prefix": "/rest/api/3/search/jql"}]));
    let all: i64 = one("SELECT count(*) FROM w4_issues");
    assert_eq!(all, 5);
    assert_eq!(fake.searched_jql().len(), 2);
}

/// A multi-row INSERT sends the rows in bulk creates of `batch_size` (50 by default).
pub fn inserts_are_sent_in_bulk() {
    let fake = Fake::start(10, 55);
    fake.install("w5", TOKEN);
    fake.clear_requests();
    Spi::run(
        "INSERT INTO w5_issues (project_key, issue_type_name, summary, labels) \
         SELECT 'SET', 'Task', 'Bulk ' || g, ARRAY['bulk'] FROM generate_series(1, 120) g",
    )
    .unwrap();
    let bulks = sent(&fake, "POST", "/rest/api/3/issue/bulk");
    let sizes: Vec<usize> = bulks
        .iter()
        .map(|(_, b)| b["issueUpdates"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [50, 50, 20]);
    assert!(sent(&fake, "POST", "/rest/api/3/issue")
        .iter()
        .all(|(p, _)| p != "/rest/api/3/issue"));
    let (rows, distinct): (i64, i64) = Spi::get_two(
        "SELECT count(*), count(DISTINCT summary) FROM w5_issues WHERE labels @> ARRAY['bulk']",
    )
    .map(|(a, b)| (a.unwrap_or(0), b.unwrap_or(0)))
    .unwrap();
    assert_eq!((rows, distinct), (120, 120));
    // batch_size picks the size; a failed row is named, with what went in.
    Spi::run("ALTER FOREIGN TABLE w5_issues OPTIONS (ADD batch_size '2')").unwrap();
    fake.clear_requests();
    let err = error_of(
        "INSERT INTO w5_issues (project_key, issue_type_name, summary) \
         VALUES ('OPS', 'Bug', 'a'), ('OPS', 'Bug', 'b'), ('NOPE', 'Bug', 'c')",
    );
    assert!(
        err.starts_with("22023 Jira created none of the INSERT's rows 3..3: element 0: project:"),
        "{err}"
    );
    let sizes: Vec<usize> = sent(&fake, "POST", "/rest/api/3/issue/bulk")
        .iter()
        .map(|(_, b)| b["issueUpdates"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [2, 1]);
    let err = error_of("ALTER FOREIGN TABLE w5_issues OPTIONS (SET batch_size '51')");
    assert!(err.starts_with("HV00D"), "{err}");
}

/// On Data Center the same statements send v2's forms: text as strings, users by name.
pub fn data_center_writes() {
    let fake = Fake::start_with(8, 56, &["--deployment", "server"]);
    fake.install_as("w6", TOKEN, "server");
    let someone: String = one(
        "SELECT assignee_account_id FROM w6_local WHERE assignee_account_id IS NOT NULL LIMIT 1",
    );
    fake.clear_requests();
    let key: String = one(&format!(
        "INSERT INTO w6_issues (project_key, issue_type_name, summary, description, assignee_account_id) \
         VALUES ('OPS', 'Bug', 'On DC', E'line one\\nline two', '{someone}') RETURNING key"
    ));
    let creates = sent(&fake, "POST", "/rest/api/2/issue");
    let fields = &creates
        .iter()
        .find(|(p, _)| p == "/rest/api/2/issue")
        .expect("a v2 create")
        .1["fields"];
    assert_eq!(fields["description"], "line one\nline two");
    assert_eq!(fields["assignee"], serde_json::json!({ "name": someone }));
    let row: String = one(&format!(
        "SELECT description || '|' || assignee_account_id FROM w6_issues WHERE key = '{key}'"
    ));
    assert_eq!(row, format!("line one\n\nline two|{someone}"));
    Spi::run(&format!(
        "UPDATE w6_issues SET status_name = 'Done' WHERE key = '{key}'"
    ))
    .unwrap();
    let status: String = one(&format!(
        "SELECT status_name FROM w6_issues WHERE key = '{key}'"
    ));
    assert_eq!(status, "Done");
    Spi::run(
        "INSERT INTO w6_issues (project_key, issue_type_name, summary) \
         SELECT 'SET', 'Task', 'dc ' || g FROM generate_series(1, 3) g",
    )
    .unwrap();
    assert_eq!(sent(&fake, "POST", "/rest/api/2/issue/bulk").len(), 1);
    // Children too: a comment's body and a worklog's comment are strings there.
    Spi::run(
        "CREATE FOREIGN TABLE w6_comments (issue_key text, id bigint, body text) \
             SERVER w6 OPTIONS (entity 'comments'); \
         CREATE FOREIGN TABLE w6_worklogs (issue_key text, id bigint, time_spent_seconds bigint, \
             comment text) SERVER w6 OPTIONS (entity 'worklogs')",
    )
    .unwrap();
    let comment: i64 = one(&format!(
        "INSERT INTO w6_comments (issue_key, body) VALUES ('{key}', 'From DC') RETURNING id"
    ));
    let posts = sent(&fake, "POST", &format!("/rest/api/2/issue/{key}/comment"));
    assert_eq!(posts[0].1["body"], "From DC");
    Spi::run(&format!(
        "UPDATE w6_comments SET body = 'Edited on DC' WHERE issue_key = '{key}' AND id = {comment}"
    ))
    .unwrap();
    let body: String = one(&format!(
        "SELECT body FROM w6_comments WHERE issue_key = '{key}' AND id = {comment}"
    ));
    assert_eq!(body, "Edited on DC");
    let logged: String = one(&format!(
        "INSERT INTO w6_worklogs (issue_key, time_spent_seconds, comment) \
         VALUES ('{key}', 1800, 'Half an hour') RETURNING time_spent_seconds || '|' || comment"
    ));
    assert_eq!(logged, "1800|Half an hour");
    Spi::run(&format!("DELETE FROM w6_issues WHERE key = '{key}'")).unwrap();
    let deletes: Vec<(String, Value)> = sent(&fake, "DELETE", "/rest/api/2/issue/")
        .into_iter()
        .filter(|(p, _)| !p.contains("/comment/") && !p.contains("/worklog/"))
        .collect();
    assert_eq!(deletes.len(), 1);
    assert!(
        !fake
            .requested_paths()
            .iter()
            .any(|p| p.starts_with("/rest/api/3/")),
        "{:?}",
        fake.requested_paths()
    );
}

/// Comments: INSERT under an issue, UPDATE of the body, DELETE.
pub fn comments_round_trip() {
    let fake = Fake::start(6, 57);
    fake.install("w7", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w7_comments (issue_key text, id bigint, body text, body_adf jsonb, \
         author_account_id text, created timestamptz) SERVER w7 OPTIONS (entity 'comments')",
    )
    .unwrap();
    let before: i64 = one("SELECT count(*) FROM w7_comments WHERE issue_key = 'ALPHA-1'");
    fake.clear_requests();
    let id: i64 = one(
        "INSERT INTO w7_comments (issue_key, body) VALUES ('ALPHA-1', E'Hello\\nWorld') \
         RETURNING id",
    );
    let posts = sent(&fake, "POST", "/rest/api/3/issue/ALPHA-1/comment");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1["body"]["type"], "doc");
    let (count, body): (i64, String) = Spi::get_two(&format!(
        "SELECT (SELECT count(*) FROM w7_comments WHERE issue_key = 'ALPHA-1'), \
                (SELECT body FROM w7_comments WHERE issue_key = 'ALPHA-1' AND id = {id})"
    ))
    .map(|(a, b)| (a.unwrap_or(0), b.unwrap_or_default()))
    .unwrap();
    assert_eq!((count, body.as_str()), (before + 1, "Hello\n\nWorld"));
    fake.clear_requests();
    Spi::run(&format!(
        "UPDATE w7_comments SET body = 'Edited' WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ))
    .unwrap();
    let puts = sent(&fake, "PUT", "/rest/api/3/issue/");
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(puts[0].0, format!("/rest/api/3/issue/ALPHA-1/comment/{id}"));
    let body: String = one(&format!(
        "SELECT body FROM w7_comments WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ));
    assert_eq!(body, "Edited");
    let err = error_of(&format!(
        "UPDATE w7_comments SET created = now() WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ));
    assert!(err.contains("Writable columns: issue_key, body"), "{err}");
    // A parent that URL parsing would resolve away is refused, and nothing is sent.
    fake.clear_requests();
    let err = error_of("INSERT INTO w7_comments (issue_key, body) VALUES ('..', 'up')");
    assert!(
        err.starts_with("22023 \"..\" is not a Jira key or id"),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requested_paths());
    let err = error_of("INSERT INTO w7_comments (body) VALUES ('orphan')");
    assert!(
        err.starts_with("22023 a row of Jira's comments needs its parent (column issue_key)"),
        "{err}"
    );
    Spi::run(&format!(
        "DELETE FROM w7_comments WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ))
    .unwrap();
    let after: i64 = one("SELECT count(*) FROM w7_comments WHERE issue_key = 'ALPHA-1'");
    assert_eq!(after, before);
    assert_eq!(
        sent(&fake, "DELETE", "/rest/api/3/issue/ALPHA-1/comment/").len(),
        1
    );
}

/// Worklogs: INSERT of time, start and comment; UPDATE; DELETE; the time spent follows.
pub fn worklogs_round_trip() {
    let fake = Fake::start(6, 58);
    fake.install("w8", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w8_worklogs (issue_key text, id bigint, time_spent_seconds bigint, \
         time_spent text, started timestamptz, comment text) SERVER w8 OPTIONS (entity 'worklogs')",
    )
    .unwrap();
    let spent = || -> i64 {
        one("SELECT coalesce(time_spent_seconds, 0) FROM w8_issues WHERE key = 'BETA-1'")
    };
    let before = spent();
    fake.clear_requests();
    let row: String = one(
        "INSERT INTO w8_worklogs (issue_key, time_spent_seconds, started, comment) \
         VALUES ('BETA-1', 5400, '2026-03-01 09:30:00+00', 'Pairing') \
         RETURNING id || '|' || time_spent || '|' || started || '|' || comment",
    );
    let parts: Vec<&str> = row.split('|').collect();
    assert_eq!(
        &parts[1..],
        ["1h 30m", "2026-03-01 09:30:00+00", "Pairing"],
        "{row}"
    );
    let id = parts[0];
    let posts = sent(&fake, "POST", "/rest/api/3/issue/BETA-1/worklog");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1["timeSpentSeconds"], 5400);
    assert_eq!(posts[0].1["started"], "2026-03-01T09:30:00.000+0000");
    assert_eq!(spent(), before + 5400);
    Spi::run(&format!(
        "UPDATE w8_worklogs SET time_spent_seconds = 3600 WHERE issue_key = 'BETA-1' AND id = {id}"
    ))
    .unwrap();
    assert_eq!(spent(), before + 3600);
    let err =
        error_of("INSERT INTO w8_worklogs (issue_key, time_spent_seconds) VALUES ('BETA-1', 30)");
    assert!(
        err.starts_with("HV000 Jira answered HTTP 400") && err.contains("timeLogged"),
        "{err}"
    );
    Spi::run(&format!(
        "DELETE FROM w8_worklogs WHERE issue_key = 'BETA-1' AND id = {id}"
    ))
    .unwrap();
    assert_eq!(spent(), before);
    let left: i64 = one(&format!(
        "SELECT count(*) FROM w8_worklogs WHERE issue_key = 'BETA-1' AND id = {id}"
    ));
    assert_eq!(left, 0);
}

/// Project versions and components: INSERT, UPDATE, DELETE.
pub fn versions_and_components_round_trip() {
    let fake = Fake::start(4, 59);
    fake.install("w9", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w9_versions (project_key text, id bigint, name text, description text, \
             released boolean, archived boolean, release_date date, start_date date) \
             SERVER w9 OPTIONS (entity 'project_versions'); \
         CREATE FOREIGN TABLE w9_components (project_key text, id bigint, name text, description text, \
             lead_account_id text, assignee_type text) SERVER w9 OPTIONS (entity 'project_components')",
    )
    .unwrap();
    fake.clear_requests();
    let row: String = one(
        "INSERT INTO w9_versions (project_key, name, description, released, release_date) \
         VALUES ('OPS', '3.0', 'The big one', false, '2027-01-15') \
         RETURNING id || '|' || project_key || '|' || name || '|' || released || '|' || release_date",
    );
    let parts: Vec<&str> = row.split('|').collect();
    assert_eq!(&parts[1..], ["OPS", "3.0", "false", "2027-01-15"], "{row}");
    let id = parts[0].to_string();
    let posts = sent(&fake, "POST", "/rest/api/3/version");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1["project"], "OPS");
    assert_eq!(posts[0].1["released"], false);
    Spi::run(&format!(
        "UPDATE w9_versions SET released = true, name = '3.0.0' WHERE project_key = 'OPS' AND id = {id}"
    ))
    .unwrap();
    let puts = sent(&fake, "PUT", "/rest/api/3/version/");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].0, format!("/rest/api/3/version/{id}"));
    let now: String = one(&format!(
        "SELECT name || '|' || released FROM w9_versions WHERE project_key = 'OPS' AND id = {id}"
    ));
    assert_eq!(now, "3.0.0|true");
    // RETURNING after an UPDATE reads the parent the row was found under.
    let back: String = one(&format!(
        "UPDATE w9_versions SET description = 'Bigger' WHERE project_key = 'OPS' AND id = {id} \
         RETURNING project_key || '|' || description"
    ));
    assert_eq!(back, "OPS|Bigger");
    let err = error_of("INSERT INTO w9_versions (project_key, name) VALUES ('OPS', '3.0.0')");
    assert!(err.contains("already exists in this project"), "{err}");
    Spi::run(&format!("DELETE FROM w9_versions WHERE id = {id}")).unwrap();
    let left: i64 = one(&format!("SELECT count(*) FROM w9_versions WHERE id = {id}"));
    assert_eq!(left, 0);

    let lead: String =
        one("SELECT lead_account_id FROM w9_components WHERE lead_account_id IS NOT NULL LIMIT 1");
    let cid: i64 = one(&format!(
        "INSERT INTO w9_components (project_key, name, description, lead_account_id) \
         VALUES ('SET', 'Billing', 'Money', '{lead}') RETURNING id"
    ));
    let posts = sent(&fake, "POST", "/rest/api/3/component");
    assert_eq!(posts.last().unwrap().1["leadAccountId"], lead.as_str());
    Spi::run(&format!(
        "UPDATE w9_components SET description = 'Invoices' WHERE project_key = 'SET' AND id = {cid}"
    ))
    .unwrap();
    let row: String = one(&format!(
        "SELECT name || '|' || description || '|' || lead_account_id FROM w9_components \
         WHERE project_key = 'SET' AND id = {cid}"
    ));
    assert_eq!(row, format!("Billing|Invoices|{lead}"));
    Spi::run(&format!(
        "DELETE FROM w9_components WHERE project_key = 'SET' AND id = {cid}"
    ))
    .unwrap();
    let left: i64 = one(&format!(
        "SELECT count(*) FROM w9_components WHERE id = {cid}"
    ));
    assert_eq!(left, 0);
}

/// Issue links and watchers: added and removed, never edited.
pub fn links_and_watchers_round_trip() {
    let fake = Fake::start(6, 60);
    fake.install("w10", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w10_links (issue_key text, id bigint, type_name text, \
             inward_issue_key text, outward_issue_key text) SERVER w10 OPTIONS (entity 'issue_links'); \
         CREATE FOREIGN TABLE w10_watchers (issue_key text, account_id text, display_name text) \
             SERVER w10 OPTIONS (entity 'watchers')",
    )
    .unwrap();
    fake.clear_requests();
    Spi::run(
        "INSERT INTO w10_links (issue_key, type_name, outward_issue_key) VALUES ('ALPHA-1', 'Blocks', 'BETA-1')",
    )
    .unwrap();
    let posts = sent(&fake, "POST", "/rest/api/3/issueLink");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].1,
        serde_json::json!({"type": {"name": "Blocks"}, "outwardIssue": {"key": "BETA-1"}, "inwardIssue": {"key": "ALPHA-1"}})
    );
    let id: i64 = one(
        "SELECT id FROM w10_links WHERE issue_key = 'ALPHA-1' AND outward_issue_key = 'BETA-1' AND type_name = 'Blocks'",
    );
    let other: i64 = one(&format!(
        "SELECT count(*) FROM w10_links WHERE issue_key = 'BETA-1' AND inward_issue_key = 'ALPHA-1' AND id = {id}"
    ));
    assert_eq!(other, 1);
    let err = error_of(&format!(
        "UPDATE w10_links SET type_name = 'Cloners' WHERE id = {id}"
    ));
    assert!(
        err.contains("cannot be edited, only added and deleted"),
        "{err}"
    );
    let err = error_of(
        "INSERT INTO w10_links (issue_key, type_name, inward_issue_key) VALUES ('ALPHA-1', 'Blocks', 'SET-1') RETURNING id",
    );
    assert!(
        err.contains("RETURNING is not available for issue_links"),
        "{err}"
    );
    Spi::run(&format!(
        "DELETE FROM w10_links WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ))
    .unwrap();
    assert_eq!(
        sent(&fake, "DELETE", &format!("/rest/api/3/issueLink/{id}")).len(),
        1
    );
    let gone: i64 = one(&format!("SELECT count(*) FROM w10_links WHERE id = {id}"));
    assert_eq!(gone, 0);

    let someone: String =
        one("SELECT account_id FROM w10_watchers WHERE issue_key <> 'OPS-1' LIMIT 1");
    Spi::run(&format!(
        "DELETE FROM w10_watchers WHERE issue_key = 'OPS-1' AND account_id = '{someone}'"
    ))
    .unwrap();
    fake.clear_requests();
    Spi::run(&format!(
        "INSERT INTO w10_watchers (issue_key, account_id) VALUES ('OPS-1', '{someone}')"
    ))
    .unwrap();
    let posts = sent(&fake, "POST", "/rest/api/3/issue/OPS-1/watchers");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1, serde_json::json!(someone));
    let watching: i64 = one(&format!(
        "SELECT count(*) FROM w10_watchers WHERE issue_key = 'OPS-1' AND account_id = '{someone}'"
    ));
    assert_eq!(watching, 1);
    Spi::run(&format!(
        "DELETE FROM w10_watchers WHERE issue_key = 'OPS-1' AND account_id = '{someone}'"
    ))
    .unwrap();
    let deletes: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0]["path"], "/rest/api/3/issue/OPS-1/watchers");
    assert_eq!(deletes[0]["query"], format!("accountId={someone}"));
    let watching: i64 = one(&format!(
        "SELECT count(*) FROM w10_watchers WHERE issue_key = 'OPS-1' AND account_id = '{someone}'"
    ));
    assert_eq!(watching, 0);
}

/// Attachments: uploaded with `jira_fdw.add_attachment`, removed with DELETE.
pub fn attachments_are_uploaded_and_deleted() {
    let fake = Fake::start(4, 62);
    fake.install("w12", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w12_attachments (issue_key text, id bigint, filename text, size bigint, \
         mime_type text) SERVER w12 OPTIONS (entity 'attachments')",
    )
    .unwrap();
    fake.clear_requests();
    let id: i64 = one(
        "SELECT jira_fdw.add_attachment('w12', 'ALPHA-1', 'notes.txt', convert_to('hello, jira', 'UTF8'))",
    );
    let uploads: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r["path"] == "/rest/api/3/issue/ALPHA-1/attachments")
        .collect();
    assert_eq!(uploads.len(), 1);
    let row: String = one(&format!(
        "SELECT filename || '|' || size || '|' || mime_type FROM w12_attachments \
         WHERE issue_key = 'ALPHA-1' AND id = {id}"
    ));
    assert_eq!(row, "notes.txt|11|text/plain");
    let err = error_of("INSERT INTO w12_attachments (issue_key, filename) VALUES ('ALPHA-1', 'x')");
    assert!(err.contains("jira_fdw.add_attachment"), "{err}");
    let err = error_of("SELECT jira_fdw.add_attachment('w12', '..', 'notes.txt', '\\x00')");
    assert!(
        err.starts_with("22023 \"..\" is not a Jira issue key"),
        "{err}"
    );
    let err =
        error_of("SELECT jira_fdw.add_attachment('w12', 'ALPHA-1', '../etc/passwd', '\\x00')");
    assert!(
        err.starts_with("22023 an attachment needs a file name without slashes"),
        "{err}"
    );
    Spi::run(&format!("DELETE FROM w12_attachments WHERE id = {id}")).unwrap();
    assert_eq!(
        sent(&fake, "DELETE", &format!("/rest/api/3/attachment/{id}")).len(),
        1
    );
    let left: i64 = one(&format!(
        "SELECT count(*) FROM w12_attachments WHERE id = {id}"
    ));
    assert_eq!(left, 0);
    // Like the other functions, it is not granted to PUBLIC.
    let granted: bool = one(
        "SELECT has_function_privilege('public', 'jira_fdw.add_attachment(text, text, text, bytea)', 'EXECUTE')",
    );
    assert!(!granted);
}

/// Sprints: created on a scrum board, updated in part (by POST), moved future -> active.
pub fn sprints_round_trip() {
    let fake = Fake::start(6, 63);
    fake.install("w13", TOKEN);
    Spi::run(
        "CREATE FOREIGN TABLE w13_boards (id bigint, type text) SERVER w13 OPTIONS (entity 'boards'); \
         CREATE FOREIGN TABLE w13_sprints (board_id bigint, id bigint, name text, state text, \
             start_date timestamptz, end_date timestamptz, goal text) SERVER w13 OPTIONS (entity 'sprints')",
    )
    .unwrap();
    let board: i64 = one("SELECT id FROM w13_boards WHERE type = 'scrum' ORDER BY id LIMIT 1");
    fake.clear_requests();
    let row: String = one(&format!(
        "INSERT INTO w13_sprints (board_id, name, goal, start_date, end_date) \
         VALUES ({board}, 'Sprint X', 'Ship it', '2027-02-01 09:00+00', '2027-02-15 17:00+00') \
         RETURNING concat_ws('|', id, coalesce(board_id::text, 'null'), coalesce(state, 'null'), coalesce(goal, 'null'))"
    ));
    let parts: Vec<&str> = row.split('|').collect();
    assert_eq!(
        &parts[1..],
        [board.to_string().as_str(), "future", "Ship it"],
        "{row}"
    );
    let id = parts[0];
    let posts = sent(&fake, "POST", "/rest/agile/1.0/sprint");
    assert_eq!(posts[0].1["originBoardId"], board);
    Spi::run(&format!(
        "UPDATE w13_sprints SET state = 'active' WHERE board_id = {board} AND id = {id}"
    ))
    .unwrap();
    let updates = sent(&fake, "POST", &format!("/rest/agile/1.0/sprint/{id}"));
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].1, serde_json::json!({"state": "active"}));
    let state: String = one(&format!("SELECT state FROM w13_sprints WHERE id = {id}"));
    assert_eq!(state, "active");
    let err = error_of(&format!(
        "UPDATE w13_sprints SET state = 'future' WHERE board_id = {board} AND id = {id}"
    ));
    assert!(
        err.contains("A sprint cannot go from active to future"),
        "{err}"
    );
    let goal: String = one(&format!("SELECT goal FROM w13_sprints WHERE id = {id}"));
    assert_eq!(goal, "Ship it");
    let back: String = one(&format!(
        "UPDATE w13_sprints SET goal = 'Ship it well' WHERE board_id = {board} AND id = {id} \
         RETURNING board_id || '|' || goal"
    ));
    assert_eq!(back, format!("{board}|Ship it well"));
    Spi::run(&format!("DELETE FROM w13_sprints WHERE id = {id}")).unwrap();
    let left: i64 = one(&format!("SELECT count(*) FROM w13_sprints WHERE id = {id}"));
    assert_eq!(left, 0);
}
