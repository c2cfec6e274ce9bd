//! End-to-end tests of what a role holding only USAGE on the wrapper can and cannot do: file
//! options, secrets on servers, where credentials go, raw JQL, the SQL functions, token files
//! of other roles, path segments built from values.

use pgrx::prelude::*;

use super::support::{error_of, literal, one, Fake, TOKEN, USER};

/// Creates `role` with USAGE on the wrapper only (how postgres_fdw is commonly deployed).
fn usage_only_role(role: &str) {
    Spi::run(&format!(
        "CREATE ROLE {role} NOLOGIN; GRANT USAGE ON FOREIGN DATA WRAPPER jira_fdw TO {role};
         GRANT CREATE ON SCHEMA public TO {role}; GRANT USAGE ON SCHEMA jira_fdw TO {role}"
    ))
    .expect("create the role");
}

fn as_role<T>(role: &str, f: impl FnOnce() -> T) -> T {
    // error_of is created by the superuser first, so the role can call it.
    let _ = error_of("SELECT 1");
    Spi::run(&format!("SET ROLE {role}")).expect("SET ROLE");
    let out = f();
    Spi::run("RESET ROLE").expect("RESET ROLE");
    out
}

fn assert_refused(sql: &str, sqlstate: &str, message: &str, hint: &str) {
    let err = error_of(sql);
    assert!(err.starts_with(&format!("{sqlstate} ")), "{sql}: {err}");
    assert!(err.contains(message), "{sql}: {err}");
    assert!(err.contains(&format!("HINT: {hint}")), "{sql}: {err}");
}

pub fn options_are_gated_for_usage_only_roles() {
    let fake = Fake::start(9, 21);
    usage_only_role("jf_alice");
    let url = &fake.url;
    as_role("jf_alice", || {
        // Files: read ones need pg_read_server_files, written ones pg_write_server_files.
        assert_refused(
            &format!("CREATE SERVER g1 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}', ca_bundle '/etc/passwd')"),
            "42501",
            "members of pg_read_server_files may set option \"ca_bundle\"",
            "Ask a superuser",
        );
        assert_refused(
            &format!("CREATE SERVER g2 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}', auth_scheme 'OAuth', oauth_settings_location '/tmp/jf-evil.json')"),
            "42501",
            "members of pg_write_server_files may set option \"oauth_settings_location\"",
            "Leave it unset",
        );
        Spi::run(&format!(
            "CREATE SERVER g3 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}', auth_scheme 'OAuth', oauth_version '1.0')"
        ))
        .expect("a server without file options");
        assert_refused(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g3 OPTIONS (oauth_client_id 'c', oauth_settings_location '/tmp/jf-evil.json')",
            "42501",
            "oauth_settings_location",
            "Leave it unset",
        );
        assert_refused(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g3 OPTIONS (oauth_client_id 'c', certificate_store '/etc/ssl/private/key.pem')",
            "42501",
            "pg_read_server_files may set option \"certificate_store\"",
            "Ask a superuser",
        );
        assert_refused(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g3 OPTIONS (connection_string 'OAuthClientId=c;OAuthSettingsLocation=/tmp/jf-evil.json')",
            "42501",
            "oauth_settings_location",
            "Leave it unset",
        );
        // Secrets never on a server: every role can read srvoptions.
        assert_refused(
            &format!("CREATE SERVER g4 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}', user 'svc', api_token 'shh-secret')"),
            "HV00D",
            "option \"api_token\" is a secret and cannot be a server option",
            "Every role can read a server's options",
        );
        assert!(!error_of(&format!("CREATE SERVER g4 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}', password 'shh-secret')")).contains("shh-secret"));
        // Where credentials go is the server owner's decision.
        Spi::run(&format!(
            "CREATE SERVER g5 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{url}')"
        ))
        .expect("an ordinary server");
        assert_refused(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g5 OPTIONS (user 'u', api_token 't', url 'https://evil.example')",
            "HV00D",
            "\"url\" decides where credentials are sent",
            "Set it on the server",
        );
        assert_refused(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g5 OPTIONS (user 'u', password 'p', sso_login_url 'https://evil.example/login')",
            "HV00D",
            "\"sso_login_url\" decides where credentials are sent",
            "Set it on the server",
        );
        // The role's ordinary use works: its own token, the default token location.
        Spi::run(&format!(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER g5 OPTIONS (user '{USER}', api_token '{TOKEN}');
             CREATE FOREIGN TABLE g5_issues (key text) SERVER g5 OPTIONS (entity 'issues')"
        ))
        .expect("ordinary objects");
        let n: i64 = one("SELECT count(*) FROM g5_issues");
        assert_eq!(n, 9);
    });
}

pub fn files_are_opened_safely() {
    let fake = Fake::start(3, 22);
    usage_only_role("jf_carol");
    let dir: String = one("SELECT current_setting('data_directory') || '/jira_fdw_files_test'");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let fifo = format!("{dir}/fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let link = format!("{dir}/link.pem");
    std::os::unix::fs::symlink("/etc/passwd", &link).expect("a symlink");
    Spi::run(&format!(
        "CREATE SERVER f1 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', ca_bundle '/dev/zero');
         CREATE USER MAPPING FOR PUBLIC SERVER f1 OPTIONS (user '{USER}', api_token '{TOKEN}');
         CREATE FOREIGN TABLE f1_issues (key text) SERVER f1 OPTIONS (entity 'issues');
         GRANT USAGE ON FOREIGN SERVER f1 TO jf_carol; GRANT SELECT ON f1_issues TO jf_carol;",
        fake.url
    ))
    .expect("a server with a hostile ca_bundle");
    // /dev/zero is not read (it would be an endless allocation), a FIFO does not hang the
    // backend, a symbolic link is not followed.
    for (path, reason) in [
        ("/dev/zero", "it is not a regular file"),
        (fifo.as_str(), "it is not a regular file"),
        (link.as_str(), "it is a symbolic link"),
    ] {
        Spi::run(&format!(
            "ALTER SERVER f1 OPTIONS (SET ca_bundle {})",
            literal(path)
        ))
        .expect("alter");
        let err = error_of("SELECT count(*) FROM f1_issues");
        assert!(
            err.starts_with(&format!(
                "HV00D cannot use the file named by option \"ca_bundle\": {reason}"
            )),
            "{path}: {err}"
        );
        // The path is shown to superusers only (as DETAIL), never in the message.
        let as_carol = as_role("jf_carol", || error_of("SELECT count(*) FROM f1_issues"));
        assert!(
            as_carol.contains(reason) && !as_carol.contains(path),
            "{as_carol}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

pub fn raw_jql_cannot_widen_a_query() {
    let fake = Fake::start(60, 23);
    fake.install("rj", TOKEN);
    let widen = "x) OR (project IS NOT EMPTY";
    let account: String = one(
        "SELECT assignee_account_id FROM rj_local WHERE assignee_account_id IS NOT NULL \
         GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    );
    let mine: i64 = one(&format!(
        "SELECT count(*) FROM rj_local WHERE assignee_account_id = {}",
        literal(&account)
    ));
    let total: i64 = one("SELECT count(*) FROM rj_local");
    assert!(mine > 0 && mine < total);
    for bad in [
        widen,
        "project = ALPHA ORDER BY created",
        "summary ~ \"open",
    ] {
        assert_refused(
            &format!(
                "SELECT count(*) FROM rj_issues WHERE assignee_account_id = {} AND jql = {}",
                literal(&account),
                literal(bad)
            ),
            "22023",
            "the raw JQL of the jql column",
            "Raw JQL is ANDed with the other conditions",
        );
    }
    // A prepared statement's raw JQL is checked when it is known, at execution.
    Spi::run("PREPARE rjp(text) AS SELECT count(*) FROM rj_issues WHERE jql = $1").unwrap();
    assert!(error_of(&format!("EXECUTE rjp({})", literal(widen))).starts_with("22023 "));
    // Balanced raw JQL stays ANDed with the other conditions.
    let n: i64 = one(&format!(
        "SELECT count(*) FROM rj_issues WHERE assignee_account_id = {} AND jql = 'project IS NOT EMPTY OR project IS EMPTY'",
        literal(&account)
    ));
    assert_eq!(n, mine);

    // Under a security_barrier view owned by the superuser, read by a role with no mapping of
    // its own: the view's owner's mapping is used (checkAsUser), and the view's condition holds.
    usage_only_role("jf_dave");
    Spi::run(&format!(
        "CREATE VIEW rj_mine WITH (security_barrier) AS SELECT key, assignee_account_id, jql FROM rj_issues WHERE assignee_account_id = {};
         GRANT SELECT ON rj_mine TO jf_dave;",
        literal(&account)
    ))
    .unwrap();
    as_role("jf_dave", || {
        let n: i64 = one("SELECT count(*) FROM rj_mine");
        assert_eq!(n, mine);
        let widened = format!(
            "SELECT count(*) FROM rj_mine WHERE jql = {}",
            literal(widen)
        );
        let err = error_of(&widened);
        // Refused when pushed down; kept as a filter above the barrier it matches nothing.
        assert!(err.starts_with("22023 ") || err == "ok", "{err}");
        if err == "ok" {
            assert!(one::<i64>(&widened) <= mine);
        }
        let n: i64 = one(
            "SELECT count(*) FROM rj_mine WHERE jql = 'project IS NOT EMPTY OR project IS EMPTY'",
        );
        assert_eq!(n, mine);
        // Without the view, the role has no user mapping of its own (nor SELECT).
        let direct = error_of("SELECT count(*) FROM rj_issues");
        assert!(
            direct.starts_with("HV00J auth_scheme APIToken needs the option \"user\"")
                || direct.starts_with("42501 "),
            "{direct}"
        );
    });

    // Under row-level security on a joined local table.
    Spi::run(&format!(
        "CREATE TABLE rj_owners (account_id text, owner name);
         INSERT INTO rj_owners VALUES ({}, 'jf_dave'), ('someone-else', 'postgres');
         ALTER TABLE rj_owners ENABLE ROW LEVEL SECURITY;
         CREATE POLICY mine ON rj_owners USING (owner = current_user);
         GRANT SELECT ON rj_owners, rj_issues TO jf_dave;
         CREATE USER MAPPING FOR jf_dave SERVER rj OPTIONS (user '{USER}', api_token '{TOKEN}');",
        literal(&account)
    ))
    .unwrap();
    as_role("jf_dave", || {
        let join = "SELECT count(*) FROM rj_issues i JOIN rj_owners o ON o.account_id = i.assignee_account_id";
        let n: i64 = one(join);
        assert_eq!(n, mine);
        let err = error_of(&format!("{join} WHERE i.jql = {}", literal(widen)));
        assert!(err.starts_with("22023 "), "{err}");
        let n: i64 = one(&format!(
            "{join} WHERE i.jql = 'project IS NOT EMPTY OR project IS EMPTY'"
        ));
        assert_eq!(n, mine);
    });
}

pub fn functions_need_grants_usage_and_own_tokens() {
    let fake = Fake::start(4, 24);
    usage_only_role("jf_erin");
    usage_only_role("jf_frank");
    Spi::run(&format!(
        "CREATE SERVER fn1 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}');
         CREATE USER MAPPING FOR PUBLIC SERVER fn1 OPTIONS (user '{USER}', api_token '{TOKEN}');",
        fake.url
    ))
    .unwrap();
    // Not PUBLIC by default.
    let err = as_role("jf_erin", || {
        error_of("SELECT jira_fdw.refresh_custom_fields('fn1')")
    });
    assert!(
        err.starts_with("42501 permission denied for function"),
        "{err}"
    );
    Spi::run("GRANT EXECUTE ON FUNCTION jira_fdw.refresh_custom_fields(text), jira_fdw.refresh_oauth_access_token(text, text), jira_fdw.get_oauth_access_token(text, text, text, text), jira_fdw.get_oauth_authorization_url(text, text, text, text) TO jf_erin, jf_frank").unwrap();
    // Granted, but the server must be usable by the caller.
    assert_refused_as(
        "jf_erin",
        "SELECT jira_fdw.refresh_custom_fields('fn1')",
        "permission denied for foreign server fn1",
    );
    Spi::run("GRANT USAGE ON FOREIGN SERVER fn1 TO jf_erin").unwrap();
    let n: i64 = as_role("jf_erin", || {
        one("SELECT jira_fdw.refresh_custom_fields('fn1')")
    });
    assert!(n > 0);

    // OAuth tokens are per role: what one role authorized, another cannot use or refresh.
    Spi::run(&format!(
        "CREATE SERVER fn2 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{u}', auth_scheme 'OAuth', oauth_auth_url '{u}/atlassian-auth', oauth_api_url '{u}/atlassian-api', callback_url 'https://app.example/callback');
         CREATE USER MAPPING FOR PUBLIC SERVER fn2 OPTIONS (oauth_client_id 'client-abc', oauth_client_secret 'client-secret-xyz');
         CREATE FOREIGN TABLE fn2_issues (key text) SERVER fn2 OPTIONS (entity 'issues');
         GRANT USAGE ON FOREIGN SERVER fn2 TO jf_erin, jf_frank; GRANT SELECT ON fn2_issues TO jf_erin, jf_frank;",
        u = fake.url
    ))
    .unwrap();
    as_role("jf_erin", || {
        let url: String = one("SELECT jira_fdw.get_oauth_authorization_url('fn2')");
        let callback = Fake::visit(&url);
        Spi::run(&format!(
            "SELECT * FROM jira_fdw.get_oauth_access_token('fn2', {})",
            literal(&callback)
        ))
        .expect("erin authorizes");
        let n: i64 = one("SELECT count(*) FROM fn2_issues");
        assert_eq!(n, 4);
    });
    let erin_file: String = one(
        "SELECT current_setting('data_directory') || '/jira_fdw/oauth-' || \
         (SELECT oid FROM pg_foreign_server WHERE srvname = 'fn2') || '-' || \
         (SELECT oid FROM pg_roles WHERE rolname = 'jf_erin') || '.json'",
    );
    assert!(std::path::Path::new(&erin_file).exists(), "{erin_file}");
    as_role("jf_frank", || {
        let err = error_of("SELECT count(*) FROM fn2_issues");
        assert!(
            err.starts_with("28000 ") && err.contains("no OAuth tokens are stored"),
            "{err}"
        );
        let err = error_of("SELECT * FROM jira_fdw.refresh_oauth_access_token('fn2')");
        assert!(
            err.starts_with("28000 ") && err.contains("no refresh token is stored"),
            "{err}"
        );
        let err = error_of(&format!(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER fn2 OPTIONS (oauth_client_id 'client-abc', oauth_client_secret 'x', oauth_settings_location {})",
            literal(&erin_file)
        ));
        assert!(err.starts_with("42501 "), "{err}");
    });
}

fn assert_refused_as(role: &str, sql: &str, message: &str) {
    let err = as_role(role, || error_of(sql));
    assert!(err.starts_with("42501 ") && err.contains(message), "{err}");
}

pub fn path_segments_are_not_dot_segments() {
    let fake = Fake::start(5, 25);
    fake.install("ps", TOKEN);
    Spi::run("CREATE FOREIGN TABLE ps_comments (issue_key text, body text) SERVER ps OPTIONS (entity 'comments')").unwrap();
    fake.clear_requests();
    for key in ["..", ".", "../../api/3/myself"] {
        let n: i64 = one(&format!(
            "SELECT count(*) FROM ps_comments WHERE issue_key = {}",
            literal(key)
        ));
        assert_eq!(n, 0, "{key}");
    }
    let paths = fake.requested_paths();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("/rest/api/3/issue/") && p.ends_with("/comment")),
        "{paths:?}"
    );
}

/// Every entity, and the OAuth 2.0, Okta, Crowd and LDAP flows, against each hostile mode of the fake: the
/// backend never panics (XX000) nor crashes; every failure is a clear SQLSTATE.
pub fn hostile_answers_never_crash_the_backend() {
    let fake = Fake::start(6, 26);
    Spi::run(&format!(
        "CREATE SERVER ho FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{}', deployment 'cloud', max_retries '0', request_timeout '30');
         CREATE USER MAPPING FOR CURRENT_USER SERVER ho OPTIONS (user '{USER}', api_token '{TOKEN}');
         CREATE SCHEMA ho;
         IMPORT FOREIGN SCHEMA jira FROM SERVER ho INTO ho;
         CREATE SERVER ho_oauth FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{u}', deployment 'cloud', max_retries '0', auth_scheme 'OAuth', oauth_auth_url '{u}/atlassian-auth', oauth_api_url '{u}/atlassian-api', callback_url 'https://app.example/callback');
         CREATE USER MAPPING FOR CURRENT_USER SERVER ho_oauth OPTIONS (oauth_client_id 'client-abc', oauth_client_secret 'client-secret-xyz');
         CREATE SERVER ho_okta FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{u}', deployment 'cloud', max_retries '0', auth_scheme 'Okta', sso_login_url '{u}/app/fake_jira/sso/saml', sso_exchange_url '{u}/plugins/servlet/samlconsumer');
         CREATE USER MAPPING FOR CURRENT_USER SERVER ho_okta OPTIONS (user '{USER}', password 'pa55word');
         CREATE FOREIGN TABLE ho_okta_issues (key text, summary text) SERVER ho_okta OPTIONS (entity 'issues');
         CREATE SERVER ho_crowd FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{u}', deployment 'cloud', max_retries '0', auth_scheme 'Crowd', sso_login_url '{u}/crowd/sso/login', sso_exchange_url '{u}/plugins/servlet/samlconsumer');
         CREATE USER MAPPING FOR CURRENT_USER SERVER ho_crowd OPTIONS (user '{USER}', password 'pa55word', sso_app_name 'jira-app', sso_app_password 'app-pass');
         CREATE FOREIGN TABLE ho_crowd_issues (key text) SERVER ho_crowd OPTIONS (entity 'issues');
         CREATE SERVER ho_ldap FOREIGN DATA WRAPPER jira_fdw OPTIONS (url '{u}', deployment 'cloud', max_retries '0', auth_scheme 'LDAP');
         CREATE USER MAPPING FOR CURRENT_USER SERVER ho_ldap OPTIONS (user '{USER}', password 'pa55word');
         CREATE FOREIGN TABLE ho_ldap_issues (key text) SERVER ho_ldap OPTIONS (entity 'issues');",
        fake.url,
        u = fake.url
    ))
    .expect("servers over the fake");
    let tables = super::support::texts(
        "SELECT foreign_table_name::text FROM information_schema.foreign_tables \
         WHERE foreign_table_schema = 'ho' ORDER BY 1",
    );
    assert!(tables.len() >= 37, "{tables:?}");
    let modes = [
        "deep",
        "huge_numbers",
        "wrong_types",
        "invalid_utf8",
        "huge_strings",
        "missing_members",
        "garbage_headers",
    ];
    let mut refused = 0;
    let mut queries = 0;
    let check = |what: &str, outcome: &str, refused: &mut usize| {
        assert!(!outcome.starts_with("XX000"), "{what}: {outcome}");
        assert!(
            outcome == "ok" || outcome.as_bytes().get(5) == Some(&b' '),
            "{what}: {outcome}"
        );
        if outcome != "ok" {
            *refused += 1;
        }
    };
    for mode in modes {
        for spare_search in [false, true] {
            fake.post_json(
                "/_fake/hostile",
                serde_json::json!({"mode": mode, "spare_search": spare_search}),
            );
            for table in &tables {
                queries += 1;
                let outcome = error_of(&format!("SELECT * FROM ho.{table} LIMIT 20"));
                check(&format!("{mode} {table}"), &outcome, &mut refused);
                // Answers no JSON parser accepts are refused as Jira answering garbage.
                if !spare_search && (mode == "deep" || mode == "invalid_utf8") {
                    assert!(outcome.starts_with("HV00N "), "{mode} {table}: {outcome}");
                }
            }
            fake.delete("/_fake/hostile");
        }
        // The authorization flows: the token grant and the identity provider's answers.
        let url: String = one("SELECT jira_fdw.get_oauth_authorization_url('ho_oauth')");
        let callback = Fake::visit(&url);
        fake.post_json("/_fake/hostile", serde_json::json!({"mode": mode}));
        let outcome = error_of(&format!(
            "SELECT * FROM jira_fdw.get_oauth_access_token('ho_oauth', {})",
            literal(&callback)
        ));
        check(&format!("{mode} oauth2"), &outcome, &mut refused);
        // The session logins: Okta's and Crowd's SAML, Jira's own session endpoint.
        for table in ["ho_okta_issues", "ho_crowd_issues", "ho_ldap_issues"] {
            fake.delete("/_fake/sessions");
            let outcome = error_of(&format!("SELECT count(*) FROM {table}"));
            check(&format!("{mode} {table}"), &outcome, &mut refused);
        }
        fake.delete("/_fake/hostile");
        queries += 4;
    }
    pgrx::log!("hostile answers: {refused} of {queries} queries refused, none crashed");
    // The backend is still serving.
    assert!(refused > 0 && refused < queries, "{refused} of {queries}");
    let n: i64 = one("SELECT count(*) FROM ho.issues");
    assert_eq!(n, 6);
}

/// Cached custom fields are forgotten when the server changes (a syscache callback), and
/// utility statements that fail in the hooks chained before ours (pg_stat_statements, loaded
/// by the test cluster) raise their error cleanly.
pub fn caches_follow_catalog_changes_and_hooks_chain() {
    let fake = Fake::start(5, 27);
    fake.install("cc", TOKEN);
    Spi::run("CREATE FOREIGN TABLE cc_points (key text, story_points numeric) SERVER cc OPTIONS (entity 'issues')").unwrap();
    let field_requests = || {
        fake.requested_paths()
            .iter()
            .filter(|p| *p == "/rest/api/3/field")
            .count()
    };
    fake.clear_requests();
    let n: i64 = one("SELECT count(story_points IS NULL) FROM cc_points");
    assert_eq!(n, 5);
    let first = field_requests();
    assert!(first >= 1);
    let _: i64 = one("SELECT count(*) FROM cc_points");
    assert_eq!(field_requests(), first, "custom fields are cached");
    Spi::run("ALTER SERVER cc OPTIONS (SET request_timeout '31')").unwrap();
    let _: i64 = one("SELECT count(*) FROM cc_points");
    assert!(
        field_requests() > first,
        "ALTER SERVER forgets the cached fields"
    );

    let preloaded: String = one("SELECT current_setting('shared_preload_libraries')");
    assert!(preloaded.contains("pg_stat_statements"), "{preloaded}");
    let err = error_of("CREATE TABLE cc_dup (a int); CREATE TABLE cc_dup (a int)");
    assert!(err.starts_with("42P07 "), "{err}");
    let n: i64 = one("SELECT count(*) FROM cc_points");
    assert_eq!(n, 5);
}
