//! End-to-end tests: a real Postgres (the pgrx test cluster) querying a real fake-Jira process
//! over HTTP. Each test starts its own fake, so request logs and faults never mix.

mod auth;
mod columns;
mod deployment;
mod differential;
mod entities;
mod security;
mod support;
mod writes;

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use serde_json::json;

    use super::support::*;

    #[pg_test]
    fn writes_insert_update_delete_round_trip() {
        crate::e2e::writes::insert_update_delete_round_trips();
    }

    #[pg_test]
    fn writes_what_cannot_be_written_is_refused_before_sending() {
        crate::e2e::writes::what_cannot_be_written_is_refused_before_sending();
    }

    #[pg_test]
    fn writes_comments_round_trip() {
        crate::e2e::writes::comments_round_trip();
    }

    #[pg_test]
    fn writes_worklogs_round_trip() {
        crate::e2e::writes::worklogs_round_trip();
    }

    #[pg_test]
    fn writes_versions_and_components_round_trip() {
        crate::e2e::writes::versions_and_components_round_trip();
    }

    #[pg_test]
    fn writes_links_and_watchers_round_trip() {
        crate::e2e::writes::links_and_watchers_round_trip();
    }

    #[pg_test]
    fn writes_without_permission_are_jiras_403() {
        crate::e2e::writes::writes_without_permission();
    }

    #[pg_test]
    fn writes_attachments_are_uploaded_and_deleted() {
        crate::e2e::writes::attachments_are_uploaded_and_deleted();
    }

    #[pg_test]
    fn writes_sprints_round_trip() {
        crate::e2e::writes::sprints_round_trip();
    }

    #[pg_test]
    fn writes_on_data_center() {
        crate::e2e::writes::data_center_writes();
    }

    #[pg_test]
    fn writes_inserts_are_sent_in_bulk() {
        crate::e2e::writes::inserts_are_sent_in_bulk();
    }

    #[pg_test]
    fn writes_a_change_is_never_sent_twice() {
        crate::e2e::writes::a_change_is_never_sent_twice();
    }

    #[pg_test]
    fn writes_rolled_back_are_named_in_a_warning() {
        crate::e2e::writes::rolled_back_writes_are_named();
    }

    #[pg_test]
    fn auth_pat() {
        crate::e2e::auth::pat();
    }

    #[pg_test]
    fn auth_ldap_sessions_are_reused_and_renewed() {
        crate::e2e::auth::ldap_sessions();
    }

    #[pg_test]
    fn auth_oauth2_authorize_exchange_refresh() {
        crate::e2e::auth::oauth2_flow();
    }

    #[pg_test]
    fn auth_oauth2_concurrent_refresh_uses_each_token_once() {
        crate::e2e::auth::oauth2_concurrent_refresh();
    }

    #[pg_test]
    fn auth_okta_with_mfa() {
        crate::e2e::auth::okta();
    }

    #[pg_test]
    fn auth_crowd() {
        crate::e2e::auth::crowd();
    }

    #[pg_test]
    fn auth_oauth1_pkcs8() {
        crate::e2e::auth::oauth1(
            include_str!("../fake-jira/keys/consumer_pkcs8.pem"),
            "a7",
            "cloud",
        );
    }

    #[pg_test]
    fn auth_oauth1_pkcs1() {
        crate::e2e::auth::oauth1(
            include_str!("../fake-jira/keys/consumer_pkcs1.pem"),
            "a8",
            "cloud",
        );
    }

    #[pg_test]
    fn auth_oauth1_on_data_center() {
        crate::e2e::auth::oauth1(
            include_str!("../fake-jira/keys/consumer_pkcs8.pem"),
            "a9",
            "server",
        );
    }

    #[pg_test]
    fn auth_every_data_center_scheme_reads_issues_and_comments() {
        crate::e2e::auth::data_center_schemes();
    }

    #[pg_test]
    fn auth_scheme_options_are_checked() {
        crate::e2e::auth::scheme_options_are_checked();
    }

    #[pg_test]
    fn import_foreign_schema_with_limit_to_and_except() {
        crate::e2e::entities::import_foreign_schema();
    }

    #[pg_test]
    fn list_entities_equal_the_jira_json() {
        crate::e2e::entities::list_entities();
    }

    #[pg_test]
    fn custom_fields_are_typed_columns() {
        crate::e2e::entities::custom_fields("cloud", "t30", "cf30");
    }

    #[pg_test]
    fn custom_fields_on_data_center() {
        crate::e2e::entities::custom_fields("server", "t31", "cf31");
    }

    #[pg_test]
    fn links_attachments_activity_groups_filters_agile() {
        crate::e2e::entities::more_entities();
    }

    #[pg_test]
    fn children_by_issue_predicates_concurrently() {
        crate::e2e::entities::children_by_issue_predicates();
    }

    #[pg_test]
    fn custom_field_options_per_field_and_context() {
        crate::e2e::entities::custom_field_options();
    }

    #[pg_test]
    fn worklogs_updated_since_read_incrementally() {
        crate::e2e::entities::worklogs_updated_since();
    }

    #[pg_test]
    fn per_parent_tables_read_only_the_parents_named() {
        crate::e2e::entities::per_parent_pushdown();
    }

    #[pg_test]
    fn every_column_of_every_entity_equals_the_jira_json() {
        crate::e2e::columns::every_column_of_every_entity("cloud", "c1");
    }

    #[pg_test]
    fn every_column_read_from_data_center_equals_its_json() {
        crate::e2e::columns::every_column_of_every_entity("server", "c2");
    }

    #[pg_test]
    fn child_entities_per_parent() {
        crate::e2e::entities::child_entities();
    }

    #[pg_test]
    fn differential_where_order_by_limit() {
        crate::e2e::differential::run("cloud", "d");
    }

    #[pg_test]
    fn differential_where_order_by_limit_on_data_center() {
        crate::e2e::differential::run("server", "dd");
    }

    #[pg_test]
    fn full_scan_equals_the_generated_data() {
        let fake = Fake::start(250, 7);
        fake.install("t1", TOKEN);
        let all = column_names().join(", ");
        assert_eq!(assert_same_rows("t1", &all, "true"), 250);
        // Three pages of 100, each request asking for every field.
        let searches: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|r| r["path"] == "/rest/api/3/search/jql")
            .collect();
        assert_eq!(searches.len(), 3, "{searches:#?}");
        assert_eq!(searches[0]["fields"], json!(["*all"]));
        assert_eq!(searches[0]["jql"], "project IS NOT EMPTY");
        // The data really has the hard cases in it.
        let hard: i64 = one(
            "SELECT count(*) FROM t1_issues WHERE summary LIKE '%\\%' OR summary LIKE '%\"%' \
             OR summary LIKE '%''%'",
        );
        assert!(hard > 0, "no summaries with quotes or backslashes");
        let nulls: i64 = one("SELECT count(*) FROM t1_issues WHERE assignee_account_id IS NULL");
        let empties: i64 = one("SELECT count(*) FROM t1_issues WHERE labels = '{}'");
        assert!(nulls > 0 && empties > 0);
    }

    #[pg_test]
    fn every_column_alone_and_in_any_order() {
        let fake = Fake::start(120, 3);
        fake.install("t2", TOKEN);
        for column in column_names() {
            assert_eq!(assert_same_rows("t2", column, "true"), 120, "{column}");
        }
        Spi::run(
            "CREATE FOREIGN TABLE t2_few (status_name text, updated timestamptz, key text) \
             SERVER t2 OPTIONS (entity 'issues')",
        )
        .unwrap();
        let same: bool = one(
            "SELECT (SELECT array_agg((key, status_name, updated) ORDER BY key) FROM t2_few) = \
                    (SELECT array_agg((key, status_name, updated) ORDER BY key) FROM t2_local)",
        );
        assert!(same);
    }

    #[pg_test]
    fn only_the_needed_fields_are_requested() {
        let fake = Fake::start(30, 1);
        fake.install("t3", TOKEN);
        fake.clear_requests();
        let _: i64 = one("SELECT count(key) FROM t3_issues");
        let log = fake.requests();
        assert_eq!(log[0]["fields"], json!(["id"]));
        fake.clear_requests();
        let _: i64 = one(
            "SELECT count(*) FROM t3_issues WHERE summary <> '' AND status_category IS NOT NULL",
        );
        let log = fake.requests();
        assert_eq!(log[0]["fields"], json!(["status", "summary"]));
    }

    #[pg_test]
    fn project_and_status_are_pushed_into_jql() {
        let fake = Fake::start(200, 11);
        fake.install("t4", TOKEN);
        let cases = [
            ("project_key = 'ALPHA'", r#"project = "ALPHA""#),
            ("project_key = 'SET'", r#"project = "SET""#),
            (
                "project_key IN ('BETA', 'OPS')",
                r#"project IN ("BETA", "OPS")"#,
            ),
            ("status_name = 'Won''t Do'", r#"status = "Won\'t Do""#),
            (
                "status_name = ANY(ARRAY['Done', 'Ärger'])",
                r#"status IN ("Done", "Ärger")"#,
            ),
            // Jira's `=` on status is case-insensitive: the local recheck keeps SQL's answer.
            ("status_name = 'done'", r#"status = "done""#),
            (
                "project_key = 'ALPHA' AND status_name IN ('To Do', 'In Progress')",
                r#"status IN ("To Do", "In Progress") AND project = "ALPHA""#,
            ),
        ];
        for (condition, jql) in cases {
            fake.clear_requests();
            assert_same_rows(
                "t4",
                "id, key, project_key, status_name, summary",
                condition,
            );
            assert_eq!(fake.searched_jql(), vec![jql.to_string()], "{condition}");
        }
        let done_lower: i64 = one("SELECT count(*) FROM t4_issues WHERE status_name = 'done'");
        assert_eq!(done_lower, 0);
        let set: i64 = one("SELECT count(*) FROM t4_issues WHERE project_key = 'SET'");
        assert!(set > 0, "the reserved-word project has issues");
    }

    #[pg_test]
    fn keys_and_ids_use_bulk_fetch() {
        let fake = Fake::start(150, 5);
        fake.install("t5", TOKEN);
        let keys = texts("SELECT key FROM t5_local ORDER BY id LIMIT 3");
        let cases = [
            (format!("key = '{}'", keys[0]), vec![keys[0].clone()]),
            (
                format!("key IN ('{}', '{}', 'NOPE-999')", keys[1], keys[2]),
                vec![keys[1].clone(), keys[2].clone(), "NOPE-999".into()],
            ),
            ("id = 10005".to_string(), vec!["10005".into()]),
            (
                "id = ANY(ARRAY[10001, 10002, NULL])".to_string(),
                vec!["10001".into(), "10002".into()],
            ),
        ];
        for (condition, sent) in cases {
            fake.clear_requests();
            let n = assert_same_rows("t5", "id, key, summary, labels", &condition);
            assert!(n >= 1, "{condition}");
            let log = fake.requests();
            assert_eq!(log.len(), 1, "{condition}: {log:#?}");
            assert_eq!(log[0]["path"], "/rest/api/3/issue/bulkfetch");
            let body: serde_json::Value =
                serde_json::from_str(log[0]["body"].as_str().unwrap()).unwrap();
            assert_eq!(body["issueIdsOrKeys"], json!(sent), "{condition}");
        }
        // A key that does not exist is no row, not an error; a lower-case key is no row in SQL.
        assert_eq!(assert_same_rows("t5", "id", "key = 'NOPE-1'"), 0);
        let lower = keys[0].to_lowercase();
        assert_eq!(assert_same_rows("t5", "id", &format!("key = '{lower}'")), 0);
        fake.clear_requests();
        assert_eq!(assert_same_rows("t5", "id", "key = ANY('{}')"), 0);
        assert!(fake.requests().is_empty());
    }

    #[pg_test]
    fn explain_shows_what_is_sent() {
        let fake = Fake::start(10, 1);
        fake.install("t6", TOKEN);
        let plan = explain(
            "SELECT key, summary FROM t6_issues WHERE project_key = 'SET' \
             AND summary LIKE '% login %' AND created >= '2025-01-01 00:00:00+00'",
        );
        // Superset conditions stay as filters; the exact one (created) is only in the JQL.
        assert_eq!(
            plan,
            "Foreign Scan on public.t6_issues\n  \
               Output: key, summary\n  \
               Filter: ((t6_issues.summary ~~ '% login %'::text) AND (t6_issues.project_key = 'SET'::text))\n  \
               Jira Strategy: search/jql\n  \
               Jira JQL: summary ~ \"login\" AND created >= 1735689600000 AND project = \"SET\"\n  \
               Jira Deployment: Cloud\n  \
               Jira Fields: project, summary"
        );
        assert!(fake.requests().is_empty(), "EXPLAIN must not call Jira");
    }

    #[pg_test]
    fn prepared_statements_re_execute_correctly() {
        let fake = Fake::start(120, 9);
        fake.install("t7", TOKEN);
        Spi::run(
            "PREPARE by_project(text) AS SELECT count(*) FROM t7_issues WHERE project_key = $1",
        )
        .unwrap();
        Spi::run("PREPARE by_project_local(text) AS SELECT count(*) FROM t7_local WHERE project_key = $1")
            .unwrap();
        for project in [
            "ALPHA", "BETA", "SET", "OPS", "ALPHA", "NONE", "BETA", "SET",
        ] {
            let remote: i64 = one(&format!("EXECUTE by_project('{project}')"));
            let local: i64 = one(&format!("EXECUTE by_project_local('{project}')"));
            assert_eq!(remote, local, "{project}");
        }
        Spi::run("DEALLOCATE by_project; DEALLOCATE by_project_local").unwrap();
    }

    #[pg_test]
    fn plpgsql_loops_reuse_cached_plans() {
        let fake = Fake::start(90, 4);
        fake.install("t8", TOKEN);
        Spi::run(
            "CREATE TEMP TABLE counts (project text, remote bigint, local bigint);
             DO $$
             DECLARE p text; r bigint; l bigint;
             BEGIN
               FOREACH p IN ARRAY ARRAY['ALPHA','BETA','SET','OPS','ALPHA','BETA','SET','OPS'] LOOP
                 SELECT count(*) INTO r FROM t8_issues WHERE project_key = p;
                 SELECT count(*) INTO l FROM t8_local WHERE project_key = p;
                 INSERT INTO counts VALUES (p, r, l);
               END LOOP;
             END $$;",
        )
        .unwrap();
        let bad: i64 = one("SELECT count(*) FROM counts WHERE remote <> local");
        let total: i64 = one("SELECT sum(remote)::bigint FROM counts");
        assert_eq!(bad, 0);
        assert_eq!(total, 180);
    }

    #[pg_test]
    fn rescans_start_over() {
        let fake = Fake::start(60, 2);
        fake.install("t9", TOKEN);
        Spi::run(
            "CREATE TEMP TABLE wanted (project text);
             INSERT INTO wanted VALUES ('ALPHA'), ('SET'), ('ALPHA');",
        )
        .unwrap();
        fake.clear_requests();
        // OFFSET 0 keeps the lateral subquery from being flattened, so the foreign scan is
        // rescanned once per outer row with a new parameter value.
        let lateral = "SELECT array_agg(x.key ORDER BY x.key) FROM wanted w, LATERAL \
                       (SELECT key FROM {} i WHERE i.project_key = w.project OFFSET 0) x";
        let remote: Vec<String> = one::<Vec<String>>(&lateral.replace("{}", "t9_issues"));
        let local: Vec<String> = one::<Vec<String>>(&lateral.replace("{}", "t9_local"));
        assert_eq!(remote, local);
        assert!(!remote.is_empty());
        assert_eq!(fake.searched_jql().len(), 3, "one search per rescan");
    }

    #[pg_test]
    fn rows_stream_page_by_page() {
        let fake = Fake::start(450, 12);
        fake.install("t17", TOKEN);
        fake.clear_requests();
        let n: i64 = one("SELECT count(*) FROM (SELECT key, summary FROM t17_issues LIMIT 5) x");
        assert_eq!(n, 5);
        assert_eq!(
            fake.searched_jql().len(),
            1,
            "LIMIT 5 needs only the first page"
        );
        fake.clear_requests();
        let n: i64 = one("SELECT count(*) FROM (SELECT key, summary FROM t17_issues LIMIT 150) x");
        assert_eq!(n, 150);
        let log = fake.requests();
        assert_eq!(log.len(), 2, "150 rows need two pages of 100");
        assert_eq!(log[0]["max_results"], 100);
        let second: serde_json::Value =
            serde_json::from_str(log[1]["body"].as_str().unwrap()).unwrap();
        assert!(second["nextPageToken"].is_string(), "{second}");
        // A table-level page size overrides the server's.
        Spi::run("ALTER FOREIGN TABLE t17_issues OPTIONS (ADD page_size '40')").unwrap();
        fake.clear_requests();
        assert_eq!(assert_same_rows("t17", "key", "true"), 450);
        assert_eq!(fake.searched_jql().len(), 12);
    }

    #[pg_test]
    fn bad_credentials_are_28000_without_the_secret() {
        let fake = Fake::start(5, 1);
        fake.install("t10", TOKEN);
        let n: i64 = one("SELECT count(*) FROM t10_issues");
        assert_eq!(n, 5);
        // A changed user mapping takes effect at once, although clients are kept per backend.
        Spi::run(
            "ALTER USER MAPPING FOR CURRENT_USER SERVER t10 OPTIONS (SET api_token 'wrong-Secret-987')",
        )
        .unwrap();
        let err = error_of("SELECT count(*) FROM t10_issues");
        assert!(err.starts_with("28000 "), "{err}");
        assert!(err.contains("APIToken"), "{err}");
        assert!(!err.contains("wrong-Secret-987"), "{err}");
    }

    #[pg_test]
    fn rate_limits_are_survived() {
        let fake = Fake::start(250, 8);
        fake.install("t11", TOKEN);
        fake.faults(json!([
            {"kind": "status", "status": 429, "retry_after": 1},
            {"kind": "status", "status": 503},
            {"kind": "truncate"},
            {"kind": "non_json"},
            {"kind": "status", "status": 429, "retry_after": 0},
        ]));
        assert_eq!(
            assert_same_rows("t11", "id, key, summary, updated", "true"),
            250
        );
        let statuses: Vec<u64> = fake
            .requests()
            .iter()
            .filter_map(|r| r["status"].as_u64())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 429).count(),
            2,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 503).count(),
            1,
            "{statuses:?}"
        );
    }

    #[pg_test]
    fn persistent_rate_limit_is_a_clear_error() {
        let fake = Fake::start(5, 1);
        fake.install("t12", TOKEN);
        fake.faults(json!([
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 429, "retry_after": 0},
        ]));
        let err = error_of("SELECT count(*) FROM t12_issues");
        assert!(err.starts_with("HV000 Jira answered HTTP 429"), "{err}");
        assert!(err.contains("max_retries"), "{err}");
    }

    #[pg_test]
    fn statement_timeout_cancels_a_slow_request() {
        let fake = Fake::start(5, 1);
        fake.faults(json!([{"kind": "delay", "delay_ms": 20000}]));
        // statement_timeout is armed per client statement, so the query runs on its own
        // connection.
        let _session = Session::open(&fake, "slow");
        Spi::run("SELECT dblink_exec('slow', 'SET statement_timeout = ''300ms''')").unwrap();
        let start = std::time::Instant::now();
        let err = error_of("SELECT dblink_exec('slow', 'SELECT count(*) FROM slow_issues')");
        let elapsed = start.elapsed();
        assert!(err.starts_with("57014 "), "{err}");
        assert!(err.contains("statement timeout"), "{err}");
        assert!(
            elapsed < std::time::Duration::from_secs(5),
            "cancel took {elapsed:?}"
        );
    }

    #[pg_test]
    fn pg_cancel_backend_interrupts_a_request() {
        let fake = Fake::start(5, 1);
        fake.faults(json!([{"kind": "delay", "delay_ms": 20000}]));
        let _session = Session::open(&fake, "cancelme");
        let pid: i32 =
            one("SELECT pid FROM dblink('cancelme', 'SELECT pg_backend_pid()') AS t(pid int)");
        let sent: i32 =
            one("SELECT dblink_send_query('cancelme', 'SELECT count(*) FROM cancelme_issues')");
        assert_eq!(sent, 1);
        // Wait until the request is in flight at the fake.
        let start = std::time::Instant::now();
        while fake.requests().is_empty() && start.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let cancelled_at = std::time::Instant::now();
        let ok: bool = one(&format!("SELECT pg_cancel_backend({pid})"));
        assert!(ok);
        let err = error_of("SELECT * FROM dblink_get_result('cancelme') AS t(n bigint)");
        let elapsed = cancelled_at.elapsed();
        Spi::run("SELECT * FROM dblink_get_result('cancelme', false) AS t(n bigint)").unwrap();
        assert!(err.starts_with("57014 "), "{err}");
        assert!(
            err.contains("canceling statement due to user request"),
            "{err}"
        );
        assert!(
            elapsed < std::time::Duration::from_secs(5),
            "cancel took {elapsed:?}"
        );
    }

    #[pg_test]
    fn exact_pushdown_leaves_no_local_filter() {
        let fake = Fake::start(120, 31);
        fake.install("t20", TOKEN);
        let account: String =
            one("SELECT assignee_account_id FROM t20_local WHERE assignee_account_id IS NOT NULL ORDER BY id LIMIT 1");
        let plan = explain(&format!(
            "SELECT key FROM t20_issues WHERE assignee_account_id = '{account}' \
             AND created >= '2025-01-01 10:00:00.0005+00' AND priority_name IS NOT NULL"
        ));
        assert!(!plan.contains("Filter:"), "{plan}");
        // Postgres orders the restrictions by cost; each must be in the JQL.
        for part in [
            format!("assignee = \"{account}\""),
            "created >= 1735725600001".to_string(),
            "priority IS NOT EMPTY".to_string(),
        ] {
            assert!(plan.contains(&part), "{part} missing from {plan}");
        }
        assert!(plan.contains("Jira Fields: id"), "{plan}");
        assert_same_rows(
            "t20",
            "id, key",
            &format!(
                "assignee_account_id = '{account}' AND created >= '2025-01-01 10:00:00.0005+00'"
            ),
        );
    }

    #[pg_test]
    fn limit_makes_one_small_request() {
        let fake = Fake::start(400, 32);
        fake.install("t21", TOKEN);
        fake.clear_requests();
        let n: i64 = one("SELECT count(*) FROM (SELECT key FROM t21_issues LIMIT 3) s");
        assert_eq!(n, 3);
        let log = fake.requests();
        assert_eq!(log.len(), 1, "{log:#?}");
        assert_eq!(log[0]["max_results"], 3);
        // ORDER BY on a column Jira sorts like Postgres: sent, not re-sorted, one request.
        fake.clear_requests();
        let plan = explain("SELECT key, updated FROM t21_issues ORDER BY updated DESC LIMIT 5");
        assert!(!plan.contains("Sort"), "{plan}");
        assert!(
            plan.contains("Jira JQL: project IS NOT EMPTY ORDER BY updated DESC"),
            "{plan}"
        );
        assert!(plan.contains("Jira Limit: 5"), "{plan}");
        let remote: Vec<String> =
            one("SELECT array_agg(key) FROM (SELECT key FROM t21_issues ORDER BY updated DESC LIMIT 5) s");
        let local: Vec<String> =
            one("SELECT array_agg(key) FROM (SELECT key FROM t21_local ORDER BY updated DESC LIMIT 5) s");
        assert_eq!(remote, local);
        let log = fake.requests();
        assert_eq!(log.len(), 1, "{log:#?}");
        assert_eq!(log[0]["jql"], "project IS NOT EMPTY ORDER BY updated DESC");
        assert_eq!(log[0]["max_results"], 5);
        // A filter Postgres must apply keeps LIMIT local: Jira pages as usual.
        let plan = explain("SELECT key FROM t21_issues WHERE summary LIKE '%a%' LIMIT 5");
        assert!(!plan.contains("Jira Limit"), "{plan}");
        // Key order differs between Jira and SQL: Postgres sorts.
        let plan = explain("SELECT key FROM t21_issues ORDER BY key LIMIT 5");
        assert!(plan.contains("Sort Key: t21_issues.key"), "{plan}");
        assert!(!plan.contains("ORDER BY"), "{plan}");
    }

    #[pg_test]
    fn joins_send_the_keys_of_the_outer_rows() {
        let fake = Fake::start(300, 33);
        fake.install("t22", TOKEN);
        Spi::run(
            "CREATE TEMP TABLE picks (k text);
             INSERT INTO picks SELECT key FROM t22_local ORDER BY id LIMIT 3;
             INSERT INTO picks VALUES ('NOPE-77');
             ANALYZE picks;",
        )
        .unwrap();
        fake.clear_requests();
        let q = |t: &str| {
            format!("SELECT array_agg(i.key || ':' || i.summary ORDER BY i.key) FROM picks p JOIN {t} i ON i.key = p.k")
        };
        let plan = explain(&q("t22_issues"));
        assert!(plan.contains("Nested Loop"), "{plan}");
        assert!(plan.contains("Jira Keys: p.k"), "{plan}");
        let remote: Vec<String> = one(&q("t22_issues"));
        let local: Vec<String> = one(&q("t22_local"));
        assert_eq!(remote, local);
        assert_eq!(remote.len(), 3);
        let log = fake.requests();
        assert!(
            log.iter()
                .all(|r| r["path"] == "/rest/api/3/issue/bulkfetch"),
            "a join must never scan the site: {log:#?}"
        );
        assert_eq!(log.len(), 4);
        // Connections are reused across the rescans.
        let connections: std::collections::HashSet<u64> = log
            .iter()
            .filter_map(|r| r["connection"].as_u64())
            .collect();
        assert_eq!(connections.len(), 1, "{log:#?}");
    }

    #[pg_test]
    fn parameters_are_pushed_when_the_plan_runs() {
        let fake = Fake::start(100, 34);
        fake.install("t23", TOKEN);
        Spi::run(
            "SET LOCAL plan_cache_mode = force_generic_plan;
             PREPARE p23(text, timestamptz) AS SELECT count(*) FROM t23_issues WHERE project_key = $1 AND created >= $2",
        )
        .unwrap();
        let t: String =
            one("SELECT created::text FROM t23_local ORDER BY created LIMIT 1 OFFSET 40");
        fake.clear_requests();
        let remote: i64 = one(&format!("EXECUTE p23('BETA', '{t}')"));
        let local: i64 = one(&format!(
            "SELECT count(*) FROM t23_local WHERE project_key = 'BETA' AND created >= '{t}'"
        ));
        assert_eq!(remote, local);
        let jql = fake.searched_jql();
        assert_eq!(jql.len(), 1);
        assert!(jql[0].contains("project = \"BETA\""), "{jql:?}");
        assert!(jql[0].contains("created >= "), "{jql:?}");
        let plan = explain("EXECUTE p23('BETA', now())");
        assert!(plan.contains("project = $1"), "{plan}");
        assert!(plan.contains("created >= $2"), "{plan}");
        Spi::run("DEALLOCATE p23").unwrap();
    }

    #[pg_test]
    fn values_jira_does_not_know_match_nothing() {
        let fake = Fake::start(100, 35);
        fake.install("t24", TOKEN);
        fake.clear_requests();
        let n = assert_same_rows(
            "t24",
            "id",
            "status_name IN ('Done', 'Nope') OR priority_name = 'Imaginary'",
        );
        assert!(n > 0);
        let jql = fake.searched_jql();
        assert_eq!(
            jql,
            vec![
                r#"status IN ("Done", "Nope") OR priority = "Imaginary""#.to_string(),
                r#"status = "Done""#.to_string()
            ]
        );
    }

    #[pg_test]
    fn remote_estimates_come_from_jira() {
        let fake = Fake::start(200, 36);
        fake.install("t25", TOKEN);
        Spi::run("ALTER SERVER t25 OPTIONS (ADD use_remote_estimate 'true')").unwrap();
        fake.clear_requests();
        let expected: i64 = one("SELECT count(*) FROM t25_local WHERE project_key = 'OPS'");
        let plan = explain_costs("SELECT key FROM t25_issues WHERE project_key = 'OPS'");
        assert!(plan.contains(&format!("rows={expected} ")), "{plan}");
        let log = fake.requests();
        assert_eq!(log[0]["path"], "/rest/api/3/search/approximate-count");
        assert_eq!(log[0]["jql"], "project = \"OPS\"");
        // Data Center has no approximate count: the total of a search of no issues.
        let dc = Fake::start_with(200, 36, &["--deployment", "server"]);
        dc.install_as("t25d", TOKEN, "server");
        Spi::run("ALTER SERVER t25d OPTIONS (ADD use_remote_estimate 'true')").unwrap();
        dc.clear_requests();
        let plan = explain_costs("SELECT key FROM t25d_issues WHERE project_key = 'OPS'");
        assert!(plan.contains(&format!("rows={expected} ")), "{plan}");
        let log = dc.requests();
        assert_eq!(log[0]["path"], "/rest/api/2/search");
        assert_eq!(log[0]["jql"], "project = \"OPS\"");
        assert_eq!(log[0]["max_results"], 0);
    }

    #[pg_test]
    fn misspelled_options_are_rejected_with_a_hint() {
        let err = error_of(
            "CREATE SERVER s FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'https://x.atlassian.net', auth_schme 'APIToken')",
        );
        assert_eq!(
            err,
            "HV00D invalid option \"auth_schme\" for a jira_fdw server HINT: Perhaps you meant the option \"auth_scheme\"."
        );
        let ok = error_of(
            "CREATE SERVER s2 FOREIGN DATA WRAPPER jira_fdw OPTIONS (URL 'https://x.atlassian.net', AuthScheme 'Basic')",
        );
        assert_eq!(ok, "ok");
        let bad_url =
            error_of("CREATE SERVER s3 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'nope')");
        assert!(
            bad_url.starts_with("HV00D invalid value for option \"url\""),
            "{bad_url}"
        );
    }

    #[pg_test]
    fn unknown_columns_and_wrong_types_are_explained() {
        let fake = Fake::start(5, 1);
        fake.install("t15", TOKEN);
        Spi::run("CREATE FOREIGN TABLE t15_bad (key text, sumary text) SERVER t15 OPTIONS (entity 'issues')")
            .unwrap();
        let err = error_of("SELECT * FROM t15_bad");
        assert!(
            err.starts_with("HV00D column \"sumary\" is not a column"),
            "{err}"
        );
        assert!(err.contains("HINT: Valid columns: id, key,"), "{err}");
        Spi::run("CREATE FOREIGN TABLE t15_typed (key text, id integer) SERVER t15 OPTIONS (entity 'issues')")
            .unwrap();
        let err = error_of("SELECT * FROM t15_typed");
        assert!(
            err.contains("\"id\" of foreign table \"t15_typed\" must be of type bigint"),
            "{err}"
        );
        let err =
            error_of("CREATE FOREIGN TABLE t15_e (key text) SERVER t15 OPTIONS (entity 'issue')");
        assert!(
            err.contains("unknown entity \"issue\"") && err.contains("issues"),
            "{err}"
        );
    }

    #[pg_test]
    fn raw_jql_passes_through_and_is_echoed() {
        let fake = Fake::start(80, 6);
        fake.install("t16", TOKEN);
        fake.clear_requests();
        let n: i64 = one(
            "SELECT count(*) FROM t16_issues WHERE jql = 'project = ALPHA' AND jql IS NOT NULL",
        );
        let expected: i64 = one("SELECT count(*) FROM t16_local WHERE project_key = 'ALPHA'");
        assert_eq!(n, expected);
        assert_eq!(fake.searched_jql(), vec!["(project = ALPHA)".to_string()]);
        let echoed: String = one("SELECT jql FROM t16_issues WHERE jql = 'project = OPS' LIMIT 1");
        assert_eq!(echoed, "project = OPS");
        let err = error_of("SELECT count(*) FROM t16_issues WHERE jql = 'project = = x'");
        assert!(err.starts_with("HV000 Jira answered HTTP 400"), "{err}");
    }

    #[pg_test]
    fn security_options_are_gated_for_usage_only_roles() {
        crate::e2e::security::options_are_gated_for_usage_only_roles();
    }

    #[pg_test]
    fn security_files_are_opened_safely() {
        crate::e2e::security::files_are_opened_safely();
    }

    #[pg_test]
    fn security_raw_jql_cannot_widen_a_query() {
        crate::e2e::security::raw_jql_cannot_widen_a_query();
    }

    #[pg_test]
    fn security_functions_need_grants_usage_and_own_tokens() {
        crate::e2e::security::functions_need_grants_usage_and_own_tokens();
    }

    #[pg_test]
    fn security_path_segments_are_not_dot_segments() {
        crate::e2e::security::path_segments_are_not_dot_segments();
    }

    #[pg_test]
    fn security_hostile_answers_never_crash_the_backend() {
        crate::e2e::security::hostile_answers_never_crash_the_backend();
    }

    #[pg_test]
    fn security_caches_follow_catalog_changes_and_hooks_chain() {
        crate::e2e::security::caches_follow_catalog_changes_and_hooks_chain();
    }

    #[pg_test]
    fn deployment_auto_asks_once_and_explicit_never() {
        crate::e2e::deployment::auto_asks_once_and_explicit_never();
    }

    #[pg_test]
    fn deployment_data_center_issues_page_by_id_past_the_window() {
        crate::e2e::deployment::data_center_issues_page_by_id_past_the_window();
    }

    #[pg_test]
    fn deployment_data_center_groups_past_the_picker_limit() {
        crate::e2e::deployment::data_center_groups_past_the_picker_limit();
    }

    #[pg_test]
    fn deployment_data_center_scans_25000_issues_past_the_window() {
        crate::e2e::deployment::data_center_scans_25000_issues_past_the_window();
    }

    #[pg_test]
    fn deployment_data_center_reads_what_it_serves_and_refuses_the_rest() {
        crate::e2e::deployment::data_center_reads_what_it_serves_and_refuses_the_rest();
    }
}
