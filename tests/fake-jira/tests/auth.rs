//! The authentication parties of the fake over real HTTP: PAT, cookie sessions, OAuth 2.0
//! (3LO) with the API gateway, Okta, Crowd, SAML and OAuth 1.0a.

use fake_jira::{spawn, Config};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Response};
use serde_json::{json, Value};

const USER: &str = "tester@example.com";
const PASSWORD: &str = "pa55word";
const SEARCH: &str = "/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&fields=key";

async fn start_with(config: Config) -> String {
    spawn(config).await.expect("server starts").0
}

async fn start() -> String {
    start_with(Config {
        issues: 20,
        ..Config::default()
    })
    .await
}

/// A client that neither follows redirects nor keeps cookies: tests handle both by hand.
fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn body(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn counters(base: &str) -> Value {
    body(
        client()
            .get(format!("{base}/_fake/auth"))
            .send()
            .await
            .expect("send"),
    )
    .await
    .1
}

fn not_authenticated() -> Value {
    json!({"errorMessages": ["You are not authenticated. Authentication required to perform this operation."], "errors": {}})
}

#[tokio::test]
async fn pat_authenticates_and_a_wrong_one_is_refused() {
    let base = start().await;
    let r = client()
        .get(format!("{base}/rest/api/3/myself"))
        .bearer_auth("pat-XYZ123secret")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let (status, b) = body(
        client()
            .get(format!("{base}{SEARCH}"))
            .bearer_auth("pat-XYZ123secret")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!b["issues"].as_array().expect("issues").is_empty());
    for path in ["/rest/api/3/myself", SEARCH] {
        let (status, b) = body(
            client()
                .get(format!("{base}{path}"))
                .bearer_auth("pat-wrong")
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!((status, b), (401, not_authenticated()), "{path}");
    }
    // Basic and anonymous search semantics are unchanged.
    let r = client()
        .get(format!("{base}{SEARCH}"))
        .basic_auth(USER, Some("wrong"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-seraph-loginreason"], "AUTHENTICATED_FAILED");
}

async fn session_login(base: &str, user: &str, password: &str) -> Response {
    client()
        .post(format!("{base}/rest/auth/1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .expect("send")
}

fn session_cookie(r: &Response) -> String {
    let header = r.headers()[SET_COOKIE].to_str().expect("ascii").to_string();
    assert!(header.ends_with("; Path=/; HttpOnly"), "{header}");
    header
        .split(';')
        .next()
        .expect("pair")
        .trim_start_matches("JSESSIONID=")
        .to_string()
}

async fn get_with_cookie(base: &str, path: &str, id: &str) -> (u16, Value) {
    body(
        client()
            .get(format!("{base}{path}"))
            .header(COOKIE, format!("other=1; JSESSIONID={id}"))
            .send()
            .await
            .expect("send"),
    )
    .await
}

#[tokio::test]
async fn cookie_sessions_log_in_expire_and_renew() {
    let base = start().await;
    let (status, b) = body(session_login(&base, USER, "nope").await).await;
    assert_eq!(
        (status, b),
        (
            401,
            json!({"errorMessages": ["Login failed"], "errors": {}})
        )
    );
    let r = session_login(&base, USER, PASSWORD).await;
    assert_eq!(r.status(), 200);
    let id = session_cookie(&r);
    let (_, b) = body(r).await;
    assert_eq!(b["session"], json!({"name": "JSESSIONID", "value": id}));
    assert_eq!(b["loginInfo"]["loginCount"], 1);
    assert!(b["loginInfo"]["previousLoginTime"].is_string());

    let (status, b) = get_with_cookie(&base, "/rest/auth/1/session", &id).await;
    assert_eq!((status, b["name"].as_str()), (200, Some(USER)));
    let (status, b) = get_with_cookie(&base, SEARCH, &id).await;
    assert_eq!(status, 200);
    assert!(!b["issues"].as_array().expect("issues").is_empty());
    assert_eq!(
        get_with_cookie(&base, "/rest/api/3/myself", &id).await.0,
        200
    );

    // An unknown cookie is refused everywhere, search included (it is not anonymous access).
    for path in [SEARCH, "/rest/api/3/myself", "/rest/auth/1/session"] {
        let (status, b) = get_with_cookie(&base, path, "deadbeef").await;
        assert_eq!((status, b), (401, not_authenticated()), "{path}");
    }
    let r = client()
        .delete(format!("{base}/_fake/sessions"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    for path in [SEARCH, "/rest/api/3/myself", "/rest/auth/1/session"] {
        assert_eq!(get_with_cookie(&base, path, &id).await.0, 401, "{path}");
    }
    let r = session_login(&base, USER, PASSWORD).await;
    let id2 = session_cookie(&r);
    assert_ne!(id, id2);
    assert_eq!(body(r).await.1["loginInfo"]["loginCount"], 2);
    assert_eq!(get_with_cookie(&base, SEARCH, &id2).await.0, 200);
    let c = counters(&base).await;
    assert_eq!(
        (c["session_logins"].as_u64(), c["session_renewals"].as_u64()),
        (Some(2), Some(1))
    );
    // Logout ends the session.
    let r = client()
        .delete(format!("{base}/rest/auth/1/session"))
        .header(COOKIE, format!("JSESSIONID={id2}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    assert_eq!(get_with_cookie(&base, SEARCH, &id2).await.0, 401);
    // Every path is logged, the login included.
    let (_, log) = body(
        client()
            .get(format!("{base}/_fake/requests"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let paths: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(paths.contains(&"/rest/auth/1/session"));
    assert!(!paths.iter().any(|p| p.starts_with("/_fake/")));
}

#[tokio::test]
async fn sessions_expire_after_their_ttl() {
    let base = start_with(Config {
        issues: 5,
        session_ttl: 1,
        ..Config::default()
    })
    .await;
    let id = session_cookie(&session_login(&base, USER, PASSWORD).await);
    assert_eq!(
        get_with_cookie(&base, "/rest/api/3/myself", &id).await.0,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        get_with_cookie(&base, "/rest/api/3/myself", &id).await.0,
        401
    );
}

const CLOUD: &str = "11111111-2222-3333-4444-555555555555";
const REDIRECT: &str = "http://localhost:9999/cb?x=1";

/// Runs the consent step and returns the code the redirect carries.
async fn authorize(base: &str) -> String {
    let r = client()
        .get(format!("{base}/atlassian-auth/authorize"))
        .query(&[
            ("audience", "api.atlassian.com"),
            ("client_id", "client-abc"),
            ("scope", "read:jira-work offline_access"),
            ("redirect_uri", REDIRECT),
            ("state", "st 1"),
            ("response_type", "code"),
            ("prompt", "consent"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 302);
    let location = r.headers()[LOCATION].to_str().expect("ascii").to_string();
    let query = location
        .strip_prefix("http://localhost:9999/cb?x=1&")
        .expect("redirect keeps its own query");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
    assert_eq!(pairs[1], ("state".to_string(), "st 1".to_string()));
    assert_eq!(pairs[0].0, "code");
    pairs[0].1.clone()
}

async fn token(base: &str, body: Value) -> (u16, Value) {
    body_of(
        client()
            .post(format!("{base}/atlassian-auth/oauth/token"))
            .json(&body)
            .send()
            .await
            .expect("send"),
    )
    .await
}

async fn body_of(r: Response) -> (u16, Value) {
    body(r).await
}

fn code_grant(code: &str) -> Value {
    json!({"grant_type": "authorization_code", "client_id": "client-abc",
        "client_secret": "client-secret-xyz", "code": code, "redirect_uri": REDIRECT})
}

fn refresh_grant(refresh: &str) -> Value {
    json!({"grant_type": "refresh_token", "client_id": "client-abc",
        "client_secret": "client-secret-xyz", "refresh_token": refresh})
}

async fn with_bearer(base: &str, path: &str, token: &str) -> (u16, Value) {
    body(
        client()
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("send"),
    )
    .await
}

#[tokio::test]
async fn oauth2_three_legged_flow_with_rotation_and_gateway() {
    let base = start().await;
    // Authorize refusals.
    for query in [
        "client_id=nope&redirect_uri=http://x&response_type=code",
        "client_id=client-abc&response_type=code",
        "client_id=client-abc&redirect_uri=http://x&response_type=token",
    ] {
        let r = client()
            .get(format!("{base}/atlassian-auth/authorize?{query}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 400, "{query}");
    }
    let code = authorize(&base).await;
    let mut wrong = code_grant(&code);
    wrong["client_secret"] = json!("bad");
    assert_eq!(
        token(&base, wrong).await,
        (
            401,
            json!({"error": "access_denied", "error_description": "Unauthorized"})
        )
    );
    let (status, first) = token(&base, code_grant(&code)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["expires_in"], 3600);
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["scope"], "read:jira-work offline_access");
    let bad_code =
        json!({"error": "invalid_grant", "error_description": "Invalid authorization code"});
    assert_eq!(
        token(&base, code_grant(&code)).await,
        (403, bad_code.clone()),
        "code is single use"
    );
    assert_eq!(
        token(&base, code_grant("unknown")).await,
        (403, bad_code.clone())
    );
    // redirect_uri must equal the authorize one.
    let code2 = authorize(&base).await;
    let mut other = code_grant(&code2);
    other["redirect_uri"] = json!("http://elsewhere/cb");
    assert_eq!(token(&base, other).await.0, 403);

    let access = first["access_token"].as_str().expect("access").to_string();
    let refresh = first["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_string();
    let (status, resources) = with_bearer(
        &base,
        "/atlassian-api/oauth/token/accessible-resources",
        &access,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(resources[0]["id"], CLOUD);
    assert_eq!(resources[0]["url"], base.as_str());
    assert_eq!(resources[1]["id"], "99999999-0000-0000-0000-000000000000");
    let unauthorized = json!({"code": 401, "message": "Unauthorized"});
    assert_eq!(
        with_bearer(
            &base,
            "/atlassian-api/oauth/token/accessible-resources",
            "nope"
        )
        .await,
        (401, unauthorized.clone())
    );

    // The gateway serves the Jira API, faults included, logged with the full path.
    let gw = format!("/atlassian-api/ex/jira/{CLOUD}");
    let (status, b) = with_bearer(&base, &format!("{gw}{SEARCH}"), &access).await;
    assert_eq!(status, 200);
    assert!(!b["issues"].as_array().expect("issues").is_empty());
    let (status, b) = with_bearer(&base, &format!("{gw}/rest/api/3/issue/ALPHA-1"), &access).await;
    assert_eq!((status, b["key"].as_str()), (200, Some("ALPHA-1")));
    let r = client()
        .post(format!("{base}/_fake/faults"))
        .json(&json!({"kind": "status", "status": 503}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    assert_eq!(
        with_bearer(&base, &format!("{gw}/rest/api/3/myself"), &access)
            .await
            .0,
        503
    );
    assert_eq!(
        with_bearer(&base, &format!("{gw}/rest/api/3/myself"), "nope").await,
        (401, unauthorized.clone())
    );
    let basic = client()
        .get(format!("{base}{gw}/rest/api/3/myself"))
        .basic_auth(USER, Some("tok-ABC123secret"))
        .send()
        .await
        .expect("send");
    assert_eq!(basic.status(), 401, "the gateway takes only bearer tokens");
    assert_eq!(
        with_bearer(
            &base,
            "/atlassian-api/ex/jira/99999999-0000-0000-0000-000000000000/rest/api/3/myself",
            &access
        )
        .await
        .0,
        404
    );
    assert_eq!(
        with_bearer(
            &base,
            "/atlassian-api/ex/jira/nope/rest/api/3/myself",
            &access
        )
        .await
        .0,
        404
    );
    // The access token does not open the plain /rest API (that bearer is the PAT).
    assert_eq!(
        with_bearer(&base, "/rest/api/3/myself", &access).await.0,
        401
    );
    let (_, log) = body(
        client()
            .get(format!("{base}/_fake/requests"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let entry = log
        .as_array()
        .expect("log")
        .iter()
        .find(|e| e["path"] == format!("{gw}/rest/api/3/search/jql"))
        .expect("gateway search logged")
        .clone();
    assert_eq!(
        (entry["status"].as_u64(), entry["jql"].as_str()),
        (Some(200), Some("project = ALPHA"))
    );

    // Expiry, then refresh with rotation.
    let r = client()
        .post(format!("{base}/_fake/oauth2/expire"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    assert_eq!(
        with_bearer(&base, &format!("{gw}/rest/api/3/myself"), &access).await,
        (401, unauthorized)
    );
    let (status, second) = token(&base, refresh_grant(&refresh)).await;
    assert_eq!(status, 200);
    let access2 = second["access_token"].as_str().expect("access").to_string();
    let refresh2 = second["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_string();
    assert_ne!(access2, access);
    assert_ne!(refresh2, refresh);
    assert_eq!(second["scope"], "read:jira-work offline_access");
    assert_eq!(
        with_bearer(&base, &format!("{gw}/rest/api/3/myself"), &access2)
            .await
            .0,
        200
    );
    let reuse =
        json!({"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."});
    assert_eq!(
        token(&base, refresh_grant(&refresh)).await,
        (403, reuse.clone())
    );
    assert_eq!(
        token(&base, refresh_grant("rt-unknown")).await,
        (403, reuse)
    );
    // Form bodies are accepted too.
    let r = client()
        .post(format!("{base}/atlassian-auth/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "client-abc"),
            ("client_secret", "client-secret-xyz"),
            ("refresh_token", refresh2.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let c = counters(&base).await;
    assert_eq!(c["oauth2_code_grants"], 1);
    assert_eq!(c["oauth2_refreshes"], 2);
    assert_eq!(c["oauth2_refresh_reuse"], 1);
    assert_eq!(c["oauth2_rejected"], 6);
}

/// Reads the value of a hidden input of the SAML form.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("input") + marker.len();
    let len = page[start..].find('"').expect("end");
    page[start..start + len].to_string()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Posts a SAML form to the consumer and returns the response.
async fn post_saml(base: &str, saml: &str, relay: &str) -> Response {
    client()
        .post(format!("{base}/plugins/servlet/samlconsumer"))
        .form(&[("SAMLResponse", saml), ("RelayState", relay)])
        .send()
        .await
        .expect("send")
}

/// Checks the SAML form page and returns (SAMLResponse, RelayState).
async fn saml_page(base: &str, r: Response, user: &str) -> (String, String) {
    assert_eq!(r.status(), 200);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .starts_with("text/html"));
    let page = r.text().await.expect("page");
    assert!(page.contains(&format!(
        "<form method=\"POST\" action=\"{base}/plugins/servlet/samlconsumer\">"
    )));
    let saml = hidden(&page, "SAMLResponse");
    let xml =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &saml).expect("base64");
    assert!(String::from_utf8_lossy(&xml).contains(&format!(">{user}</saml:NameID>")));
    (saml, unescape(&hidden(&page, "RelayState")))
}

async fn okta_authn(base: &str, user: &str, password: &str) -> (u16, Value) {
    body(
        client()
            .post(format!("{base}/api/v1/authn"))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
            .expect("send"),
    )
    .await
}

async fn cookie_redirect(base: &str, token: &str, relay: &str) -> Response {
    client()
        .get(format!("{base}/login/sessionCookieRedirect"))
        .query(&[("token", token), ("redirectUrl", relay)])
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn okta_saml_login_opens_a_session() {
    let base = start().await;
    assert_eq!(
        okta_authn(&base, USER, "nope").await,
        (
            401,
            json!({"errorCode": "E0000004", "errorSummary": "Authentication failed", "errorCauses": []})
        )
    );
    let (status, b) = okta_authn(&base, USER, PASSWORD).await;
    assert_eq!((status, b["status"].as_str()), (200, Some("SUCCESS")));
    assert!(b["expiresAt"].is_string());
    let token = b["sessionToken"].as_str().expect("token").to_string();
    let relay = "https://jira.example/secure/Dashboard.jspa?a=1&b=\"2\"";
    let (saml, relay_back) =
        saml_page(&base, cookie_redirect(&base, &token, relay).await, USER).await;
    assert_eq!(relay_back, relay);
    assert_eq!(
        cookie_redirect(&base, &token, relay).await.status(),
        403,
        "token is single use"
    );

    assert_eq!(post_saml(&base, "bm9wZQ==", relay).await.status(), 403);
    let r = post_saml(&base, &saml, relay).await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()[LOCATION], relay);
    let id = session_cookie(&r);
    let (status, b) = get_with_cookie(&base, "/rest/auth/1/session", &id).await;
    assert_eq!((status, b["name"].as_str()), (200, Some(USER)));
    assert_eq!(get_with_cookie(&base, SEARCH, &id).await.0, 200);
    assert_eq!(
        post_saml(&base, &saml, relay).await.status(),
        403,
        "single use"
    );
    // The SAML session expires like any other, and a new SSO login renews it.
    client()
        .delete(format!("{base}/_fake/sessions"))
        .send()
        .await
        .expect("send");
    assert_eq!(get_with_cookie(&base, SEARCH, &id).await.0, 401);

    // MFA user: MFA_REQUIRED, wrong then right passcode.
    let (status, b) = okta_authn(&base, "mfa@example.com", PASSWORD).await;
    assert_eq!((status, b["status"].as_str()), (200, Some("MFA_REQUIRED")));
    let factor = &b["_embedded"]["factors"][0];
    assert_eq!(factor["id"], "ft1");
    assert_eq!(factor["factorType"], "token:software:totp");
    assert_eq!(factor["provider"], "GOOGLE");
    let verify = factor["_links"]["verify"]["href"]
        .as_str()
        .expect("href")
        .to_string();
    assert_eq!(verify, format!("{base}/api/v1/authn/factors/ft1/verify"));
    let state_token = b["stateToken"].as_str().expect("stateToken").to_string();
    let (status, b) = body(
        client()
            .post(&verify)
            .json(&json!({"stateToken": state_token, "passCode": "000000"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(
        (status, b),
        (
            403,
            json!({"errorCode": "E0000068", "errorSummary": "Invalid Passcode/Answer"})
        )
    );
    let (status, b) = body(
        client()
            .post(&verify)
            .json(&json!({"stateToken": state_token, "passCode": "123456"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, b["status"].as_str()), (200, Some("SUCCESS")));
    let token = b["sessionToken"].as_str().expect("token").to_string();
    let (saml, relay_back) = saml_page(
        &base,
        cookie_redirect(&base, &token, "").await,
        "mfa@example.com",
    )
    .await;
    assert_eq!(relay_back, "");
    let r = post_saml(&base, &saml, "").await;
    assert_eq!(
        (r.status().as_u16(), r.headers()[LOCATION].to_str().ok()),
        (302, Some("/"))
    );
    let c = counters(&base).await;
    assert_eq!(c["okta_authn"], 2);
    assert_eq!(c["okta_mfa_verified"], 1);
    assert_eq!(c["saml_logins"], 2);
}

#[tokio::test]
async fn crowd_sso_login_opens_a_session() {
    let base = start().await;
    let login = |app: &'static str, user: &'static str, password: &'static str, json_body: bool| {
        let base = base.clone();
        async move {
            let r = client()
                .post(format!("{base}/crowd/sso/login"))
                .basic_auth(app, Some("app-pass"));
            let r = if json_body {
                r.json(&json!({"username": user, "password": password}))
            } else {
                r.form(&[
                    ("username", user),
                    ("password", password),
                    ("RelayState", "/browse"),
                ])
            };
            r.send().await.expect("send")
        }
    };
    let (status, b) = body(login("other-app", USER, PASSWORD, false).await).await;
    assert_eq!(
        (status, b),
        (
            401,
            json!({"reason": "APPLICATION_ACCESS_DENIED", "message": "Application failed to authenticate"})
        )
    );
    let r = client()
        .post(format!("{base}/crowd/sso/login"))
        .header(AUTHORIZATION, "Basic !!!")
        .form(&[("username", USER), ("password", PASSWORD)])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    let (status, b) = body(login("jira-app", USER, "nope", true).await).await;
    assert_eq!(
        (status, b),
        (
            400,
            json!({"reason": "INVALID_USER_AUTHENTICATION",
            "message": format!("Account with name <{USER}> failed to authenticate")})
        )
    );
    let (saml, relay) =
        saml_page(&base, login("jira-app", USER, PASSWORD, false).await, USER).await;
    assert_eq!(relay, "/browse");
    let (saml_json, _) =
        saml_page(&base, login("jira-app", USER, PASSWORD, true).await, USER).await;
    let r = post_saml(&base, &saml, &relay).await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()[LOCATION], "/browse");
    let id = session_cookie(&r);
    assert_eq!(
        get_with_cookie(&base, "/rest/api/3/myself", &id).await.0,
        200
    );
    assert_eq!(post_saml(&base, &saml_json, "").await.status(), 302);
    let c = counters(&base).await;
    assert_eq!(
        (c["crowd_logins"].as_u64(), c["saml_logins"].as_u64()),
        (Some(2), Some(2))
    );
}

const PKCS8: &str = include_str!("../keys/consumer_pkcs8.pem");
const PKCS1: &str = include_str!("../keys/consumer_pkcs1.pem");

/// RFC 5849 percent-encoding, written independently of the fake's.
fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `Authorization: OAuth ...` header of a request signed with the test consumer's key.
fn oauth_header(
    method: &str,
    url: &str,
    query: &[(&str, &str)],
    extra: &[(&str, &str)],
    consumer: &str,
) -> String {
    use rsa::pkcs8::DecodePrivateKey;
    use sha1::Digest;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(PKCS8).expect("key");
    let mut oauth: Vec<(String, String)> = vec![
        ("oauth_consumer_key".into(), consumer.into()),
        ("oauth_signature_method".into(), "RSA-SHA1".into()),
        ("oauth_timestamp".into(), "1700000000".into()),
        ("oauth_nonce".into(), "nonce 1".into()),
        ("oauth_version".into(), "1.0".into()),
    ];
    oauth.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut all: Vec<(String, String)> = oauth
        .iter()
        .chain(
            query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
                .iter(),
        )
        .map(|(k, v)| (pct(k), pct(v)))
        .collect();
    all.sort();
    let normalized: Vec<String> = all.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let base = format!("{method}&{}&{}", pct(url), pct(&normalized.join("&")));
    let digest = sha1::Sha1::digest(base.as_bytes());
    let signature = key
        .sign(rsa::Pkcs1v15Sign::new::<sha1::Sha1>(), &digest)
        .expect("sign");
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature);
    oauth.push(("oauth_signature".into(), b64));
    let fields: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", pct(k), pct(v)))
        .collect();
    format!("OAuth realm=\"\", {}", fields.join(", "))
}

fn form(text: &str) -> std::collections::HashMap<String, String> {
    serde_urlencoded::from_str(text).expect("form")
}

#[tokio::test]
async fn oauth1_dance_and_signed_rest_calls() {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    assert_eq!(
        rsa::RsaPrivateKey::from_pkcs1_pem(PKCS1).expect("pkcs1"),
        rsa::RsaPrivateKey::from_pkcs8_pem(PKCS8).expect("pkcs8"),
        "both key files hold the same key"
    );
    let base = start().await;
    let consumer = "jira-fdw-consumer";
    let rt_url = format!("{base}/plugins/servlet/oauth/request-token");
    let post_signed = |url: String, header: String| async move {
        let r = client()
            .post(&url)
            .header(AUTHORIZATION, header)
            .send()
            .await
            .expect("send");
        (r.status().as_u16(), r.text().await.expect("text"))
    };
    let cb = [("oauth_callback", "http://localhost:7777/cb")];
    assert_eq!(
        post_signed(
            rt_url.clone(),
            oauth_header("POST", &rt_url, &[], &cb, "nobody")
        )
        .await,
        (401, "oauth_problem=consumer_key_unknown".to_string())
    );
    let wrong_url = format!("{base}/elsewhere");
    assert_eq!(
        post_signed(
            rt_url.clone(),
            oauth_header("POST", &wrong_url, &[], &cb, consumer)
        )
        .await,
        (401, "oauth_problem=signature_invalid".to_string())
    );
    let (status, text) = post_signed(
        rt_url.clone(),
        oauth_header("POST", &rt_url, &[], &cb, consumer),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let rt = form(&text);
    assert_eq!(rt["oauth_callback_confirmed"], "true");
    assert!(!rt["oauth_token_secret"].is_empty());
    let request_token = rt["oauth_token"].clone();

    let r = client()
        .get(format!("{base}/plugins/servlet/oauth/authorize"))
        .query(&[("oauth_token", request_token.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 302);
    let location = r.headers()[LOCATION].to_str().expect("ascii").to_string();
    let back = form(
        location
            .strip_prefix("http://localhost:7777/cb?")
            .expect("callback"),
    );
    assert_eq!(back["oauth_token"], request_token);
    let verifier = back["oauth_verifier"].clone();

    let at_url = format!("{base}/plugins/servlet/oauth/access-token");
    let signed = |v: &str| {
        oauth_header(
            "POST",
            &at_url,
            &[],
            &[
                ("oauth_token", request_token.as_str()),
                ("oauth_verifier", v),
            ],
            consumer,
        )
    };
    assert_eq!(post_signed(at_url.clone(), signed("wrong")).await.0, 401);
    let (status, text) = post_signed(at_url.clone(), signed(&verifier)).await;
    assert_eq!(status, 200, "{text}");
    let at = form(&text);
    assert_eq!(at["oauth_expires_in"], "157680000");
    let access = at["oauth_token"].clone();
    assert_eq!(
        post_signed(at_url.clone(), signed(&verifier)).await,
        (401, "oauth_problem=token_rejected".to_string()),
        "a request token is exchanged once"
    );

    // Signed /rest calls, query parameters included in the signature.
    let search_url = format!("{base}/rest/api/3/search/jql");
    let query = [("jql", "project = ALPHA"), ("fields", "key")];
    let call = |header: String| {
        let url = search_url.clone();
        async move {
            client()
                .get(&url)
                .query(&query)
                .header(AUTHORIZATION, header)
                .send()
                .await
                .expect("send")
        }
    };
    let token = [("oauth_token", access.as_str())];
    let (status, b) =
        body(call(oauth_header("GET", &search_url, &query, &token, consumer)).await).await;
    assert_eq!(status, 200);
    assert!(!b["issues"].as_array().expect("issues").is_empty());
    let unsigned_query = oauth_header("GET", &search_url, &[], &token, consumer);
    let (status, text) = body(call(unsigned_query).await).await;
    assert_eq!(
        (status, text),
        (401, Value::String("oauth_problem=signature_invalid".into()))
    );
    let bad_token = [("oauth_token", "ac-nope")];
    let (status, text) = body(
        call(oauth_header(
            "GET",
            &search_url,
            &query,
            &bad_token,
            consumer,
        ))
        .await,
    )
    .await;
    assert_eq!(
        (status, text),
        (401, Value::String("oauth_problem=token_rejected".into()))
    );

    // Out-of-band callback shows the verifier.
    let oob = [("oauth_callback", "oob")];
    let (_, text) = post_signed(
        rt_url.clone(),
        oauth_header("POST", &rt_url, &[], &oob, consumer),
    )
    .await;
    let r = client()
        .get(format!("{base}/plugins/servlet/oauth/authorize"))
        .query(&[("oauth_token", form(&text)["oauth_token"].as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("text").contains("oauth_verifier=v"));
    assert_eq!(counters(&base).await["oauth1_access_tokens"], 1);
}
