//! OAuth 2.0 three-legged authorization with Atlassian: the authorize URL, the code exchange,
//! the choice of site (cloud id), and refreshes that never use a rotated refresh token twice.

use std::path::PathBuf;

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::store::{expires_after, Pending, TokenStore, Tokens};
use crate::error::{Error, Result};
use crate::options::parse_named_url;

/// Scopes asked for when `oauth_scope` is not set: read access plus a refresh token.
pub const DEFAULT_SCOPE: &str = "read:jira-work read:jira-user offline_access";

/// CData's `InitiateOAuth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitiateOAuth {
    /// Use `oauth_access_token` as given; never refresh.
    Off,
    /// Use stored tokens, exchange `oauth_verifier` when none are stored, refresh when expired.
    GetAndRefresh,
    /// Use and refresh stored tokens only.
    Refresh,
}

impl InitiateOAuth {
    /// Parses the option (case-insensitive).
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_uppercase().as_str() {
            "OFF" => Ok(InitiateOAuth::Off),
            "GETANDREFRESH" => Ok(InitiateOAuth::GetAndRefresh),
            "REFRESH" => Ok(InitiateOAuth::Refresh),
            _ => Err(Error::option(
                format!("invalid value for option \"initiate_oauth\": \"{value}\""),
                Some("It must be OFF, GETANDREFRESH or REFRESH.".into()),
            )),
        }
    }
}

/// `oauth_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthVersion {
    /// OAuth 1.0a (Server/DC).
    V1,
    /// OAuth 2.0 (Cloud).
    V2,
}

impl OAuthVersion {
    /// Parses `1.0`/`1.0a`/`2.0`.
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "1" | "1.0" | "1.0a" => Ok(OAuthVersion::V1),
            "2" | "2.0" => Ok(OAuthVersion::V2),
            _ => Err(Error::option(
                format!("invalid value for option \"oauth_version\": \"{value}\""),
                Some("It must be 1.0 or 2.0.".into()),
            )),
        }
    }
}

/// OAuth 2.0 options.
#[derive(Clone, PartialEq)]
pub struct OAuth2Settings {
    client_id: String,
    client_secret: Option<String>,
    /// The registered redirect URI.
    pub callback_url: Option<String>,
    initiate: InitiateOAuth,
    access_token: Option<String>,
    verifier: Option<String>,
    scope: String,
    auth_url: Url,
    api_url: Url,
    /// `oauth_settings_location`; when unset the extension picks a file per server and role.
    pub store: Option<PathBuf>,
    /// The server's `url`: the one site a grant is used for. Without it, a grant that covers
    /// exactly one site is used for that site.
    site: Option<Url>,
}

fn auth_error(message: impl Into<String>) -> Error {
    Error::Auth {
        scheme: "OAuth".into(),
        message: message.into(),
        hint: "Authorize with jira_fdw.get_oauth_authorization_url and jira_fdw.get_oauth_access_token.".into(),
    }
}

impl OAuth2Settings {
    /// From merged options.
    pub fn from_options<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<Self> {
        let initiate = InitiateOAuth::parse(get("initiate_oauth").unwrap_or("GETANDREFRESH"))?;
        let access_token = get("oauth_access_token").map(str::to_string);
        let client_secret = get("oauth_client_secret").map(str::to_string);
        if initiate == InitiateOAuth::Off && access_token.is_none() {
            return Err(Error::MissingOption {
                message: "initiate_oauth OFF needs the option \"oauth_access_token\"".into(),
                hint: "Give oauth_access_token, or set initiate_oauth to GETANDREFRESH.".into(),
            });
        }
        if initiate != InitiateOAuth::Off && client_secret.is_none() {
            return Err(Error::MissingOption {
                message: "auth_scheme OAuth needs the option \"oauth_client_secret\"".into(),
                hint: "Copy it from the app in developer.atlassian.com.".into(),
            });
        }
        let url = |name: &str, default: &str| parse_named_url(name, get(name).unwrap_or(default));
        Ok(OAuth2Settings {
            client_id: get("oauth_client_id").unwrap_or_default().to_string(),
            client_secret,
            callback_url: get("callback_url").map(str::to_string),
            initiate,
            access_token,
            verifier: get("oauth_verifier").map(str::to_string),
            scope: get("oauth_scope").unwrap_or(DEFAULT_SCOPE).to_string(),
            auth_url: url("oauth_auth_url", "https://auth.atlassian.com")?,
            api_url: url("oauth_api_url", "https://api.atlassian.com")?,
            store: get("oauth_settings_location").map(PathBuf::from),
            site: get("url").map(|u| parse_named_url("url", u)).transpose()?,
        })
    }

    /// The token store (set by the extension before use).
    pub fn token_store(&self) -> Result<TokenStore> {
        TokenStore::configured(self.store.as_ref())
    }

    /// Atlassian's API gateway (`oauth_api_url`).
    pub fn api_url(&self) -> &Url {
        &self.api_url
    }

    fn endpoint(base: &Url, path: &str) -> String {
        format!("{}{path}", base.as_str().trim_end_matches('/'))
    }
}

/// 32 random bytes, base64url: an unguessable `state` or PKCE code verifier.
fn random_text() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The PKCE S256 challenge of a code verifier (RFC 7636 4.2).
pub fn code_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The URL the user opens to grant access, with a random `state` (unless one is given) and a
/// PKCE challenge; both are kept in the token store, beside any grant, for the exchange.
pub fn authorization_url(
    settings: &OAuth2Settings,
    callback: Option<&str>,
    scope: Option<&str>,
    state: Option<&str>,
) -> Result<String> {
    let redirect = callback
        .or(settings.callback_url.as_deref())
        .ok_or_else(|| Error::MissingOption {
            message: "the OAuth authorization URL needs a callback URL".into(),
            hint: "Pass callback_url, or set the callback_url option.".into(),
        })?;
    let state = state.map_or_else(random_text, str::to_string);
    let verifier = random_text();
    let mut url = Url::parse(&OAuth2Settings::endpoint(&settings.auth_url, "/authorize"))
        .map_err(|e| Error::Connection(format!("bad oauth_auth_url: {e}")))?;
    url.query_pairs_mut()
        .append_pair("audience", "api.atlassian.com")
        .append_pair("client_id", &settings.client_id)
        .append_pair("scope", scope.unwrap_or(&settings.scope))
        .append_pair("redirect_uri", redirect)
        .append_pair("state", &state)
        .append_pair("response_type", "code")
        .append_pair("prompt", "consent")
        .append_pair("code_challenge", &code_challenge(&verifier))
        .append_pair("code_challenge_method", "S256");
    settings.token_store()?.save_pending(Pending {
        state: Some(state),
        code_verifier: Some(verifier),
        request_token: None,
    })?;
    Ok(url.to_string())
}

/// The code and state of what the user copied from the callback: the code itself, or the
/// whole callback URL (or its query string) with `code` and `state`.
pub fn callback_parts(verifier: &str) -> (String, Option<String>) {
    let query = match Url::parse(verifier) {
        Ok(url) => url.query().unwrap_or_default().to_string(),
        Err(_) if verifier.contains("code=") => verifier.trim_start_matches('?').to_string(),
        Err(_) => return (verifier.to_string(), None),
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    (get("code").unwrap_or_default(), get("state"))
}

async fn token_request(
    http: &reqwest::Client,
    settings: &OAuth2Settings,
    mut body: Value,
) -> Result<Tokens> {
    body["client_id"] = json!(settings.client_id);
    body["client_secret"] = json!(settings.client_secret);
    let url = OAuth2Settings::endpoint(&settings.auth_url, "/oauth/token");
    let response =
        http.post(&url).json(&body).send().await.map_err(|e| {
            crate::jira::transport_error("cannot reach the OAuth token endpoint", e)
        })?;
    let status = response.status().as_u16();
    let answer = crate::jira::party_json(response, "the OAuth token endpoint").await?;
    if status >= 400 {
        let reason = answer
            .get("error_description")
            .or_else(|| answer.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        return Err(auth_error(format!(
            "the token endpoint refused the grant (HTTP {status}): {reason}"
        )));
    }
    let access_token = answer
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::Connection("the token endpoint's answer has no access_token".into())
        })?;
    Ok(Tokens {
        access_token: access_token.to_string(),
        refresh_token: answer
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::to_string),
        expires_at: expires_after(
            answer
                .get("expires_in")
                .and_then(Value::as_i64)
                .unwrap_or(3600),
        ),
        cloud_id: None,
        token_secret: None,
        pending: None,
    })
}

/// Exchanges an authorization code for tokens and picks the site. When this server and role
/// started an authorization, the callback's `state` must be the one it made, and its PKCE
/// verifier is sent.
pub async fn exchange_code(
    http: &reqwest::Client,
    settings: &OAuth2Settings,
    code: &str,
    callback: Option<&str>,
    state: Option<&str>,
) -> Result<Tokens> {
    let pending = settings
        .token_store()?
        .load_entry()?
        .and_then(|t| t.pending)
        .filter(|p| p.code_verifier.is_some());
    if let Some(expected) = pending.as_ref().and_then(|p| p.state.as_deref()) {
        match state {
            Some(given) if given == expected => {}
            Some(_) => {
                return Err(auth_error(
                    "the state of the callback is not the one of the authorization this server and role started",
                ))
            }
            None => return Err(Error::Auth {
                scheme: "OAuth".into(),
                message: "the exchange needs the state of the callback".into(),
                hint: "Pass the callback's state, or the whole callback URL as the verifier.".into(),
            }),
        }
    }
    let redirect = callback
        .or(settings.callback_url.as_deref())
        .unwrap_or_default();
    let mut body =
        json!({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect});
    if let Some(verifier) = pending.and_then(|p| p.code_verifier) {
        body["code_verifier"] = json!(verifier);
    }
    let mut tokens = token_request(http, settings, body).await?;
    tokens.cloud_id = Some(cloud_id(http, settings, &tokens.access_token).await?);
    Ok(tokens)
}

/// Refreshes with `refresh_token`; the answer carries the next refresh token.
pub async fn refresh(
    http: &reqwest::Client,
    settings: &OAuth2Settings,
    refresh_token: &str,
) -> Result<Tokens> {
    token_request(
        http,
        settings,
        json!({"grant_type": "refresh_token", "refresh_token": refresh_token}),
    )
    .await
}

/// The cloud id of the server's site among those the token may access: the one whose URL is
/// the server's `url`, or without a `url` the only one.
async fn cloud_id(
    http: &reqwest::Client,
    settings: &OAuth2Settings,
    access: &str,
) -> Result<String> {
    let url = OAuth2Settings::endpoint(&settings.api_url, "/oauth/token/accessible-resources");
    let response = http
        .get(&url)
        .bearer_auth(access)
        .send()
        .await
        .map_err(|e| crate::jira::transport_error(&format!("cannot reach {url}"), e))?;
    if !response.status().is_success() {
        return Err(auth_error(format!(
            "accessible-resources answered HTTP {}",
            response.status().as_u16()
        )));
    }
    let sites = crate::jira::party_json(response, "accessible-resources").await?;
    choose_site(
        sites.as_array().map(Vec::as_slice).unwrap_or(&[]),
        settings.site.as_ref(),
    )
}

/// The cloud id among a grant's `accessible-resources`: the site whose URL is `site`, or
/// without one the grant's only site. Never another site than the server names.
fn choose_site(sites: &[Value], site: Option<&Url>) -> Result<String> {
    let wanted = site.map(|site| site.as_str().trim_end_matches('/').to_string());
    let chosen = match &wanted {
        Some(wanted) => sites.iter().find(|s| {
            s.get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.trim_end_matches('/').eq_ignore_ascii_case(wanted))
        }),
        None if sites.len() == 1 => sites.first(),
        None => None,
    };
    let Some(chosen) = chosen else {
        let wanted = wanted
            .as_deref()
            .unwrap_or("(no url: the grant must cover exactly one site)");
        let names: Vec<&str> = sites
            .iter()
            .filter_map(|s| s.get("url").and_then(Value::as_str))
            .collect();
        return Err(Error::option(
            format!("the OAuth grant does not cover the server's url {wanted}"),
            Some(format!(
                "Sites this grant can access: {}.",
                names.join(", ")
            )),
        ));
    };
    chosen
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Connection("accessible-resources lists a site without an id".into()))
}

/// The base URL of API requests for these tokens: Atlassian's gateway for the site.
pub fn gateway(settings: &OAuth2Settings, tokens: &Tokens) -> Result<Url> {
    let cloud = tokens.cloud_id.as_deref().ok_or_else(|| {
        Error::Connection("no Atlassian site (cloud id) is known for the OAuth tokens".into())
    })?;
    Url::parse(&OAuth2Settings::endpoint(
        &settings.api_url,
        &format!("/ex/jira/{cloud}"),
    ))
    .map_err(|e| Error::Connection(format!("bad oauth_api_url: {e}")))
}

/// Tokens that can be used now. `failed` is an access token Jira just rejected: it is not
/// trusted again, and a refresh happens unless another backend already made newer tokens.
/// Refreshes are serialized through the store's lock and re-read the store under it, so a
/// rotated refresh token is never sent twice.
pub async fn usable_tokens(
    http: &reqwest::Client,
    settings: &OAuth2Settings,
    failed: Option<&str>,
) -> Result<Tokens> {
    if settings.initiate == InitiateOAuth::Off {
        if failed.is_some() {
            return Err(auth_error(
                "Jira rejected oauth_access_token (initiate_oauth is OFF, so it is not refreshed)",
            ));
        }
        let access = settings.access_token.clone().unwrap_or_default();
        let cloud = cloud_id(http, settings, &access).await?;
        return Ok(Tokens {
            access_token: access,
            refresh_token: None,
            expires_at: i64::MAX,
            cloud_id: Some(cloud),
            token_secret: None,
            pending: None,
        });
    }
    let store = settings.token_store()?;
    if failed.is_none() {
        if let Some(t) = store
            .load()?
            .filter(|t| !t.expired() && t.cloud_id.is_some())
        {
            return Ok(t);
        }
    }
    let _lock = store.lock().await?;
    let current = match store.load()? {
        Some(t) => t,
        None => match (&settings.verifier, settings.initiate) {
            (Some(code), InitiateOAuth::GetAndRefresh) => {
                let (code, state) = callback_parts(code);
                let t = exchange_code(http, settings, &code, None, state.as_deref()).await?;
                store.save(&t)?;
                return Ok(t);
            }
            _ => {
                return Err(auth_error(
                    "no OAuth tokens are stored for this server and user",
                ))
            }
        },
    };
    let fresh_enough = !current.expired() && failed != Some(current.access_token.as_str());
    if fresh_enough && current.cloud_id.is_some() {
        return Ok(current);
    }
    let mut next = if fresh_enough {
        current.clone()
    } else {
        let refresh_token = current
            .refresh_token
            .clone()
            .ok_or_else(|| auth_error("the access token expired and no refresh token is stored (grant the offline_access scope)"))?;
        refresh(http, settings, &refresh_token).await?
    };
    next.cloud_id = match current.cloud_id {
        Some(c) => Some(c),
        None => Some(cloud_id(http, settings, &next.access_token).await?),
    };
    store.save(&next)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OAuth2Settings {
        let opts = [
            ("oauth_client_id", "cid"),
            ("oauth_client_secret", "sec"),
            ("callback_url", "https://app.example/cb?x=1"),
        ];
        OAuth2Settings::from_options(&|k| opts.iter().find(|(n, _)| *n == k).map(|(_, v)| *v))
            .unwrap()
    }

    #[test]
    fn authorization_url_has_every_parameter_and_keeps_state_and_verifier() {
        let mut s = settings();
        let dir = std::env::temp_dir().join(format!("jira_fdw_oauth2_{}", std::process::id()));
        s.store = Some(dir.join("t.json"));
        let url = authorization_url(&s, None, None, Some("s t")).unwrap();
        let pending = s
            .token_store()
            .unwrap()
            .load_entry()
            .unwrap()
            .unwrap()
            .pending
            .unwrap();
        let verifier = pending.code_verifier.unwrap();
        assert_eq!(pending.state.as_deref(), Some("s t"));
        assert_eq!(
            url,
            format!("https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=cid&scope=read%3Ajira-work+read%3Ajira-user+offline_access&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&state=s+t&response_type=code&prompt=consent&code_challenge={}&code_challenge_method=S256", code_challenge(&verifier))
        );
        // Without a given state, each URL has a new random one.
        let a = authorization_url(&s, None, None, None).unwrap();
        let b = authorization_url(&s, None, None, None).unwrap();
        assert_ne!(a, b);
        assert!(
            s.token_store().unwrap().load().unwrap().is_none(),
            "a pending authorization is no grant"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_grant_is_used_only_for_the_servers_site() {
        let a = json!({"id": "c-a", "url": "https://a.atlassian.net"});
        let b = json!({"id": "c-b", "url": "https://b.atlassian.net/"});
        let url = |u: &str| Url::parse(u).unwrap();
        let both = [a.clone(), b];
        assert_eq!(
            choose_site(&both, Some(&url("https://B.atlassian.net"))).unwrap(),
            "c-b"
        );
        // A grant for one other site is not used for the server's.
        let err = choose_site(
            std::slice::from_ref(&a),
            Some(&url("https://b.atlassian.net")),
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .contains("does not cover the server's url https://b.atlassian.net"));
        assert_eq!(choose_site(std::slice::from_ref(&a), None).unwrap(), "c-a");
        assert!(choose_site(&both, None).is_err());
        assert!(choose_site(&[], None).is_err());
    }

    #[test]
    fn pkce_challenge_follows_rfc_7636() {
        // RFC 7636 appendix B.
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn callbacks_are_split_into_code_and_state() {
        assert_eq!(callback_parts("abc"), ("abc".to_string(), None));
        assert_eq!(
            callback_parts("https://app.example/cb?code=c1&state=s%201"),
            ("c1".to_string(), Some("s 1".to_string()))
        );
        assert_eq!(
            callback_parts("?code=c2&state=z"),
            ("c2".to_string(), Some("z".to_string()))
        );
    }

    #[test]
    fn options_are_checked() {
        assert!(InitiateOAuth::parse("getandrefresh").is_ok());
        assert!(InitiateOAuth::parse("sometimes").is_err());
        assert_eq!(OAuthVersion::parse("1.0a").unwrap(), OAuthVersion::V1);
        let off = [("oauth_client_id", "c"), ("initiate_oauth", "OFF")];
        let err =
            OAuth2Settings::from_options(&|k| off.iter().find(|(n, _)| *n == k).map(|(_, v)| *v))
                .err()
                .unwrap();
        assert!(err.to_string().contains("oauth_access_token"));
    }
}
