//! End-to-end tests of the entities other than issues, and of IMPORT FOREIGN SCHEMA.

use pgrx::prelude::*;
use serde_json::Value;

use super::support::{error_of, one, texts, Fake, TOKEN, USER};

fn import(fake: &Fake, server: &str, schema: &str, clause: &str) {
    Spi::run(&format!(
        "CREATE SERVER {server} FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment 'cloud');
         CREATE USER MAPPING FOR CURRENT_USER SERVER {server} OPTIONS (user '{USER}', api_token '{TOKEN}');
         CREATE SCHEMA {schema};
         IMPORT FOREIGN SCHEMA jira {clause} FROM SERVER {server} INTO {schema};",
        fake.url
    ))
    .expect("import");
}

fn tables(schema: &str) -> Vec<String> {
    texts(&format!(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = '{schema}' AND c.relkind = 'f' ORDER BY 1"
    ))
}

pub fn import_foreign_schema() {
    let fake = Fake::start(20, 1);
    import(&fake, "e1", "e1_all", "");
    let all = tables("e1_all");
    assert_eq!(all.len(), crate::catalog::Entity::all().count(), "{all:?}");
    assert!(all.contains(&"issues".to_string()) && all.contains(&"sprints".to_string()));
    assert_eq!(one::<i64>("SELECT count(*) FROM e1_all.issues"), 20);
    Spi::run(
        "CREATE SCHEMA e1_some; IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, projects, no_such_table) FROM SERVER e1 INTO e1_some;
         CREATE SCHEMA e1_except; IMPORT FOREIGN SCHEMA jira EXCEPT (issues, comments) FROM SERVER e1 INTO e1_except;
         CREATE SCHEMA \"E1 Mixed\"; IMPORT FOREIGN SCHEMA JIRA LIMIT TO (myself) FROM SERVER e1 INTO \"E1 Mixed\";",
    )
    .unwrap();
    assert_eq!(tables("e1_some"), vec!["issues", "projects"]);
    let except = tables("e1_except");
    assert_eq!(except.len(), all.len() - 2);
    assert!(!except.contains(&"issues".to_string()) && !except.contains(&"comments".to_string()));
    assert_eq!(tables("E1 Mixed"), vec!["myself"]);
    // Every imported column says which Jira field it reads and what is pushed down.
    let uncommented = texts(
        "SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname IN ('e1_all', 'e1_except', 'E1 Mixed') AND a.attnum > 0 AND NOT a.attisdropped \
         AND col_description(c.oid, a.attnum) IS NULL",
    );
    assert!(uncommented.is_empty(), "{uncommented:?}");
    let comment = |table: &str, column: &str| -> String {
        one(&format!(
            "SELECT col_description('{table}'::regclass, (SELECT attnum FROM pg_attribute \
             WHERE attrelid = '{table}'::regclass AND attname = '{column}'))"
        ))
    };
    assert_eq!(
        comment("e1_all.issues", "status_name"),
        "Jira field status. Pushdown: = and IN as JQL status, a superset (Jira ignores case), rechecked."
    );
    assert_eq!(
        comment("e1_all.issues", "updated"),
        "Jira field updated. Pushdown: =, <, <=, >, >= as JQL updated in epoch milliseconds, exact; ORDER BY as JQL ORDER BY updated."
    );
    assert_eq!(
        comment("e1_all.projects", "lead_account_id"),
        "Jira JSON member lead.accountId. Pushdown: not pushed down: conditions are evaluated by Postgres."
    );
    assert!(comment("e1_all.comments", "issue_key").contains("choose the parents to read"));
    assert!(comment("e1_all.worklogs", "updated").contains("worklog/updated"));
    // A table created by hand has no comments.
    Spi::run("CREATE FOREIGN TABLE e1_some.by_hand (key text) SERVER e1 OPTIONS (entity 'issues')")
        .unwrap();
    let none: Option<String> =
        Spi::get_one("SELECT col_description('e1_some.by_hand'::regclass, 1)").unwrap();
    assert_eq!(none, None);
    let err = error_of("IMPORT FOREIGN SCHEMA public FROM SERVER e1 INTO e1_some");
    assert!(
        err.starts_with("HV00D jira_fdw has no remote schema \"public\""),
        "{err}"
    );
    let err = error_of(
        "IMPORT FOREIGN SCHEMA jira FROM SERVER e1 INTO e1_some OPTIONS (nonsense 'true')",
    );
    assert!(
        err.contains("invalid IMPORT FOREIGN SCHEMA option"),
        "{err}"
    );
}

/// Compares a list entity with the fake's JSON: same number of rows, and the same values of
/// `column` read by Postgres' own JSON functions at `path`.
fn same_as_json(table: &str, items: &[Value], column: &str, path: &str) {
    same_as_json_where(table, "true", items, column, path);
}

/// `same_as_json` for the rows of `table` that satisfy `condition`.
fn same_as_json_where(table: &str, condition: &str, items: &[Value], column: &str, path: &str) {
    let json = Value::Array(items.to_vec()).to_string().replace('\'', "''");
    let expected: Vec<String> = texts(&format!(
        "SELECT coalesce(e #>> '{{{path}}}', '<null>') FROM jsonb_array_elements('{json}'::jsonb) e ORDER BY 1"
    ));
    let actual: Vec<String> = texts(&format!(
        "SELECT coalesce({column}::text, '<null>') FROM {table} WHERE {condition} ORDER BY 1"
    ));
    assert_eq!(actual, expected, "{table}.{column}");
}

pub fn list_entities() {
    let fake = Fake::start(40, 2);
    import(&fake, "e2", "e2", "");
    let projects =
        fake.jira_json("/rest/api/3/project/search?expand=lead,description&maxResults=100");
    let projects = projects["values"].as_array().cloned().unwrap_or_default();
    assert!(projects.len() >= 4);
    same_as_json("e2.projects", &projects, "key", "key");
    same_as_json("e2.projects", &projects, "name", "name");
    same_as_json(
        "e2.projects",
        &projects,
        "lead_account_id",
        "lead,accountId",
    );
    for (table, path, column, json_path) in [
        ("e2.fields", "/rest/api/3/field", "id", "id"),
        (
            "e2.fields",
            "/rest/api/3/field",
            "schema_custom_id",
            "schema,customId",
        ),
        ("e2.priorities", "/rest/api/3/priority", "name", "name"),
        (
            "e2.statuses",
            "/rest/api/3/status",
            "status_category_name",
            "statusCategory,name",
        ),
        (
            "e2.status_categories",
            "/rest/api/3/statuscategory",
            "key",
            "key",
        ),
        ("e2.resolutions", "/rest/api/3/resolution", "name", "name"),
        (
            "e2.issue_types",
            "/rest/api/3/issuetype",
            "subtask",
            "subtask",
        ),
        (
            "e2.users",
            "/rest/api/3/users/search?maxResults=1000",
            "display_name",
            "displayName",
        ),
    ] {
        let items = fake.jira_json(path).as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty(), "{path}");
        same_as_json(table, &items, column, json_path);
    }
    let labels = fake.jira_json("/rest/api/3/label?maxResults=1000");
    let mut expected: Vec<String> = labels["values"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut actual = texts("SELECT label FROM e2.labels");
    expected.sort();
    actual.sort();
    assert!(!actual.is_empty());
    assert_eq!(actual, expected);
    let tz: String = one("SELECT time_zone FROM e2.myself");
    assert_eq!(tz, "Australia/Sydney");
    let deployment: String = one("SELECT deployment_type FROM e2.server_info");
    assert_eq!(deployment, "Cloud");
    let clause: bool =
        one("SELECT 'cf[10010]' = ANY(clause_names) FROM e2.fields WHERE id = 'customfield_10010'");
    assert!(clause);
    let statuses_cover_issues: bool = one(
        "SELECT NOT EXISTS (SELECT i.status_name FROM e2.issues i EXCEPT SELECT s.name FROM e2.statuses s)",
    );
    assert!(statuses_cover_issues);
}

pub fn child_entities() {
    let fake = Fake::start(30, 3);
    import(&fake, "e3", "e3", "");
    // By issue: only that issue's endpoint is called.
    let key: String = one("SELECT key FROM e3.issues ORDER BY id LIMIT 1");
    let expected = fake.jira_json(&format!("/rest/api/3/issue/{key}/comment"));
    fake.clear_requests();
    let n: i64 = one(&format!(
        "SELECT count(*) FROM e3.comments WHERE issue_key = '{key}'"
    ));
    assert_eq!(n, expected["total"].as_i64().unwrap());
    let paths = fake.requested_paths();
    assert_eq!(paths, vec![format!("/rest/api/3/issue/{key}/comment")]);
    // Every issue: the issues are listed, then each one's comments; totals agree.
    let keys = texts("SELECT key FROM e3.issues");
    let mut total = 0;
    let mut worklogs = 0;
    for k in &keys {
        total += fake.jira_json(&format!("/rest/api/3/issue/{k}/comment"))["total"]
            .as_i64()
            .unwrap_or(0);
        worklogs += fake.jira_json(&format!("/rest/api/3/issue/{k}/worklog"))["total"]
            .as_i64()
            .unwrap_or(0);
    }
    assert!(total > 0 && worklogs > 0);
    assert_eq!(one::<i64>("SELECT count(*) FROM e3.comments"), total);
    assert_eq!(one::<i64>("SELECT count(*) FROM e3.worklogs"), worklogs);
    let in_list: i64 = one(&format!(
        "SELECT count(*) FROM e3.comments WHERE issue_key IN ('{}', '{}', 'NOPE-1')",
        keys[0], keys[1]
    ));
    let expected: i64 = [&keys[0], &keys[1]]
        .iter()
        .map(|k| {
            fake.jira_json(&format!("/rest/api/3/issue/{k}/comment"))["total"]
                .as_i64()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(in_list, expected);
    let rendered: bool =
        one("SELECT bool_and(body IS NOT NULL AND body_adf ? 'type') FROM e3.comments");
    assert!(rendered);
    // A join with issues sends each issue's key.
    let joined: i64 = one(
        "SELECT count(*) FROM e3.issues i JOIN e3.comments c ON c.issue_key = i.key WHERE i.project_key = 'SET'",
    );
    let direct: i64 = one("SELECT count(*) FROM e3.comments WHERE issue_key LIKE 'SET-%'");
    assert_eq!(joined, direct);
    // Components and versions of each project; sprints of each scrum board.
    let versions: i64 = one("SELECT count(*) FROM e3.project_versions");
    let fix_versions: i64 =
        one("SELECT count(DISTINCT (project_key, v)) FROM e3.issues, unnest(fix_versions) v");
    assert!(versions >= fix_versions, "{versions} < {fix_versions}");
    let sprint_boards: i64 = one("SELECT count(DISTINCT board_id) FROM e3.sprints");
    let scrum: i64 = one("SELECT count(*) FROM e3.boards WHERE type = 'scrum'");
    assert!(sprint_boards > 0 && sprint_boards <= scrum);
    let board: i64 = one("SELECT board_id FROM e3.sprints LIMIT 1");
    fake.clear_requests();
    let _: i64 = one(&format!(
        "SELECT count(*) FROM e3.sprints WHERE board_id = {board}"
    ));
    assert_eq!(fake.requests().len(), 1);
}

/// Custom fields through server `t` of `deployment` imported into schema `cf`.
pub fn custom_fields(deployment: &str, t: &str, cf: &str) {
    let dc = deployment == "server";
    let fake = Fake::start_with(120, 4, &["--deployment", deployment]);
    fake.install_as(t, TOKEN, deployment);
    Spi::run(&format!(
        "CREATE SCHEMA {cf};
         IMPORT FOREIGN SCHEMA jira LIMIT TO (issues) FROM SERVER {t} INTO {cf} OPTIONS (include_custom_fields 'true');",
    ))
    .unwrap();
    // Users are named by `name` on Data Center, rich text is wiki markup (a JSON string).
    let user_id = if dc { "name" } else { "accountId" };
    let document = if dc { "string" } else { "object" };
    let unpushed = if dc {
        "project IS NOT EMPTY ORDER BY id ASC"
    } else {
        "project IS NOT EMPTY"
    };
    let columns = texts(&format!(
        "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
         WHERE a.attrelid = '{cf}.issues'::regclass AND a.attnum > 0 AND a.attname IN \
         ('story_points', 'team', 'tags', 'start_date', 'approved_at', 'reviewer', 'notes', 'story_points_10017', 'custom_fields') ORDER BY 1",
    ));
    assert_eq!(
        columns,
        vec![
            "approved_at timestamp with time zone",
            "custom_fields jsonb",
            "notes text",
            "reviewer text",
            "start_date date",
            "story_points numeric",
            "story_points_10017 numeric",
            "tags text[]",
            "team text",
        ]
    );
    // Every value equals the raw custom field in the oracle's fields object.
    let same: bool = one(&format!(
        "SELECT (SELECT array_agg((key, story_points, team, tags, start_date, approved_at, reviewer) ORDER BY key) FROM {cf}.issues) = \
                (SELECT array_agg((key, (fields->>'customfield_10010')::numeric, fields->'customfield_10011'->>'value', \
                   CASE WHEN fields->'customfield_10012' IS NULL OR fields->'customfield_10012' = 'null' THEN NULL \
                        ELSE ARRAY(SELECT jsonb_array_elements_text(fields->'customfield_10012')) END, \
                   (fields->>'customfield_10013')::date, (fields->>'customfield_10014')::timestamptz, \
                   fields->'customfield_10015'->>'{user_id}') ORDER BY key) FROM {t}_local)",
    ));
    assert!(same, "custom field values differ from the oracle");
    // Pushed as cf[NNNNN] with the rules of their types; answers equal the oracle's.
    let team: String = one(&format!("SELECT fields->'customfield_10011'->>'value' FROM {t}_local WHERE fields->'customfield_10011'->>'value' IS NOT NULL ORDER BY key LIMIT 1"));
    let reviewer: String = one(&format!("SELECT fields->'customfield_10015'->>'{user_id}' FROM {t}_local WHERE fields->'customfield_10015'->>'{user_id}' IS NOT NULL ORDER BY key LIMIT 1"));
    // Textarea values are ADF (wiki markup) rendered to text, NULL exactly where Jira has none.
    let notes: bool = one(&format!(
        "SELECT bool_and((notes IS NULL) = (jsonb_typeof(fields->'customfield_10016') IS DISTINCT FROM '{document}')) \
         AND count(notes) > 0 AND bool_and(notes NOT LIKE '%\"type\"%') FROM {cf}.issues",
    ));
    assert!(notes, "notes differ from the raw field");
    let tag: String = one(&format!(
        "SELECT t FROM {t}_local, jsonb_array_elements_text(CASE WHEN jsonb_typeof(fields->'customfield_10012') = 'array' \
         THEN fields->'customfield_10012' ELSE '[]' END) t \
         WHERE t !~ '[''\"\\\\]' ORDER BY 1 LIMIT 1",
    ));
    for (condition, oracle, jql) in [
        (
            format!("team = '{team}'"),
            format!("fields->'customfield_10011'->>'value' = '{team}'"),
            format!("cf[10011] = \"{team}\""),
        ),
        (
            format!("reviewer = '{reviewer}'"),
            format!("fields->'customfield_10015'->>'{user_id}' = '{reviewer}'"),
            format!("cf[10015] = \"{reviewer}\""),
        ),
        (
            "start_date >= '2024-06-01'".to_string(),
            "(fields->>'customfield_10013')::date >= '2024-06-01'".to_string(),
            "cf[10013] >= \"2024-06-01\"".to_string(),
        ),
        (
            format!("'{tag}' = ANY(tags)"),
            format!("fields->'customfield_10012' ? '{tag}'"),
            format!("cf[10012] = \"{tag}\""),
        ),
        (
            "story_points > 3".to_string(),
            "(fields->>'customfield_10010')::numeric > 3".to_string(),
            "cf[10010] >= \"3\"".to_string(),
        ),
        (
            "story_points = 5".to_string(),
            "(fields->>'customfield_10010')::numeric = 5".to_string(),
            "cf[10010] = \"5\"".to_string(),
        ),
        (
            "story_points IN (1, 2.5, 8)".to_string(),
            "(fields->>'customfield_10010')::numeric IN (1, 2.5, 8)".to_string(),
            "cf[10010] IN (\"1\", \"2.5\", \"8\")".to_string(),
        ),
        (
            "story_points IS NULL".to_string(),
            "fields->>'customfield_10010' IS NULL".to_string(),
            "cf[10010] IS EMPTY".to_string(),
        ),
        (
            "story_points < 'NaN'".to_string(),
            "(fields->>'customfield_10010')::numeric < 'NaN'".to_string(),
            unpushed.to_string(),
        ),
        (
            "approved_at IS NULL".to_string(),
            "fields->>'customfield_10014' IS NULL".to_string(),
            "cf[10014] IS EMPTY".to_string(),
        ),
    ] {
        fake.clear_requests();
        let remote: Vec<String> = texts(&format!(
            "SELECT key FROM {cf}.issues WHERE {condition} ORDER BY key"
        ));
        let local: Vec<String> = texts(&format!(
            "SELECT key FROM {t}_local WHERE {oracle} ORDER BY key"
        ));
        assert_eq!(remote, local, "{condition}");
        let mut searched = fake.searched_jql();
        searched.dedup();
        // Data Center's later pages seek past the last id read.
        let sent = if dc && jql != unpushed {
            format!("{jql} ORDER BY id ASC")
        } else {
            jql.clone()
        };
        assert_eq!(searched.first(), Some(&sent), "{condition}");
        assert!(
            searched.iter().skip(1).all(|j| j.contains("id > ")),
            "{condition}: {searched:?}"
        );
    }
    // A hand-written table may name a custom field by id.
    Spi::run(&format!("CREATE FOREIGN TABLE {cf}_by_id (key text, customfield_10010 numeric) SERVER {t} OPTIONS (entity 'issues')")).unwrap();
    let same: bool = one(&format!(
        "SELECT (SELECT sum(customfield_10010) FROM {cf}_by_id) IS NOT DISTINCT FROM \
                (SELECT sum((fields->>'customfield_10010')::numeric) FROM {t}_local)",
    ));
    assert!(same);
    let comment: String = one(&format!(
        "SELECT col_description('{cf}.issues'::regclass, (SELECT attnum FROM pg_attribute \
         WHERE attrelid = '{cf}.issues'::regclass AND attname = 'team'))",
    ));
    assert_eq!(
        comment,
        "Jira custom field customfield_10011. Pushdown: = and IN as JQL cf[10011], a superset (Jira ignores case), rechecked; IS [NOT] NULL exact."
    );
    // Custom fields are written by their types, and read back as written.
    let written: String = one(&format!(
        "INSERT INTO {cf}.issues (project_key, issue_type_name, summary, story_points, team, tags, \
             start_date, approved_at, reviewer, notes) \
         VALUES ('OPS', 'Task', 'custom', 2.5, '{team}', ARRAY['x1', 'y2'], '2026-05-01', \
             '2026-05-02 10:00:00+00', '{reviewer}', 'Note one') \
         RETURNING concat_ws('|', story_points, team, array_to_string(tags, ','), start_date, \
             approved_at AT TIME ZONE 'UTC', reviewer, notes)"
    ));
    assert_eq!(
        written,
        format!("2.5|{team}|x1,y2|2026-05-01|2026-05-02 10:00:00|{reviewer}|Note one")
    );
    let count: i64 = one(&format!("SELECT jira_fdw.refresh_custom_fields('{t}')"));
    assert_eq!(count, 8);
}

/// The length of the array at `pointer` in the JSON of `path` (or its `total`).
fn json_count(fake: &Fake, path: &str, pointer: &str) -> i64 {
    let v = fake.jira_json(path);
    match v.pointer(pointer) {
        Some(Value::Array(a)) => a.len() as i64,
        Some(n) => n.as_i64().unwrap_or(-1),
        None => 0,
    }
}

pub fn more_entities() {
    let fake = Fake::start(60, 5);
    import(&fake, "e4", "e4", "");
    // Per-issue children, for the issue with the most links.
    let issues = fake.jira_json("/_fake/issues");
    let busiest = issues
        .as_array()
        .and_then(|list| {
            list.iter().max_by_key(|i| {
                i.pointer("/fields/issuelinks")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
                    + i.pointer("/fields/attachment")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
            })
        })
        .and_then(|i| i.get("key").and_then(Value::as_str))
        .expect("an issue")
        .to_string();
    let issue = format!("/rest/api/3/issue/{busiest}");
    for (table, path, pointer) in [
        (
            "issue_links",
            format!("{issue}?fields=issuelinks"),
            "/fields/issuelinks",
        ),
        (
            "attachments",
            format!("{issue}?fields=attachment"),
            "/fields/attachment",
        ),
        (
            "issue_transitions",
            format!("{issue}/transitions"),
            "/transitions",
        ),
        ("watchers", format!("{issue}/watchers"), "/watchers"),
        ("votes", format!("{issue}/votes"), "/voters"),
        ("issue_changelogs", format!("{issue}/changelog"), "/total"),
    ] {
        let expected = json_count(&fake, &path, pointer);
        let actual: i64 = one(&format!(
            "SELECT count(*) FROM e4.{table} WHERE issue_key = '{busiest}'"
        ));
        assert_eq!(actual, expected, "{table}");
    }
    let links: i64 = one(&format!(
        "SELECT count(*) FROM e4.issue_links WHERE issue_key = '{busiest}'"
    ));
    assert!(links > 0, "the busiest issue has links");
    // Lists.
    for (table, path, pointer) in [
        (
            "issue_link_types",
            "/rest/api/3/issueLinkType",
            "/issueLinkTypes",
        ),
        ("project_categories", "/rest/api/3/projectCategory", ""),
        ("groups", "/rest/api/3/group/bulk", "/total"),
        ("filters", "/rest/api/3/filter/search", "/total"),
        ("dashboards", "/rest/api/3/dashboard/search", "/total"),
        ("workflows", "/rest/api/3/workflow/search", "/total"),
    ] {
        let expected = json_count(&fake, path, pointer);
        let actual: i64 = one(&format!("SELECT count(*) FROM e4.{table}"));
        assert!(expected > 0, "{table}");
        assert_eq!(actual, expected, "{table}");
    }
    // Per project, per group, per board, per sprint.
    let roles: i64 = one("SELECT count(*) FROM e4.project_roles");
    let expected: i64 = texts("SELECT key FROM e4.projects")
        .iter()
        .map(|p| json_count(&fake, &format!("/rest/api/3/project/{p}/roledetails"), ""))
        .sum();
    assert_eq!(roles, expected);
    let members: i64 = one("SELECT count(*) FROM e4.group_members");
    let expected: i64 = texts("SELECT group_id FROM e4.groups")
        .iter()
        .map(|g| {
            json_count(
                &fake,
                &format!("/rest/api/3/group/member?includeInactiveUsers=true&groupId={g}"),
                "/total",
            )
        })
        .sum();
    assert_eq!(members, expected);
    let board: i64 = one("SELECT id FROM e4.boards WHERE type = 'scrum' ORDER BY id LIMIT 1");
    for (table, path) in [
        (
            "board_issues",
            format!("/rest/agile/1.0/board/{board}/issue"),
        ),
        (
            "backlog_issues",
            format!("/rest/agile/1.0/board/{board}/backlog"),
        ),
        ("epics", format!("/rest/agile/1.0/board/{board}/epic")),
    ] {
        let pointer = if table == "epics" {
            "/values"
        } else {
            "/total"
        };
        let expected = json_count(&fake, &path, pointer);
        let actual: i64 = one(&format!(
            "SELECT count(*) FROM e4.{table} WHERE board_id = {board}"
        ));
        assert_eq!(actual, expected, "{table}");
    }
    let sprint_issues: i64 = one("SELECT count(*) FROM e4.sprint_issues");
    let expected: i64 = texts("SELECT id::text FROM e4.sprints")
        .iter()
        .map(|s| {
            json_count(
                &fake,
                &format!("/rest/agile/1.0/sprint/{s}/issue"),
                "/total",
            )
        })
        .sum();
    assert_eq!(sprint_issues, expected);
    // Board issues are the issues of the board's project, as the issues table says.
    let same: bool = one(&format!(
        "SELECT (SELECT array_agg(key ORDER BY key) FROM e4.board_issues WHERE board_id = {board}) = \
                (SELECT array_agg(i.key ORDER BY i.key) FROM e4.issues i JOIN e4.boards b ON b.project_key = i.project_key WHERE b.id = {board})"
    ));
    assert!(same);
}

pub fn children_by_issue_predicates() {
    let fake = Fake::start(80, 6);
    fake.install("t31", TOKEN);
    import(&fake, "e5", "e5", "");
    let expected = |keys: Vec<String>| -> i64 {
        keys.iter()
            .map(|k| json_count(&fake, &format!("/rest/api/3/issue/{k}/comment"), "/total"))
            .sum()
    };
    fake.clear_requests();
    let n: i64 = one("SELECT count(*) FROM e5.comments WHERE project_key = 'SET'");
    assert_eq!(
        n,
        expected(texts("SELECT key FROM t31_local WHERE project_key = 'SET'"))
    );
    let log = fake.requests();
    let searches: Vec<&Value> = log
        .iter()
        .filter(|r| r["path"] == "/rest/api/3/search/jql")
        .collect();
    assert_eq!(searches.len(), 1, "{log:#?}");
    assert_eq!(searches[0]["jql"], "project = \"SET\"");
    assert!(log
        .iter()
        .filter(|r| r["path"] != "/rest/api/3/search/jql")
        .all(|r| r["path"]
            .as_str()
            .unwrap_or_default()
            .starts_with("/rest/api/3/issue/SET-")));
    // Children of several issues are fetched at once (max_concurrency, default 4).
    let connections: std::collections::HashSet<u64> = log
        .iter()
        .filter_map(|r| r["connection"].as_u64())
        .collect();
    assert!(
        connections.len() > 1,
        "one connection only: {connections:?}"
    );
    let n: i64 = one("SELECT count(*) FROM e5.worklogs WHERE jql = 'project = \"OPS\" AND labels IS EMPTY' AND jql IS NOT NULL");
    let keys = texts("SELECT key FROM t31_local WHERE project_key = 'OPS' AND labels = '{}'");
    let worklogs: i64 = keys
        .iter()
        .map(|k| json_count(&fake, &format!("/rest/api/3/issue/{k}/worklog"), "/total"))
        .sum();
    assert_eq!(n, worklogs);
    Spi::run("ALTER SERVER e5 OPTIONS (ADD max_concurrency '1')").unwrap();
    fake.clear_requests();
    let serial: i64 = one("SELECT count(*) FROM e5.comments WHERE project_key = 'SET'");
    assert_eq!(
        serial,
        expected(texts("SELECT key FROM t31_local WHERE project_key = 'SET'"))
    );
}

pub fn custom_field_options() {
    let fake = Fake::start(20, 12);
    import(&fake, "e6", "e6", "LIMIT TO (custom_field_options, issues)");
    // Every select field (only "Team" here), each of its contexts, each context's options.
    fake.clear_requests();
    let all = texts("SELECT context_id || ':' || id || ':' || value FROM e6.custom_field_options ORDER BY context_id, id");
    assert_eq!(all.len(), 8, "{all:?}");
    assert_eq!(
        fake.requested_paths(),
        vec![
            "/rest/api/3/field",
            "/rest/api/3/field/customfield_10011/context",
            "/rest/api/3/field/customfield_10011/context/10400/option",
            "/rest/api/3/field/customfield_10011/context/10401/option",
        ]
    );
    // By field: the field list is not read.
    fake.clear_requests();
    let mobile = texts(
        "SELECT value || coalesce(' under ' || parent_option_id, '') || CASE WHEN disabled THEN ' (disabled)' ELSE '' END \
         FROM e6.custom_field_options WHERE field_id = 'customfield_10011' AND NOT is_global_context ORDER BY id",
    );
    assert_eq!(
        mobile,
        vec![
            "iOS",
            "Android",
            "Legacy 'Symbian' (disabled)",
            "Tablets under 10311"
        ]
    );
    assert!(!fake
        .requested_paths()
        .contains(&"/rest/api/3/field".to_string()));
    // A field without options and a field that does not exist have no rows.
    let none: i64 = one(
        "SELECT count(*) FROM e6.custom_field_options WHERE field_id IN ('customfield_10010', 'customfield_99999')",
    );
    assert_eq!(none, 0);
    // The values issues carry are options of the field's default context.
    let orphans: i64 = one(
        "SELECT count(*) FROM e6.issues i WHERE i.fields->'customfield_10011'->>'value' IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM e6.custom_field_options o WHERE o.field_id = 'customfield_10011' AND o.is_global_context \
          AND o.value = i.fields->'customfield_10011'->>'value')",
    );
    assert_eq!(orphans, 0);
}

pub fn worklogs_updated_since() {
    let fake = Fake::start(80, 13);
    import(&fake, "e7", "e7", "LIMIT TO (worklogs)");
    let everything = |condition: &str| {
        texts(&format!(
            "SELECT w::text FROM e7.worklogs w WHERE {condition} ORDER BY id"
        ))
    };
    // The oracle: every issue's worklogs, filtered by Postgres.
    let all = texts("SELECT w::text FROM e7.worklogs w ORDER BY id");
    assert!(all.len() > 30, "{}", all.len());
    let bound: String = one(
        "SELECT updated::text FROM (SELECT updated FROM e7.worklogs ORDER BY updated) u \
         OFFSET (SELECT count(*) / 2 FROM e7.worklogs) LIMIT 1",
    );
    let bound_ms: i64 = one(&format!(
        "SELECT (extract(epoch FROM '{bound}'::timestamptz) * 1000)::bigint"
    ));
    let oracle = texts(&format!(
        "SELECT w::text FROM (SELECT * FROM e7.worklogs OFFSET 0) w WHERE updated >= '{bound}' ORDER BY id"
    ));
    assert!(!oracle.is_empty() && oracle.len() < all.len());
    fake.clear_requests();
    assert_eq!(everything(&format!("updated >= '{bound}'")), oracle);
    let log = fake.requests();
    let listed: Vec<&Value> = log
        .iter()
        .filter(|r| r["path"] == "/rest/api/3/worklog/updated")
        .collect();
    assert_eq!(listed.len(), 1, "{log:#?}");
    assert_eq!(listed[0]["query"], format!("since={}", bound_ms - 1));
    assert!(log.iter().any(|r| r["path"] == "/rest/api/3/worklog/list"));
    // The issues updated since the last listed worklog are read one by one; nothing else is.
    let until = fake.jira_json(&format!(
        "/rest/api/3/worklog/updated?since={}",
        bound_ms - 1
    ))["until"]
        .as_i64()
        .expect("until");
    let searches: Vec<String> = fake.searched_jql();
    assert_eq!(searches, vec![format!("updated >= {until}")]);
    let per_issue = log
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with("/worklog")))
        .count();
    assert!(per_issue <= 3, "{per_issue} issues read one by one");
    let plan = super::support::explain(&format!(
        "SELECT id FROM e7.worklogs WHERE updated >= '{bound}'"
    ));
    assert!(
        plan.contains(
            "Jira Strategy: GET /rest/api/3/worklog/updated, POST /rest/api/3/worklog/list"
        ) && plan.contains(&format!("Jira Updated After: {}", bound_ms - 1))
            && plan.contains("Filter: (worklogs.updated >="),
        "{plan}"
    );
    // Jira leaves out the minute before the request: the issues updated since then complete it.
    let youngest: i64 =
        one("SELECT (extract(epoch FROM max(updated)) * 1000)::bigint FROM e7.worklogs");
    fake.post_json(
        "/_fake/clock",
        serde_json::json!({ "now": youngest + 30_000 }),
    );
    let listed_now = fake.jira_json(&format!(
        "/rest/api/3/worklog/updated?since={}",
        bound_ms - 1
    ))["values"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(listed_now < oracle.len(), "the fake's clock hides nothing");
    fake.clear_requests();
    assert_eq!(everything(&format!("updated >= '{bound}'")), oracle);
    assert!(
        fake.requests()
            .iter()
            .any(|r| r["path"].as_str().is_some_and(|p| p.ends_with("/worklog"))),
        "the last minute was not read per issue"
    );
    // With a parameter, `>`, two bounds, NULL, and a key (which reads that issue instead).
    Spi::run(&format!(
        "PREPARE wl(timestamptz) AS SELECT w::text FROM e7.worklogs w WHERE updated > $1 AND updated >= '{bound}'::timestamptz - interval '1 day' ORDER BY id"
    ))
    .unwrap();
    let later = texts(&format!(
        "SELECT w::text FROM (SELECT * FROM e7.worklogs OFFSET 0) w WHERE updated > '{bound}' ORDER BY id"
    ));
    assert_eq!(texts(&format!("EXECUTE wl('{bound}')")), later);
    assert!(everything("updated >= NULL::timestamptz").is_empty());
    let key: String = one("SELECT issue_key FROM e7.worklogs ORDER BY updated DESC LIMIT 1");
    fake.clear_requests();
    let by_key = everything(&format!("updated >= '{bound}' AND issue_key = '{key}'"));
    assert!(!by_key.is_empty());
    assert_eq!(
        fake.requested_paths(),
        vec![format!("/rest/api/3/issue/{key}/worklog")]
    );
    // More than a page (1000) of updated worklogs: the pages follow `until`.
    let big = Fake::start(1600, 15);
    import(&big, "e7b", "e7b", "LIMIT TO (worklogs)");
    let per_issue: i64 =
        one("SELECT count(DISTINCT id) FROM e7b.worklogs WHERE jql = 'project IS NOT EMPTY'");
    assert!(per_issue > 1000, "{per_issue}");
    big.clear_requests();
    let incremental: i64 =
        one("SELECT count(DISTINCT id) FROM e7b.worklogs WHERE updated >= '2000-01-01'");
    assert_eq!(incremental, per_issue);
    let pages = big
        .requests()
        .iter()
        .filter(|r| r["path"] == "/rest/api/3/worklog/updated")
        .count();
    assert_eq!(pages, 2);
}

/// Every per-parent table read for one parent reads only that parent's endpoints and returns
/// the rows a full read has for it; the tables of issue children also by project.
pub fn per_parent_pushdown() {
    use crate::catalog::{Entity, Listing, Rule};
    let fake = Fake::start(40, 14);
    import(&fake, "e8", "e8", "");
    let mut checked = 0;
    for entity in Entity::all() {
        if !matches!(
            entity.listing(),
            Listing::PerParent { .. } | Listing::Nested { .. }
        ) {
            continue;
        }
        let table = entity.name();
        let Some(parent) = entity.columns().iter().find(|c| c.rule == Rule::Parent) else {
            panic!("{table} has no parent column");
        };
        let column = parent.name;
        let value: String = one(&format!(
            "SELECT {column}::text FROM (SELECT * FROM e8.{table} OFFSET 0) t ORDER BY 1 DESC LIMIT 1"
        ));
        let oracle = texts(&format!(
            "SELECT t::text FROM (SELECT * FROM e8.{table} OFFSET 0) t WHERE {column} = '{value}' ORDER BY 1"
        ));
        fake.clear_requests();
        let rows = texts(&format!(
            "SELECT t::text FROM e8.{table} t WHERE {column} = '{value}' ORDER BY 1"
        ));
        assert!(!rows.is_empty(), "{table}");
        assert_eq!(rows, oracle, "{table}");
        let log = fake.requests();
        assert!(!log.is_empty(), "{table}");
        for r in &log {
            let url = format!(
                "{}?{}",
                r["path"].as_str().unwrap_or_default(),
                r["query"].as_str().unwrap_or_default()
            );
            assert!(url.contains(&value), "{table}: {url} is not about {value}");
        }
        if entity
            .columns()
            .iter()
            .any(|c| c.name == "project_key" && c.rule != Rule::Parent)
        {
            let oracle = texts(&format!(
                "SELECT t::text FROM (SELECT * FROM e8.{table} OFFSET 0) t WHERE project_key = 'SET' ORDER BY 1"
            ));
            fake.clear_requests();
            let rows = texts(&format!(
                "SELECT t::text FROM e8.{table} t WHERE project_key = 'SET' ORDER BY 1"
            ));
            assert_eq!(rows, oracle, "{table} by project");
            let mut searched = fake.searched_jql();
            searched.dedup();
            assert_eq!(searched, vec!["project = \"SET\""], "{table} by project");
        }
        checked += 1;
    }
    assert_eq!(checked, 18, "per-parent tables");
}
