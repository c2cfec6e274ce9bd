//! End-to-end tests of every auth scheme against the fake's identity parties.

use pgrx::prelude::*;

use super::support::{error_of, literal, one, texts, Fake, Session, USER};

/// The fake's defaults for the other parties.
const PAT: &str = "pat-XYZ123secret";
const PASSWORD: &str = "pa55word";
const CLIENT_ID: &str = "client-abc";
const CLIENT_SECRET: &str = "client-secret-xyz";
const MFA_USER: &str = "mfa@example.com";

fn count(table: &str) -> i64 {
    one(&format!("SELECT count(*) FROM {table}"))
}

fn counter(fake: &Fake, name: &str) -> u64 {
    fake.auth_counters()[name].as_u64().unwrap_or(0)
}

/// The callback URL (with `code` and `state`) Jira's authorize endpoint redirects to: what a
/// user copies into `get_oauth_access_token`.
fn authorize(server: &str) -> String {
    let url: String = one(&format!(
        "SELECT jira_fdw.get_oauth_authorization_url('{server}')"
    ));
    let location = Fake::visit(&url);
    let callback = url::Url::parse(&location).expect("the consent redirects to the callback");
    assert!(
        callback.query_pairs().any(|(k, _)| k == "code"),
        "{location}"
    );
    location
}

/// The `code` and `state` of a callback URL.
fn code_and_state(callback: &str) -> (String, String) {
    let url = url::Url::parse(callback).expect("a callback URL");
    let get = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    (get("code"), get("state"))
}

fn oauth2_options(fake: &Fake, extra: &str) -> String {
    format!(
        "auth_scheme 'OAuth', oauth_auth_url '{u}/atlassian-auth', oauth_api_url '{u}/atlassian-api', \
         callback_url 'https://app.example/callback'{extra}",
        u = fake.url
    )
}

pub fn pat() {
    let fake = Fake::start(7, 1);
    fake.install_auth("a1", "auth_scheme 'PAT'", &format!("pat '{PAT}'"));
    assert_eq!(count("a1_issues"), 7);
    let sent = fake.requests();
    assert!(sent.iter().all(|r| r["status"] == 200));
    fake.install_auth("a1b", "auth_scheme 'PAT'", "pat 'pat-wrong-Secret'");
    let err = error_of("SELECT count(*) FROM a1b_issues");
    assert!(
        err.starts_with("28000 Jira rejected the credentials of auth scheme PAT"),
        "{err}"
    );
    assert!(err.contains("HINT: Check pat"), "{err}");
    assert!(!err.contains("pat-wrong-Secret"), "{err}");
}

pub fn ldap_sessions() {
    let fake = Fake::start(9, 2);
    fake.install_auth(
        "a2",
        "auth_scheme 'LDAP'",
        &format!("user '{USER}', password '{PASSWORD}'"),
    );
    assert_eq!(count("a2_issues"), 9);
    assert_eq!(count("a2_issues"), 9);
    assert_eq!(
        counter(&fake, "session_logins"),
        1,
        "one login serves many queries"
    );
    fake.delete("/_fake/sessions");
    assert_eq!(count("a2_issues"), 9);
    assert_eq!(
        counter(&fake, "session_logins"),
        2,
        "an expired session is renewed"
    );
    fake.install_auth(
        "a2b",
        "auth_scheme 'LDAP'",
        &format!("user '{USER}', password 'nope-Secret'"),
    );
    let err = error_of("SELECT count(*) FROM a2b_issues");
    assert!(
        err.starts_with("28000 Jira rejected the credentials of auth scheme LDAP"),
        "{err}"
    );
    assert!(!err.contains("nope-Secret"), "{err}");
}

pub fn oauth2_flow() {
    let fake = Fake::start(11, 3);
    fake.install_auth(
        "a3",
        &oauth2_options(&fake, ""),
        &format!("oauth_client_id '{CLIENT_ID}', oauth_client_secret '{CLIENT_SECRET}'"),
    );
    let before = error_of("SELECT count(*) FROM a3_issues");
    assert!(
        before.starts_with("28000 ") && before.contains("no OAuth tokens are stored"),
        "{before}"
    );
    let url: String = one("SELECT jira_fdw.get_oauth_authorization_url('a3', state => 'xyz')");
    assert!(
        url.starts_with(&format!(
            "{}/atlassian-auth/authorize?audience=api.atlassian.com&client_id={CLIENT_ID}",
            fake.url
        )),
        "{url}"
    );
    assert!(
        url.contains("state=xyz") && url.contains("offline_access"),
        "{url}"
    );
    assert!(
        url.contains("code_challenge=") && url.contains("code_challenge_method=S256"),
        "{url}"
    );
    let callback = authorize("a3");
    let (code, state) = code_and_state(&callback);
    // The state must be the one this server and role's authorization made.
    let forged = error_of(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a3', {}, state => 'forged')",
        literal(&code)
    ));
    assert!(
        forged.starts_with("28000 ") && forged.contains("state"),
        "{forged}"
    );
    let missing = error_of(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a3', {})",
        literal(&code)
    ));
    assert!(missing.contains("needs the state"), "{missing}");
    assert_eq!(counter(&fake, "oauth2_code_grants"), 0);
    let row = texts(&format!(
        "SELECT format('%s|%s|%s', oauth_access_token, oauth_refresh_token, expires_in) \
         FROM jira_fdw.get_oauth_access_token('a3', {}, state => {})",
        literal(&code),
        literal(&state)
    ));
    let parts: Vec<&str> = row[0].split('|').collect();
    assert!(!parts[0].is_empty() && !parts[1].is_empty(), "{row:?}");
    let expires: i64 = parts[2].parse().unwrap();
    assert!((3500..=3600).contains(&expires), "{expires}");
    fake.clear_requests();
    assert_eq!(count("a3_issues"), 11);
    let paths = fake.requested_paths();
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/atlassian-api/ex/jira/")
                && p.ends_with("/rest/api/3/search/jql")),
        "{paths:?}"
    );
    // Expired access tokens are refreshed once, with the stored refresh token.
    fake.post("/_fake/oauth2/expire");
    assert_eq!(count("a3_issues"), 11);
    assert_eq!(counter(&fake, "oauth2_refreshes"), 1);
    assert_eq!(counter(&fake, "oauth2_refresh_reuse"), 0);
    // The procedure refreshes on demand; the refresh token it returns is the next one.
    let next = texts("SELECT oauth_refresh_token FROM jira_fdw.refresh_oauth_access_token('a3')");
    assert_ne!(next[0], parts[1]);
    assert_eq!(count("a3_issues"), 11);
    // The first refresh token was rotated away: using it again is refused.
    let err = error_of(&format!(
        "SELECT * FROM jira_fdw.refresh_oauth_access_token('a3', {})",
        literal(parts[1])
    ));
    assert!(
        err.starts_with("28000 ") && err.contains("invalid_grant")
            || err.contains("invalid refresh token"),
        "{err}"
    );
    // A grant is used only for the server's own site; without a url, for its only site.
    Spi::run(&format!(
        "CREATE SERVER a3o FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'https://other.example', {});
         CREATE USER MAPPING FOR CURRENT_USER SERVER a3o OPTIONS (oauth_client_id '{CLIENT_ID}', oauth_client_secret '{CLIENT_SECRET}');
         CREATE SERVER a3n FOREIGN DATA WRAPPER jira_fdw OPTIONS ({});
         CREATE USER MAPPING FOR CURRENT_USER SERVER a3n OPTIONS (oauth_client_id '{CLIENT_ID}', oauth_client_secret '{CLIENT_SECRET}');",
        oauth2_options(&fake, ""),
        oauth2_options(&fake, ""),
    ))
    .expect("servers for site matching");
    let other = error_of(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a3o', {})",
        literal(&authorize("a3o"))
    ));
    assert!(
        other.contains("does not cover the server's url https://other.example"),
        "{other}"
    );
    // The fake's grants cover two sites, so a server without url cannot pick one.
    let two = error_of(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a3n', {})",
        literal(&authorize("a3n"))
    ));
    assert!(
        two.contains("the grant must cover exactly one site")
            && two.contains("https://other-site.atlassian.net"),
        "{two}"
    );
    // Wrong client secret.
    fake.install_auth(
        "a3b",
        &oauth2_options(&fake, ""),
        &format!("oauth_client_id '{CLIENT_ID}', oauth_client_secret 'wrong-Client-Secret'"),
    );
    let code = authorize("a3b");
    let err = error_of(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a3b', {})",
        literal(&code)
    ));
    assert!(
        err.starts_with("28000 Jira rejected the credentials of auth scheme OAuth"),
        "{err}"
    );
    assert!(!err.contains("wrong-Client-Secret"), "{err}");
}

/// Four sessions query at once right after the access token expired: all succeed, and the
/// refresh token is used exactly once.
pub fn oauth2_concurrent_refresh() {
    let fake = Fake::start(13, 4);
    let store: String =
        one("SELECT current_setting('data_directory') || '/jira_fdw/concurrent-test.json'");
    let server_options = oauth2_options(&fake, &format!(", oauth_settings_location '{store}'"));
    let mapping = format!("oauth_client_id '{CLIENT_ID}', oauth_client_secret '{CLIENT_SECRET}'");
    fake.install_auth("a4", &server_options, &mapping);
    let code = authorize("a4");
    Spi::run(&format!(
        "SELECT * FROM jira_fdw.get_oauth_access_token('a4', {})",
        literal(&code)
    ))
    .unwrap();
    assert_eq!(count("a4_issues"), 13);
    let sessions: Vec<Session> = (0..4)
        .map(|i| Session::open_with(&fake, &format!("c4s{i}"), &server_options, &mapping))
        .collect();
    fake.post("/_fake/oauth2/expire");
    for i in 0..4 {
        Spi::run(&format!(
            "SELECT dblink_send_query('c4s{i}', 'SELECT count(*) FROM c4s{i}_issues')"
        ))
        .unwrap();
    }
    for i in 0..4 {
        let n: i64 = one(&format!(
            "SELECT n FROM dblink_get_result('c4s{i}') AS t(n bigint)"
        ));
        assert_eq!(n, 13, "session {i}");
        Spi::run(&format!(
            "SELECT * FROM dblink_get_result('c4s{i}') AS t(n bigint)"
        ))
        .unwrap();
    }
    drop(sessions);
    assert_eq!(
        counter(&fake, "oauth2_refresh_reuse"),
        0,
        "a refresh token was used twice"
    );
    assert_eq!(
        counter(&fake, "oauth2_refreshes"),
        1,
        "exactly one backend refreshes"
    );
    let _ = std::fs::remove_file(&store);
}

fn sso_options(fake: &Fake, scheme: &str, login_path: &str, extra: &str) -> String {
    format!(
        "auth_scheme '{scheme}', sso_login_url '{u}{login_path}', sso_exchange_url '{u}/plugins/servlet/samlconsumer'{extra}",
        u = fake.url
    )
}

pub fn okta() {
    let fake = Fake::start(5, 5);
    let server = sso_options(&fake, "Okta", "/app/fake_jira/sso/saml", "");
    fake.install_auth(
        "a5",
        &server,
        &format!("user '{USER}', password '{PASSWORD}'"),
    );
    assert_eq!(count("a5_issues"), 5);
    assert_eq!(counter(&fake, "okta_authn"), 1);
    assert_eq!(counter(&fake, "saml_logins"), 1);
    fake.install_auth(
        "a5m",
        &server,
        &format!("user '{MFA_USER}', password '{PASSWORD}'"),
    );
    let err = error_of("SELECT count(*) FROM a5m_issues");
    assert!(
        err.starts_with("28000 ") && err.contains("MFAPassCode"),
        "{err}"
    );
    fake.install_auth(
        "a5p",
        &server,
        &format!("user '{MFA_USER}', password '{PASSWORD}', sso_properties 'MFAType=GOOGLE;MFAPassCode=123456'"),
    );
    assert_eq!(count("a5p_issues"), 5);
    assert_eq!(counter(&fake, "okta_mfa_verified"), 1);
    fake.install_auth(
        "a5w",
        &server,
        &format!("user '{MFA_USER}', password '{PASSWORD}', sso_properties 'MFAPassCode=000000'"),
    );
    let err = error_of("SELECT count(*) FROM a5w_issues");
    assert!(
        err.starts_with("28000 ") && err.contains("passcode"),
        "{err}"
    );
    fake.install_auth(
        "a5x",
        &server,
        &format!("user '{USER}', password 'bad-Secret'"),
    );
    let err = error_of("SELECT count(*) FROM a5x_issues");
    assert!(
        err.starts_with("28000 Jira rejected the credentials of auth scheme Okta"),
        "{err}"
    );
    assert!(!err.contains("bad-Secret"), "{err}");
}

pub fn crowd() {
    let fake = Fake::start(6, 6);
    let server = sso_options(&fake, "Crowd", "/crowd/sso/login", "");
    fake.install_auth(
        "a6",
        &server,
        &format!("user '{USER}', password '{PASSWORD}', sso_app_name 'jira-app', sso_app_password 'app-pass'"),
    );
    assert_eq!(count("a6_issues"), 6);
    assert_eq!(counter(&fake, "crowd_logins"), 1);
    fake.delete("/_fake/sessions");
    assert_eq!(count("a6_issues"), 6);
    assert_eq!(
        counter(&fake, "crowd_logins"),
        2,
        "a lapsed session logs in again"
    );
    fake.install_auth(
        "a6b",
        &server,
        &format!("user '{USER}', password '{PASSWORD}', sso_app_name 'jira-app', sso_app_password 'wrong-App-Pass'"),
    );
    let err = error_of("SELECT count(*) FROM a6b_issues");
    assert!(
        err.starts_with("28000 ") && err.contains("Crowd refused the application"),
        "{err}"
    );
    assert!(!err.contains("wrong-App-Pass"), "{err}");
}

/// OAuth 1.0a through server `name` with consumer key `key`, against a fake of `deployment`.
pub fn oauth1(key: &str, name: &str, deployment: &str) {
    let fake = Fake::start_with(8, 7, &["--deployment", deployment]);
    fake.install_auth(
        name,
        &format!("auth_scheme 'OAuth', oauth_version '1.0', deployment '{deployment}'"),
        &format!(
            "oauth_client_id 'jira-fdw-consumer', certificate_store {}, certificate_store_type 'PEMKEY_BLOB'",
            literal(key)
        ),
    );
    let url: String = one(&format!(
        "SELECT jira_fdw.get_oauth_authorization_url('{name}')"
    ));
    assert!(
        url.contains("/plugins/servlet/oauth/authorize?oauth_token="),
        "{url}"
    );
    let page = Fake::visit(&url);
    let verifier = page
        .split("oauth_verifier=")
        .nth(1)
        .map(|v| {
            v.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .expect("a verifier");
    let token: Vec<String> = texts(&format!(
        "SELECT oauth_access_token FROM jira_fdw.get_oauth_access_token('{name}', {})",
        literal(&verifier)
    ));
    assert!(!token[0].is_empty());
    assert_eq!(count(&format!("{name}_issues")), 8);
    // Starting another authorization keeps the working access token.
    let _: String = one(&format!(
        "SELECT jira_fdw.get_oauth_authorization_url('{name}')"
    ));
    assert_eq!(count(&format!("{name}_issues")), 8);
    let search = match deployment {
        "server" => "/rest/api/2/search",
        _ => "/rest/api/3/search/jql",
    };
    let signed = fake
        .requests()
        .iter()
        .filter(|r| r["path"] == search)
        .count();
    assert!(signed > 0);
    if deployment == "server" {
        Spi::run(&format!(
            "CREATE FOREIGN TABLE {name}_statuses (id text, name text) SERVER {name} OPTIONS (entity 'statuses')"
        ))
        .unwrap();
        assert!(count(&format!("{name}_statuses")) > 0);
        assert!(!fake
            .requested_paths()
            .iter()
            .any(|p| p.starts_with("/rest/api/3/")));
    }
}

/// Every Server/Data Center scheme but OAuth 1.0a (see [`oauth1`]) against a Data Center
/// fake: issues and their comments are read from the v2 API, and a wrong secret is 28000.
pub fn data_center_schemes() {
    let fake = Fake::start_with(6, 9, &["--deployment", "server"]);
    let okta = sso_options(&fake, "Okta", "/app/fake_jira/sso/saml", "");
    let crowd = sso_options(&fake, "Crowd", "/crowd/sso/login", "");
    let login = |password: &str| format!("user '{USER}', password '{password}'");
    let crowd_login = |password: &str| {
        format!(
            "{}, sso_app_name 'jira-app', sso_app_password 'app-pass'",
            login(password)
        )
    };
    let schemes = [
        (
            "Basic",
            "auth_scheme 'Basic'".to_string(),
            login(PASSWORD),
            login("wrong-Secret"),
        ),
        (
            "PAT",
            "auth_scheme 'PAT'".to_string(),
            format!("pat '{PAT}'"),
            "pat 'wrong-Secret'".to_string(),
        ),
        (
            "LDAP",
            "auth_scheme 'LDAP'".to_string(),
            login(PASSWORD),
            login("wrong-Secret"),
        ),
        (
            "Crowd",
            crowd,
            crowd_login(PASSWORD),
            crowd_login("wrong-Secret"),
        ),
        ("Okta", okta, login(PASSWORD), login("wrong-Secret")),
    ];
    let mut expected_comments = None;
    for (i, (scheme, server, good, bad)) in schemes.iter().enumerate() {
        let name = format!("dcs{i}");
        fake.clear_requests();
        fake.install_auth(&name, &format!("{server}, deployment 'server'"), good);
        Spi::run(&format!(
            "CREATE FOREIGN TABLE {name}_comments (issue_key text, id bigint, body text) \
             SERVER {name} OPTIONS (entity 'comments')"
        ))
        .unwrap();
        assert_eq!(count(&format!("{name}_issues")), 6, "{scheme}");
        let comments = count(&format!("{name}_comments"));
        let expected = *expected_comments.get_or_insert_with(|| {
            texts(&format!("SELECT key FROM {name}_issues"))
                .iter()
                .map(|key| {
                    fake.jira_json(&format!("/rest/api/2/issue/{key}/comment?maxResults=100"))
                        ["total"]
                        .as_i64()
                        .unwrap_or(0)
                })
                .sum::<i64>()
        });
        assert!(expected > 0);
        assert_eq!(comments, expected, "{scheme}");
        let paths = fake.requested_paths();
        assert!(
            paths.iter().any(|p| p == "/rest/api/2/search")
                && paths.iter().any(|p| p.ends_with("/comment"))
                && !paths.iter().any(|p| p.starts_with("/rest/api/3/")),
            "{scheme}: {paths:?}"
        );
        fake.install_auth(
            &format!("{name}b"),
            &format!("{server}, deployment 'server'"),
            bad,
        );
        let err = error_of(&format!("SELECT count(*) FROM {name}b_issues"));
        assert!(err.starts_with("28000 "), "{scheme}: {err}");
        assert!(!err.contains("wrong-Secret"), "{scheme}: {err}");
    }
}

pub fn scheme_options_are_checked() {
    Spi::run(
        "CREATE SERVER v1 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'https://x.atlassian.net', auth_scheme 'PAT');
         CREATE USER MAPPING FOR CURRENT_USER SERVER v1 OPTIONS (pat 'p', api_token 't');
         CREATE FOREIGN TABLE v1_issues (key text) SERVER v1 OPTIONS (entity 'issues');
         CREATE SERVER v2 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'https://x.atlassian.net', auth_scheme 'okta');
         CREATE USER MAPPING FOR CURRENT_USER SERVER v2 OPTIONS (user 'u', password 'p');
         CREATE FOREIGN TABLE v2_issues (key text) SERVER v2 OPTIONS (entity 'issues');",
    )
    .unwrap();
    let err = error_of("SELECT * FROM v1_issues");
    assert!(
        err.starts_with("HV00D option \"api_token\" is not used by auth_scheme PAT"),
        "{err}"
    );
    let err = error_of("SELECT * FROM v2_issues");
    assert!(
        err.starts_with("HV00J auth_scheme Okta needs the option \"sso_login_url\""),
        "{err}"
    );
    let err = error_of("CREATE SERVER v3 FOREIGN DATA WRAPPER jira_fdw OPTIONS (url 'https://x', initiate_oauth 'maybe')");
    assert!(
        err.starts_with("HV00D invalid value for option \"initiate_oauth\""),
        "{err}"
    );
    let err = error_of("SELECT jira_fdw.get_oauth_authorization_url('no_such_server')");
    assert!(
        err.contains("server \"no_such_server\" does not exist"),
        "{err}"
    );
}
