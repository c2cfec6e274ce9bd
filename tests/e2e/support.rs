//! What the end-to-end tests share: a fake Jira process per test, its request log and fault
//! queue, the local oracle table, and SQL helpers.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use pgrx::prelude::*;
use serde_json::Value;

/// The fake Jira binary; `.ci/run` builds it and puts it where the `postgres` user can run it.
const FAKE_BIN: &str = match option_env!("JIRA_FDW_FAKE_BIN") {
    Some(path) => path,
    None => "/tmp/jira_fdw_test/fake-jira",
};

/// The fake's credentials (its defaults).
pub const USER: &str = "tester@example.com";
pub const TOKEN: &str = "tok-ABC123secret";

/// A running fake Jira, killed when dropped (and exiting by itself when its stdin closes).
pub struct Fake {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Fake {
    /// Starts a fake serving `issues` generated issues from `seed`.
    pub fn start(issues: usize, seed: u64) -> Fake {
        Fake::start_with(issues, seed, &[])
    }

    /// Starts a fake with extra command-line options (`--deployment server`).
    pub fn start_with(issues: usize, seed: u64, extra: &[&str]) -> Fake {
        let mut child = Command::new(FAKE_BIN)
            .args([
                "--port",
                "0",
                "--issues",
                &issues.to_string(),
                "--seed",
                &seed.to_string(),
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the fake Jira at {FAKE_BIN}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("fake Jira prints its address");
        let url = line
            .trim()
            .strip_prefix("LISTENING ")
            .unwrap_or_else(|| panic!("unexpected first line from the fake: {line:?}"))
            .to_string();
        Fake { child, url }
    }

    fn http(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> String {
        let url = format!("{}{}", self.url, path);
        crate::jira::block_on(
            async move {
                let client = reqwest::Client::new();
                let mut req = client.request(method, url);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let resp = req.send().await.expect("fake control request");
                assert!(
                    resp.status().is_success(),
                    "control request failed: {}",
                    resp.status()
                );
                Ok(resp.text().await.expect("control body"))
            },
            &|| false,
        )
        .expect("control request")
    }

    /// A Jira endpoint's JSON, fetched as the test user (the oracle for list entities).
    pub fn jira_json(&self, path: &str) -> Value {
        let url = format!("{}{}", self.url, path);
        crate::jira::block_on(
            async move {
                let resp = reqwest::Client::new()
                    .get(url)
                    .basic_auth(USER, Some(TOKEN))
                    .send()
                    .await
                    .expect("Jira request");
                Ok(resp.json().await.expect("Jira JSON"))
            },
            &|| false,
        )
        .expect("Jira request")
    }

    /// `POST path` on the fake (control endpoints).
    pub fn post(&self, path: &str) {
        self.http(reqwest::Method::POST, path, None);
    }

    /// `POST path` with a JSON body on the fake (control endpoints).
    pub fn post_json(&self, path: &str, body: Value) {
        self.http(reqwest::Method::POST, path, Some(body));
    }

    /// `DELETE path` on the fake (control endpoints).
    pub fn delete(&self, path: &str) {
        self.http(reqwest::Method::DELETE, path, None);
    }

    /// The fake's authentication counters (`GET /_fake/auth`).
    pub fn auth_counters(&self) -> Value {
        serde_json::from_str(&self.http(reqwest::Method::GET, "/_fake/auth", None))
            .expect("counters are JSON")
    }

    /// What a browser would get from `url` without following redirects: the `Location` of a
    /// redirect, else the body.
    pub fn visit(url: &str) -> String {
        let url = url.to_string();
        crate::jira::block_on(
            async move {
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("client");
                let resp = client.get(url).send().await.expect("visit");
                if let Some(location) = resp.headers().get("location") {
                    return Ok(location.to_str().unwrap_or_default().to_string());
                }
                Ok(resp.text().await.unwrap_or_default())
            },
            &|| false,
        )
        .expect("visit")
    }

    /// Creates server `name` over this fake with extra options (`deployment 'cloud'` unless
    /// they name one), a user mapping with `mapping_options`, and foreign table
    /// `<name>_issues (key text, summary text)`.
    pub fn install_auth(&self, name: &str, server_options: &str, mapping_options: &str) {
        let deployment = if server_options.contains("deployment ") {
            ""
        } else {
            "deployment 'cloud', "
        };
        Spi::run(&format!(
            "CREATE SERVER {name} FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', {deployment}max_retries '2'{}{server_options});
             CREATE USER MAPPING FOR CURRENT_USER SERVER {name} OPTIONS ({mapping_options});
             CREATE FOREIGN TABLE {name}_issues (key text, summary text) SERVER {name} OPTIONS (entity 'issues');",
            self.url,
            if server_options.is_empty() { "" } else { ", " },
        ))
        .expect("install the foreign table");
    }

    /// Every `/rest` request the fake received since the last clear.
    pub fn requests(&self) -> Vec<Value> {
        serde_json::from_str(&self.http(reqwest::Method::GET, "/_fake/requests", None))
            .expect("request log is JSON")
    }

    /// The path of every request the fake logged since the last clear, in order.
    pub fn requested_paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter_map(|r| r["path"].as_str().map(str::to_string))
            .collect()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        self.http(reqwest::Method::DELETE, "/_fake/requests", None);
    }

    /// Queues faults (see the fake's README).
    pub fn faults(&self, faults: Value) {
        self.http(reqwest::Method::POST, "/_fake/faults", Some(faults));
    }

    /// The JQL of every logged search request, in order.
    pub fn searched_jql(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter_map(|r| r["jql"].as_str().map(str::to_string))
            .collect()
    }

    /// Creates server `name`, a user mapping with `token`, foreign table `name`.issues-like
    /// table `<name>_issues` with every contract column, and the oracle table `<name>_local`.
    pub fn install(&self, name: &str, token: &str) {
        self.install_as(name, token, "cloud");
    }

    /// `install` for a server of `deployment` (`cloud`, `server`).
    pub fn install_as(&self, name: &str, token: &str, deployment: &str) {
        Spi::run(&format!(
            "CREATE SERVER {name} FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment '{deployment}', auth_scheme 'APIToken', request_timeout '30', max_retries '5');
             CREATE USER MAPPING FOR CURRENT_USER SERVER {name} OPTIONS (user '{USER}', api_token '{token}');
             CREATE FOREIGN TABLE {name}_issues ({ISSUE_COLUMNS}, jql text) SERVER {name} OPTIONS (entity 'issues');",
            self.url
        ))
        .expect("install the foreign table");
        let sql = self.http(
            reqwest::Method::GET,
            &format!("/_fake/sql?table={name}_local"),
            None,
        );
        Spi::run(&sql).expect("load the oracle table");
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A second connection to the test database through dblink, named `name`, with its own server,
/// user mapping and foreign table `<name>_issues (key text)` over a fake: what a test needs
/// when a statement must run as a client's would (statement_timeout, pg_cancel_backend). The
/// objects are dropped and the connection closed when the session is dropped.
pub struct Session {
    name: String,
}

impl Session {
    /// Connects and creates the objects (committed by that session).
    pub fn open(fake: &Fake, name: &str) -> Session {
        Session::open_with(
            fake,
            name,
            "",
            &format!("user '{USER}', api_token '{TOKEN}'"),
        )
    }

    /// Like `open`, with extra SERVER options (after `url`) and the USER MAPPING's options.
    pub fn open_with(
        fake: &Fake,
        name: &str,
        server_options: &str,
        mapping_options: &str,
    ) -> Session {
        Spi::run("CREATE EXTENSION IF NOT EXISTS dblink").expect("dblink");
        let conn: String = one("SELECT format('host=%s port=%s dbname=%s user=%s', \
               split_part(current_setting('unix_socket_directories'), ',', 1), \
               current_setting('port'), current_database(), current_user)");
        let setup = format!(
            "CREATE SERVER {name} FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment 'cloud'{}{server_options}); \
             CREATE USER MAPPING FOR CURRENT_USER SERVER {name} OPTIONS ({mapping_options}); \
             CREATE FOREIGN TABLE {name}_issues (key text) SERVER {name} OPTIONS (entity 'issues')",
            fake.url,
            if server_options.is_empty() { "" } else { ", " },
        );
        Spi::run(&format!(
            "SELECT dblink_connect({n}, {}); SELECT dblink_exec({n}, {})",
            literal(&conn),
            literal(&setup),
            n = literal(name)
        ))
        .expect("open the dblink session");
        Session {
            name: name.to_string(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let n = literal(&self.name);
        let _ = Spi::run(&format!(
            "SELECT dblink_exec({n}, 'RESET ALL; DROP SERVER {} CASCADE'); SELECT dblink_disconnect({n})",
            self.name
        ));
    }
}

/// The contract's `issues` columns (without the `jql` pseudo-column).
pub const ISSUE_COLUMNS: &str = "id bigint, key text, project_id bigint, project_key text, \
    project_name text, issue_type_id text, issue_type_name text, parent_key text, status_id text, \
    status_name text, status_category text, priority_id text, priority_name text, \
    resolution_name text, resolution_date timestamptz, summary text, description text, \
    environment text, labels text[], components text[], fix_versions text[], \
    assignee_account_id text, assignee_display_name text, reporter_account_id text, \
    reporter_display_name text, creator_account_id text, creator_display_name text, \
    created timestamptz, updated timestamptz, due_date date, time_spent_seconds bigint, \
    original_estimate_seconds bigint, fields jsonb";

/// The contract's column names, for building select lists.
pub fn column_names() -> Vec<&'static str> {
    ISSUE_COLUMNS
        .split(',')
        .map(|c| c.split_whitespace().next().expect("column name"))
        .collect()
}

/// Rows of `foreign` and `local` with `condition`, as JSON arrays in a canonical order, compared.
/// Returns the number of rows.
pub fn assert_same_rows(name: &str, columns: &str, condition: &str) -> i64 {
    let query = |table: &str| {
        format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM \
             (SELECT {columns} FROM {name}_{table} WHERE {condition}) t"
        )
    };
    let foreign: String = Spi::get_one(&query("issues"))
        .expect("foreign query")
        .expect("json");
    let local: String = Spi::get_one(&query("local"))
        .expect("local query")
        .expect("json");
    let f: Value = serde_json::from_str(&foreign).expect("json");
    let l: Value = serde_json::from_str(&local).expect("json");
    if f != l {
        let fa = f.as_array().cloned().unwrap_or_default();
        let la = l.as_array().cloned().unwrap_or_default();
        let first_diff = fa.iter().zip(la.iter()).find(|(a, b)| a != b);
        panic!(
            "rows differ for WHERE {condition}: foreign {} rows, local {} rows; first difference: {:#?}",
            fa.len(),
            la.len(),
            first_diff
        );
    }
    f.as_array().map(|a| a.len() as i64).unwrap_or(0)
}

/// Runs `sql` and returns `SQLSTATE message HINT: hint` of the error it raises, or `ok`.
pub fn error_of(sql: &str) -> String {
    // Created once per session, so that a test may call it after SET ROLE too.
    let missing: bool = one("SELECT to_regprocedure('pg_temp.error_of(text)') IS NULL");
    if missing {
        Spi::run(
            "CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
         DECLARE h text;
         BEGIN
           EXECUTE q;
           RETURN 'ok';
         EXCEPTION
           WHEN query_canceled THEN
             RETURN SQLSTATE || ' ' || SQLERRM || ' HINT: ';
           WHEN OTHERS THEN
             GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
             RETURN SQLSTATE || ' ' || SQLERRM || ' HINT: ' || coalesce(h, '');
         END $$;
         GRANT EXECUTE ON FUNCTION pg_temp.error_of(text) TO PUBLIC",
        )
        .expect("create error_of");
    }
    one(&format!("SELECT pg_temp.error_of({})", literal(sql)))
}

/// `text` as an SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A single value of a query.
pub fn one<T: FromDatum + IntoDatum>(sql: &str) -> T {
    Spi::get_one::<T>(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: NULL"))
}

/// EXPLAIN (VERBOSE, COSTS OFF) of a query, as one text.
pub fn explain(sql: &str) -> String {
    explain_with("VERBOSE, COSTS OFF", sql)
}

/// EXPLAIN (VERBOSE) with costs and row estimates.
pub fn explain_costs(sql: &str) -> String {
    explain_with("VERBOSE", sql)
}

fn explain_with(options: &str, sql: &str) -> String {
    texts(&format!("EXPLAIN ({options}) {sql}")).join("\n")
}

/// The first column of every row of a query, as text.
pub fn texts(sql: &str) -> Vec<String> {
    Spi::connect(|c| {
        c.select(sql, None, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .map(|r| r.get::<String>(1).ok().flatten().unwrap_or_default())
            .collect()
    })
}
