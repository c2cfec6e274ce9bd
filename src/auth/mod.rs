//! Authentication: which credentials each auth scheme needs, and the [`Authenticator`] that
//! authorizes requests (a header, a session cookie, an OAuth token) and renews itself when Jira
//! answers 401. One file per mechanism.

mod basic;
mod html;
mod oauth1;
pub mod oauth2;
mod session;
mod sso;
mod store;

pub use oauth1::{
    access_token as oauth1_access_token, authorization_url as oauth1_authorization_url, KeySource,
    OAuth1Settings,
};
pub use oauth2::{InitiateOAuth, OAuth2Settings, OAuthVersion};
pub use sso::{SsoKind, SsoSettings};
pub use store::{now, Pending, TokenStore, Tokens};

use std::cell::RefCell;
use std::path::PathBuf;

use reqwest::Method;
use url::Url;

use crate::error::{Error, Result};

/// The credentials of one user mapping (or server), by scheme.
#[derive(Clone, PartialEq)]
pub enum Credentials {
    /// Cloud: `Basic base64(email:api_token)`.
    ApiToken { user: String, token: String },
    /// Server/DC: `Basic base64(user:password)`.
    Basic { user: String, password: String },
    /// Server/DC personal access token: `Bearer <pat>`.
    Pat { token: String },
    /// Server/DC directory users: a cookie session from [`SESSION`](crate::jira::endpoints::SESSION).
    Ldap { user: String, password: String },
    /// OAuth 2.0 (3LO, Cloud).
    OAuth2(OAuth2Settings),
    /// OAuth 1.0a with RSA-SHA1 (Server/DC).
    OAuth1(OAuth1Settings),
    /// Okta or Crowd SAML single sign-on, ending in a Jira cookie session.
    Sso(SsoSettings),
}

impl std::fmt::Debug for Credentials {
    /// Never prints a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(***)", self.scheme())
    }
}

impl Credentials {
    /// The scheme's documented name, for messages.
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::ApiToken { .. } => "APIToken",
            Credentials::Basic { .. } => "Basic",
            Credentials::Pat { .. } => "PAT",
            Credentials::Ldap { .. } => "LDAP",
            Credentials::OAuth2(_) | Credentials::OAuth1(_) => "OAuth",
            Credentials::Sso(s) => match s.kind {
                SsoKind::Okta => "Okta",
                SsoKind::Crowd => "Crowd",
            },
        }
    }

    /// What to set when Jira rejects these credentials.
    pub fn hint(&self) -> &'static str {
        match self {
            Credentials::ApiToken { .. } => "Check user (the account e-mail) and api_token in the USER MAPPING; tokens are made at id.atlassian.com.",
            Credentials::Basic { .. } | Credentials::Ldap { .. } => "Check user and password in the USER MAPPING.",
            Credentials::Pat { .. } => "Check pat in the USER MAPPING; personal access tokens are made in the Jira profile.",
            Credentials::OAuth2(_) => "Run SELECT jira_fdw.get_oauth_authorization_url('server') and jira_fdw.get_oauth_access_token('server', 'code') to authorize again.",
            Credentials::OAuth1(_) => "Check oauth_client_id and certificate_store, then authorize again with jira_fdw.get_oauth_authorization_url and jira_fdw.get_oauth_access_token.",
            Credentials::Sso(_) => "Check user, password and the sso_* options; for MFA set sso_properties 'MFAType=...;MFAPassCode=...'.",
        }
    }
}

/// Options each scheme needs, and the other credential options it accepts.
fn scheme_options(scheme: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match scheme {
        "APIToken" => (&["user", "api_token"], &[]),
        "Basic" | "LDAP" => (&["user", "password"], &[]),
        "PAT" => (&["pat"], &[]),
        "OAuth" => (
            &["oauth_client_id"],
            &[
                "oauth_client_secret",
                "callback_url",
                "initiate_oauth",
                "oauth_access_token",
                "oauth_verifier",
                "oauth_settings_location",
                "oauth_version",
                "oauth_scope",
                "oauth_auth_url",
                "oauth_api_url",
                "certificate_store",
                "certificate_store_type",
            ],
        ),
        "Crowd" => (
            &[
                "user",
                "password",
                "sso_login_url",
                "sso_exchange_url",
                "sso_app_name",
                "sso_app_password",
            ],
            &["sso_properties"],
        ),
        "Okta" => (
            &["user", "password", "sso_login_url", "sso_exchange_url"],
            &["sso_properties"],
        ),
        _ => (&[], &[]),
    }
}

/// The credentials of `scheme` from merged options (`get` looks in the user mapping, then the
/// server): required ones must be there, ones of other schemes must not.
pub fn credentials<'a>(
    scheme: &'static str,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<Credentials> {
    let (required, optional) = scheme_options(scheme);
    // Every option some scheme uses is a credential option; the others' must be absent.
    let credential_options = crate::options::AUTH_SCHEMES.iter().flat_map(|s| {
        let (r, o) = scheme_options(s);
        r.iter().chain(o.iter())
    });
    for name in credential_options {
        if get(name).is_some() && !required.contains(name) && !optional.contains(name) {
            return Err(Error::option(
                format!("option \"{name}\" is not used by auth_scheme {scheme}"),
                Some(format!(
                    "auth_scheme {scheme} uses: {}.",
                    required
                        .iter()
                        .chain(optional.iter())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ));
        }
    }
    let require = |name: &str| -> Result<String> {
        get(name)
            .map(str::to_string)
            .ok_or_else(|| Error::MissingOption {
                message: format!("auth_scheme {scheme} needs the option \"{name}\""),
                hint: format!("auth_scheme {scheme} needs: {}.", required.join(", ")),
            })
    };
    Ok(match scheme {
        "Basic" => Credentials::Basic {
            user: require("user")?,
            password: require("password")?,
        },
        "LDAP" => Credentials::Ldap {
            user: require("user")?,
            password: require("password")?,
        },
        "PAT" => Credentials::Pat {
            token: require("pat")?,
        },
        "OAuth" => match OAuthVersion::parse(get("oauth_version").unwrap_or("2.0"))? {
            OAuthVersion::V2 => Credentials::OAuth2(OAuth2Settings::from_options(get)?),
            OAuthVersion::V1 => Credentials::OAuth1(OAuth1Settings::from_options(get)?),
        },
        "Crowd" | "Okta" => Credentials::Sso(SsoSettings::from_options(scheme, get)?),
        _ => Credentials::ApiToken {
            user: require("user")?,
            token: require("api_token")?,
        },
    })
}

/// What a request needs from authentication.
pub struct Prepared {
    /// Headers to add (`Authorization`, `Cookie`).
    pub headers: Vec<(&'static str, String)>,
    /// The base URL requests go to instead of the server's `url` (OAuth 2.0's gateway).
    pub base: Option<Url>,
}

/// Mutable authentication state: a session cookie or OAuth tokens, kept across queries.
#[derive(Default)]
struct State {
    cookie: Option<String>,
    tokens: Option<Tokens>,
}

/// Authorizes requests for one set of credentials.
pub struct Authenticator {
    credentials: Credentials,
    site: Url,
    state: RefCell<State>,
}

impl Authenticator {
    /// An authenticator for `site` (the server's `url`).
    pub fn new(credentials: Credentials, site: Url) -> Self {
        Authenticator {
            credentials,
            site,
            state: RefCell::new(State::default()),
        }
    }

    /// Drops cached sessions and tokens, so the next request reads the store again.
    pub fn forget(&self) {
        *self.state.borrow_mut() = State::default();
    }

    /// The scheme, for messages.
    pub fn scheme(&self) -> &'static str {
        self.credentials.scheme()
    }

    /// The rejection error of this scheme.
    pub fn rejected(&self, message: impl Into<String>) -> Error {
        Error::Auth {
            scheme: self.scheme().to_string(),
            message: message.into(),
            hint: self.credentials.hint().to_string(),
        }
    }

    /// Headers (and base URL) for a request to `url` with `method`; logs in or loads tokens
    /// first when needed.
    pub async fn prepare(
        &self,
        http: &reqwest::Client,
        method: &Method,
        url: &Url,
    ) -> Result<Prepared> {
        let header = |value: String| Prepared {
            headers: vec![("authorization", value)],
            base: None,
        };
        match &self.credentials {
            Credentials::ApiToken { user, token } => Ok(header(basic::header(user, token))),
            Credentials::Basic { user, password } => Ok(header(basic::header(user, password))),
            Credentials::Pat { token } => Ok(header(format!("Bearer {token}"))),
            Credentials::Ldap { .. } | Credentials::Sso(_) => {
                let cookie = self.state.borrow().cookie.clone();
                let cookie = match cookie {
                    Some(c) => c,
                    None => {
                        let c = self.login(http).await?;
                        self.state.borrow_mut().cookie = Some(c.clone());
                        c
                    }
                };
                Ok(Prepared {
                    headers: vec![("cookie", cookie)],
                    base: None,
                })
            }
            Credentials::OAuth2(settings) => {
                let cached = self.state.borrow().tokens.clone();
                let tokens = match cached.filter(|t| !t.expired()) {
                    Some(t) => t,
                    None => {
                        let t = oauth2::usable_tokens(http, settings, None).await?;
                        self.state.borrow_mut().tokens = Some(t.clone());
                        t
                    }
                };
                Ok(Prepared {
                    headers: vec![("authorization", format!("Bearer {}", tokens.access_token))],
                    base: Some(oauth2::gateway(settings, &tokens)?),
                })
            }
            Credentials::OAuth1(settings) => Ok(header(settings.authorization(method, url)?)),
        }
    }

    /// After a 401: renews what can be renewed. True when the request is worth repeating.
    pub async fn renew(&self, http: &reqwest::Client) -> Result<bool> {
        match &self.credentials {
            Credentials::Ldap { .. } | Credentials::Sso(_) => {
                let cookie = self.login(http).await?;
                self.state.borrow_mut().cookie = Some(cookie);
                Ok(true)
            }
            Credentials::OAuth2(settings) => {
                let failed = self
                    .state
                    .borrow()
                    .tokens
                    .as_ref()
                    .map(|t| t.access_token.clone());
                let Some(failed) = failed else {
                    return Ok(false);
                };
                let t = oauth2::usable_tokens(http, settings, Some(&failed)).await?;
                self.state.borrow_mut().tokens = Some(t);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn login(&self, http: &reqwest::Client) -> Result<String> {
        match &self.credentials {
            Credentials::Ldap { user, password } => {
                session::login(http, &self.site, user, password)
                    .await
                    .map_err(|e| self.relabel(e))
            }
            Credentials::Sso(settings) => sso::login(http, settings)
                .await
                .map_err(|e| self.relabel(e)),
            _ => Err(Error::Connection("this auth scheme has no login".into())),
        }
    }

    fn relabel(&self, e: Error) -> Error {
        match e {
            Error::Auth { message, .. } => self.rejected(message),
            other => other,
        }
    }
}

/// Where OAuth tokens of a server and role are kept by default: a file per pair under `dir`.
pub fn default_store(dir: &std::path::Path, server: u32, role: u32) -> PathBuf {
    dir.join(format!("oauth-{server}-{role}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(scheme: &'static str, opts: &[(&str, &str)]) -> Result<Credentials> {
        let owned: Vec<(String, String)> = opts
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let get = |name: &str| -> Option<&str> {
            owned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        credentials(scheme, &get)
    }

    #[test]
    fn each_scheme_takes_its_own_options() {
        assert_eq!(
            creds("PAT", &[("pat", "p")]).unwrap(),
            Credentials::Pat { token: "p".into() }
        );
        let err = creds("PAT", &[("pat", "p"), ("password", "x")]).unwrap_err();
        assert!(err
            .to_string()
            .contains("\"password\" is not used by auth_scheme PAT"));
        let err = creds("LDAP", &[("user", "u")]).unwrap_err();
        assert!(err.to_string().contains("needs the option \"password\""));
        let err = creds("Crowd", &[("user", "u"), ("password", "p")]).unwrap_err();
        assert!(
            err.to_string()
                .contains("auth_scheme Crowd needs the option"),
            "{err}"
        );
        let okta = creds(
            "Okta",
            &[
                ("user", "u"),
                ("password", "p"),
                ("sso_login_url", "https://x.okta.com/app/j/sso/saml"),
                (
                    "sso_exchange_url",
                    "https://j.example/plugins/servlet/samlconsumer",
                ),
                ("sso_properties", "MFAType=OKTA;MFAPassCode=1"),
            ],
        )
        .unwrap();
        assert_eq!(okta.scheme(), "Okta");
        assert!(!format!("{okta:?}").contains('p'));
        let oauth1 = creds(
            "OAuth",
            &[
                ("oauth_client_id", "c"),
                ("oauth_version", "1.0"),
                ("certificate_store", "/k.pem"),
            ],
        )
        .unwrap();
        assert!(matches!(oauth1, Credentials::OAuth1(_)));
    }
}
