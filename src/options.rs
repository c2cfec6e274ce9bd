//! Option names, their normalization and validation, and the merge of SERVER and USER MAPPING
//! options into one connection configuration.
//!
//! Names are matched case-insensitively and without underscores, so CData's property names
//! (`AuthScheme`, `APIToken`) work as written; `connection_string 'User=..;APIToken=..'` is
//! expanded into the same options.

use std::time::Duration;

use url::Url;

use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::jira::endpoints::Deployment;

/// The catalog an option list belongs to (the validator's `catalog` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// `CREATE FOREIGN DATA WRAPPER ... OPTIONS`.
    Wrapper,
    /// `CREATE SERVER ... OPTIONS`.
    Server,
    /// `CREATE USER MAPPING ... OPTIONS`.
    UserMapping,
    /// `CREATE FOREIGN TABLE ... OPTIONS`.
    Table,
    /// Column options.
    Column,
}

impl Context {
    fn describe(self) -> &'static str {
        match self {
            Context::Wrapper => "foreign-data wrapper",
            Context::Server => "server",
            Context::UserMapping => "user mapping",
            Context::Table => "foreign table",
            Context::Column => "column",
        }
    }
}

use Context::{Server, Table, UserMapping};

/// One known option: its documented snake_case name, extra spellings, where it may appear, and
/// whether its value is a secret (never echoed).
struct Spec {
    name: &'static str,
    aliases: &'static [&'static str],
    contexts: &'static [Context],
}

/// Credential options that are not secret may live on the user mapping or the server.
const SECRET_PLACES: &[Context] = &[Server, UserMapping];

/// Secrets live on user mappings only: `pg_foreign_server.srvoptions` is readable by every
/// role, `pg_user_mappings` hides options from all but the mapping's user and the server's
/// owner. A shared account is `USER MAPPING FOR PUBLIC`.
const SECRET: &[Context] = &[UserMapping];

/// The options that decide where credentials are sent: SERVER options, which only the
/// server's owner can change, so that no role sends a shared password to a host of its own.
const DESTINATIONS: &[&str] = &[
    "url",
    "oauth_auth_url",
    "oauth_api_url",
    "sso_login_url",
    "sso_exchange_url",
];

const SPECS: &[Spec] = &[
    Spec {
        name: "url",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "deployment",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "auth_scheme",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "connect_timeout",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "request_timeout",
        aliases: &["timeout"],
        contexts: &[Server],
    },
    Spec {
        name: "page_size",
        aliases: &["max_results"],
        contexts: &[Server, Table],
    },
    Spec {
        name: "use_remote_estimate",
        aliases: &[],
        contexts: &[Server, Table],
    },
    Spec {
        name: "max_concurrency",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "read_only",
        aliases: &["readonly"],
        contexts: &[Server, Table],
    },
    Spec {
        name: "delete_subtasks",
        aliases: &[],
        contexts: &[Server, Table],
    },
    Spec {
        name: "batch_size",
        aliases: &[],
        contexts: &[Server, Table],
    },
    Spec {
        name: "include_custom_fields",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "custom_field_ttl",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "max_retries",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "connection_string",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "user",
        aliases: &["username"],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "password",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "api_token",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "pat",
        aliases: &["personal_access_token"],
        contexts: SECRET,
    },
    Spec {
        name: "oauth_client_id",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "oauth_client_secret",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "callback_url",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "initiate_oauth",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "oauth_access_token",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "oauth_verifier",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "oauth_settings_location",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "oauth_version",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "oauth_scope",
        aliases: &["scope"],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "oauth_auth_url",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "oauth_api_url",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "certificate_store",
        aliases: &["oauth_jwt_cert"],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "certificate_store_type",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "sso_login_url",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "sso_exchange_url",
        aliases: &[],
        contexts: &[Server],
    },
    Spec {
        name: "sso_app_name",
        aliases: &[],
        contexts: SECRET_PLACES,
    },
    Spec {
        name: "sso_app_password",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "sso_properties",
        aliases: &[],
        contexts: SECRET,
    },
    Spec {
        name: "ca_bundle",
        aliases: &["ssl_server_cert"],
        contexts: &[Server],
    },
    Spec {
        name: "entity",
        aliases: &["table"],
        contexts: &[Table],
    },
];

/// The auth schemes, CData's set.
pub const AUTH_SCHEMES: &[&str] = &["APIToken", "Basic", "PAT", "LDAP", "OAuth", "Crowd", "Okta"];

/// Lower-case with underscores, dashes and spaces removed: the key every spelling maps to.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn find_spec(name: &str) -> Option<&'static Spec> {
    let folded = fold(name);
    SPECS
        .iter()
        .find(|s| fold(s.name) == folded || s.aliases.iter().any(|a| fold(a) == folded))
}

/// The known option closest to a misspelled one, for the hint.
fn closest(name: &str, context: Context) -> Option<&'static str> {
    let folded = fold(name);
    SPECS
        .iter()
        .filter(|s| s.contexts.contains(&context))
        .map(|s| (strsim::jaro_winkler(&folded, &fold(s.name)), s.name))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

fn valid_names(context: Context) -> String {
    let names: Vec<&str> = SPECS
        .iter()
        .filter(|s| s.contexts.contains(&context))
        .map(|s| s.name)
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Splits a CData-style connection string `Key=Value;Key2="a;b"` into pairs. Errors name the
/// character position, never a piece of the text (it holds secrets).
pub fn parse_connection_string(text: &str) -> Result<Vec<(String, String)>> {
    let malformed = |position: usize, what: &str| {
        Error::option(
            format!("connection_string is malformed at character {position}: {what}"),
            Some("It is a list of Key=Value pairs separated by ';', e.g. 'User=me@example.com;APIToken=...'.".into()),
        )
    };
    let mut pairs = Vec::new();
    let mut chars = text.chars().enumerate().peekable();
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == ';')
        {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else {
            return Ok(pairs);
        };
        let mut key = String::new();
        let mut has_equals = false;
        for (_, c) in chars.by_ref() {
            if c == '=' {
                has_equals = true;
                break;
            }
            key.push(c);
        }
        let key = key.trim().to_string();
        if key.is_empty() || key.contains(';') || !has_equals {
            return Err(malformed(start + 1, "expected Key=Value"));
        }
        while chars.peek().is_some_and(|(_, c)| *c == ' ') {
            chars.next();
        }
        let value = match chars.peek() {
            Some(&(open, q)) if q == '"' || q == '\'' => {
                chars.next();
                let mut v = String::new();
                loop {
                    match chars.next() {
                        // A doubled quote stands for one quote character.
                        Some((_, c)) if c == q && chars.peek().map(|p| p.1) == Some(q) => {
                            chars.next();
                            v.push(q);
                        }
                        Some((_, c)) if c == q => break,
                        Some((_, c)) => v.push(c),
                        None => return Err(malformed(open + 1, "the quoted value is not closed")),
                    }
                }
                v
            }
            _ => chars
                .by_ref()
                .map(|(_, c)| c)
                .take_while(|c| *c != ';')
                .collect::<String>()
                .trim()
                .to_string(),
        };
        pairs.push((key, value));
    }
}

/// How the backend uses a file an option names; who may set the option follows from it, as
/// file_fdw and COPY decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileUse {
    /// Read: superusers and members of `pg_read_server_files`.
    Read,
    /// Written: superusers and members of `pg_write_server_files`.
    Write,
}

impl FileUse {
    /// The predefined role that grants this use.
    pub fn role(self) -> &'static str {
        match self {
            FileUse::Read => "pg_read_server_files",
            FileUse::Write => "pg_write_server_files",
        }
    }
}

/// Whether a `certificate_store` value is the PEM text itself rather than a path.
fn is_pem_blob(options: &[(String, String)], value: &str) -> bool {
    value.trim_start().starts_with("-----")
        || options.iter().any(|(k, v)| {
            k == "certificate_store_type"
                && crate::auth::KeySource::parse_type(v).ok() == Some(false)
        })
}

/// The options of a normalized list that name files, with how each file is used.
pub fn files_named(options: &[(String, String)]) -> Vec<(&'static str, FileUse)> {
    options
        .iter()
        .filter_map(|(name, value)| match name.as_str() {
            "oauth_settings_location" => Some(("oauth_settings_location", FileUse::Write)),
            "ca_bundle" => Some(("ca_bundle", FileUse::Read)),
            "certificate_store" if !is_pem_blob(options, value) => {
                Some(("certificate_store", FileUse::Read))
            }
            _ => None,
        })
        .collect()
}

/// The error for an option that may not be set where it was given.
fn misplaced(spec: &Spec, name: &str, context: Context) -> Error {
    let places = spec
        .contexts
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join(" or ");
    if spec.contexts == SECRET && context == Server {
        return Error::option(
            format!(
                "option \"{}\" is a secret and cannot be a server option",
                spec.name
            ),
            Some(format!(
                "Every role can read a server's options; put \"{}\" on a user mapping. For an account shared by every role: CREATE USER MAPPING FOR PUBLIC SERVER ... OPTIONS ({} '...').",
                spec.name, spec.name
            )),
        );
    }
    if context == UserMapping && DESTINATIONS.contains(&spec.name) {
        return Error::option(
            format!(
                "option \"{}\" decides where credentials are sent and cannot be a user mapping option",
                spec.name
            ),
            Some(format!(
                "Set it on the server (ALTER SERVER ... OPTIONS (ADD {} '...')), which only its owner can change.",
                spec.name
            )),
        );
    }
    Error::option(
        format!(
            "invalid option \"{name}\" for a jira_fdw {}",
            context.describe()
        ),
        Some(format!(
            "Option \"{}\" belongs on a {places}; valid options here: {}.",
            spec.name,
            valid_names(context)
        )),
    )
}

/// Validates the options of one catalog object and returns them under their canonical names,
/// with `connection_string` expanded. Duplicates (in any spelling) are an error.
pub fn normalize(options: &[(String, String)], context: Context) -> Result<Vec<(String, String)>> {
    normalize_in(options, context, false)
}

/// `normalize`, for the options of a `connection_string` when `inner` (whose keys are part of
/// a secret-bearing text, so an unknown one is not echoed).
fn normalize_in(
    options: &[(String, String)],
    context: Context,
    inner: bool,
) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (position, (name, value)) in options.iter().enumerate() {
        let Some(found) = find_spec(name) else {
            if inner {
                return Err(Error::option(
                    format!(
                        "connection_string: the key of pair {} is not a jira_fdw option",
                        position + 1
                    ),
                    Some(format!("Valid options here: {}.", valid_names(context))),
                ));
            }
            let hint = match closest(name, context) {
                Some(best) => format!("Perhaps you meant the option \"{best}\"."),
                None => format!("Valid options here: {}.", valid_names(context)),
            };
            return Err(Error::option(
                format!(
                    "invalid option \"{name}\" for a jira_fdw {}",
                    context.describe()
                ),
                Some(hint),
            ));
        };
        let spec = found;
        if !spec.contexts.contains(&context) {
            return Err(misplaced(spec, name, context));
        }
        if spec.name == "connection_string" {
            let pairs = parse_connection_string(value)?;
            if pairs.iter().any(|(k, _)| fold(k) == "connectionstring") {
                return Err(Error::option("connection_string cannot nest", None));
            }
            for pair in normalize_in(&pairs, context, true)? {
                push_unique(&mut out, pair)?;
            }
            continue;
        }
        check_value(spec.name, value)?;
        push_unique(&mut out, (spec.name.to_string(), value.clone()))?;
    }
    if context == Server {
        if let Some((_, value)) = out.iter().find(|(k, _)| k == "certificate_store") {
            if is_pem_blob(&out, value) {
                return Err(Error::option(
                    "a PEM key in \"certificate_store\" is a secret and cannot be a server option",
                    Some("Put it on a user mapping (CREATE USER MAPPING FOR PUBLIC for a shared key), or give a file path on the server.".into()),
                ));
            }
        }
    }
    Ok(out)
}

fn push_unique(out: &mut Vec<(String, String)>, pair: (String, String)) -> Result<()> {
    if out.iter().any(|(k, _)| *k == pair.0) {
        return Err(Error::option(
            format!("option \"{}\" is given more than once", pair.0),
            Some("Options match without regard to case and underscores.".into()),
        ));
    }
    out.push(pair);
    Ok(())
}

/// Checks a value in isolation (never echoing it for secret options).
fn check_value(name: &str, value: &str) -> Result<()> {
    match name {
        "url" => parse_url(value).map(|_| ()),
        "auth_scheme" => parse_auth_scheme(value).map(|_| ()),
        "deployment" => Deployment::parse(value).map(|_| ()),
        "connect_timeout" | "request_timeout" => parse_seconds(name, value).map(|_| ()),
        "page_size" => parse_int(name, value, 1, 5000).map(|_| ()),
        "batch_size" => parse_int(name, value, 1, MAX_BATCH_SIZE as i64).map(|_| ()),
        "max_retries" => parse_int(name, value, 0, 20).map(|_| ()),
        "use_remote_estimate" | "include_custom_fields" | "read_only" | "delete_subtasks" => {
            parse_bool(name, value).map(|_| ())
        }
        "custom_field_ttl" => parse_int(name, value, 0, 86_400).map(|_| ()),
        "max_concurrency" => parse_int(name, value, 1, 32).map(|_| ()),
        "initiate_oauth" => crate::auth::InitiateOAuth::parse(value).map(|_| ()),
        "oauth_version" => crate::auth::OAuthVersion::parse(value).map(|_| ()),
        "certificate_store_type" => crate::auth::KeySource::parse_type(value).map(|_| ()),
        "callback_url" | "oauth_auth_url" | "oauth_api_url" | "sso_login_url"
        | "sso_exchange_url" => parse_named_url(name, value).map(|_| ()),
        "entity" => crate::catalog::Entity::parse(value).map(|_| ()),
        _ => Ok(()),
    }
}

fn parse_url(value: &str) -> Result<Url> {
    let url = Url::parse(value.trim()).map_err(|e| {
        Error::option(
            format!("invalid value for option \"url\": {e}"),
            Some("Give the site's base URL, e.g. 'https://example.atlassian.net'.".into()),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::option(
            "invalid value for option \"url\": it must be an http or https URL with a host",
            Some("Give the site's base URL, e.g. 'https://example.atlassian.net'.".into()),
        ));
    }
    Ok(url)
}

/// An http(s) URL option other than `url`.
pub fn parse_named_url(name: &str, value: &str) -> Result<Url> {
    match Url::parse(value.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        _ => Err(Error::option(
            format!("invalid value for option \"{name}\": it must be an http or https URL"),
            None,
        )),
    }
}

/// The canonical spelling of an auth scheme, matched case-insensitively.
pub fn parse_auth_scheme(value: &str) -> Result<&'static str> {
    let folded = fold(value);
    if let Some(s) = AUTH_SCHEMES.iter().find(|s| fold(s) == folded) {
        return Ok(s);
    }
    Err(Error::option(
        format!("invalid value for option \"auth_scheme\": \"{value}\""),
        Some(format!("Supported schemes: {}.", AUTH_SCHEMES.join(", "))),
    ))
}

fn parse_int(name: &str, value: &str, min: i64, max: i64) -> Result<i64> {
    match value.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::option(
            format!("invalid value for option \"{name}\": \"{value}\""),
            Some(format!("It must be an integer from {min} to {max}.")),
        )),
    }
}

/// Postgres' spellings of a boolean.
pub fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" | "t" | "y" => Ok(true),
        "false" | "off" | "no" | "0" | "f" | "n" => Ok(false),
        _ => Err(Error::option(
            format!("invalid value for option \"{name}\": \"{value}\""),
            Some("It must be a boolean (true or false).".into()),
        )),
    }
}

fn parse_seconds(name: &str, value: &str) -> Result<Duration> {
    match value.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(Error::option(
            format!("invalid value for option \"{name}\": \"{value}\""),
            Some("It must be a number of seconds greater than 0 and at most 3600.".into()),
        )),
    }
}

/// Everything needed to talk to one Jira site as one user.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionConfig {
    /// Base URL of the site, without a trailing slash in its path.
    pub url: Url,
    /// The credentials of the user mapping (or server).
    pub credentials: Credentials,
    /// The API the site speaks; `None` asks the site once (`deployment 'auto'`).
    pub deployment: Option<Deployment>,
    /// Extra PEM root certificates to trust (`ca_bundle`), read when the client is built.
    pub ca_bundle: Option<String>,
    /// Limit for establishing a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Limit for one whole request, response body included.
    pub request_timeout: Duration,
    /// `maxResults` for searches.
    pub page_size: u32,
    /// Retries of 429/503 and broken responses before giving up.
    pub max_retries: u32,
    /// Ask Jira (`search/approximate-count`) for row estimates while planning.
    pub use_remote_estimate: bool,
    /// IMPORT FOREIGN SCHEMA adds custom fields as columns of `issues`.
    pub include_custom_fields: bool,
    /// Seconds the custom fields discovered from `/field` are kept.
    pub custom_field_ttl: u64,
    /// Parents whose children are read at once.
    pub max_concurrency: u32,
    /// INSERT, UPDATE and DELETE are refused before anything is sent.
    pub read_only: bool,
    /// DELETE of an issue deletes its sub-tasks too (else Jira refuses it).
    pub delete_subtasks: bool,
    /// Issues created per bulk request by a multi-row INSERT.
    pub batch_size: u32,
}

/// The most issues Jira's bulk create takes, and the default `batch_size`.
pub const MAX_BATCH_SIZE: u32 = 50;

/// Default `page_size`: the most Jira returns per page when fields are requested.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Merges normalized SERVER and USER MAPPING options (the mapping wins) into a configuration,
/// checking what the chosen auth scheme needs.
pub fn connection_config(
    server: &[(String, String)],
    user_mapping: &[(String, String)],
) -> Result<ConnectionConfig> {
    let get = |name: &str| -> Option<&str> {
        user_mapping
            .iter()
            .chain(server.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let scheme = parse_auth_scheme(get("auth_scheme").unwrap_or("APIToken"))?;
    let credentials = crate::auth::credentials(scheme, &get)?;
    let url = match (server.iter().find(|(k, _)| k == "url"), &credentials) {
        (Some((_, v)), _) => parse_url(v)?,
        // OAuth 2.0 requests go to Atlassian's gateway for the grant's one site.
        (None, Credentials::OAuth2(settings)) => settings.api_url().clone(),
        (None, _) => {
            return Err(Error::MissingOption {
                message: "the jira_fdw server has no \"url\" option".into(),
                hint: "ALTER SERVER ... OPTIONS (ADD url 'https://example.atlassian.net')".into(),
            })
        }
    };
    let seconds = |name: &str, default: u64| match get(name) {
        Some(v) => parse_seconds(name, v),
        None => Ok(Duration::from_secs(default)),
    };
    let int = |name: &str, default: u32, min: i64, max: i64| match get(name) {
        Some(v) => parse_int(name, v, min, max).map(|n| n as u32),
        None => Ok(default),
    };
    let deployment = match (get("deployment"), &credentials) {
        (Some(v), _) => Deployment::parse(v)?,
        // Atlassian's OAuth 2.0 (3LO) exists for Cloud sites only.
        (None, Credentials::OAuth2(_)) => Some(Deployment::Cloud),
        (None, _) => None,
    };
    Ok(ConnectionConfig {
        url,
        credentials,
        deployment,
        ca_bundle: get("ca_bundle").map(str::to_string),
        connect_timeout: seconds("connect_timeout", 10)?,
        request_timeout: seconds("request_timeout", 60)?,
        page_size: int("page_size", DEFAULT_PAGE_SIZE, 1, 5000)?,
        max_retries: int("max_retries", 5, 0, 20)?,
        use_remote_estimate: match get("use_remote_estimate") {
            Some(v) => parse_bool("use_remote_estimate", v)?,
            None => false,
        },
        include_custom_fields: match get("include_custom_fields") {
            Some(v) => parse_bool("include_custom_fields", v)?,
            None => false,
        },
        custom_field_ttl: int("custom_field_ttl", 300, 0, 86_400)? as u64,
        max_concurrency: int("max_concurrency", 4, 1, 32)?,
        read_only: match get("read_only") {
            Some(v) => parse_bool("read_only", v)?,
            None => false,
        },
        delete_subtasks: match get("delete_subtasks") {
            Some(v) => parse_bool("delete_subtasks", v)?,
            None => false,
        },
        batch_size: int("batch_size", MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE as i64)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cdata_spellings_are_accepted() {
        let got = normalize(
            &opts(&[
                ("URL", "https://x.atlassian.net"),
                ("AuthScheme", "apitoken"),
                ("Timeout", "30"),
            ]),
            Context::Server,
        )
        .unwrap();
        assert_eq!(
            got,
            opts(&[
                ("url", "https://x.atlassian.net"),
                ("auth_scheme", "apitoken"),
                ("request_timeout", "30")
            ])
        );
        let um = normalize(
            &opts(&[("User", "a@b.c"), ("APIToken", "t")]),
            Context::UserMapping,
        )
        .unwrap();
        assert_eq!(um, opts(&[("user", "a@b.c"), ("api_token", "t")]));
    }

    #[test]
    fn misspelled_option_gets_a_hint() {
        let err = normalize(&opts(&[("api_tokn", "x")]), Context::UserMapping).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid option \"api_tokn\" for a jira_fdw user mapping"
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("Perhaps you meant the option \"api_token\".")
        );
    }

    #[test]
    fn option_in_the_wrong_place_says_where_it_belongs() {
        let err = normalize(&opts(&[("entity", "issues")]), Context::Server).unwrap_err();
        assert!(err.hint().unwrap().contains("belongs on a foreign table"));
    }

    #[test]
    fn duplicates_in_any_spelling_are_rejected() {
        let err =
            normalize(&opts(&[("user", "a"), ("User", "b")]), Context::UserMapping).unwrap_err();
        assert!(err.to_string().contains("more than once"));
    }

    #[test]
    fn bad_values_are_rejected_without_echoing_secrets() {
        assert!(normalize(&opts(&[("url", "ftp://x")]), Context::Server).is_err());
        assert!(normalize(&opts(&[("page_size", "0")]), Context::Server).is_err());
        assert!(normalize(&opts(&[("request_timeout", "-1")]), Context::Server).is_err());
        let err = normalize(&opts(&[("auth_scheme", "Kerberos")]), Context::Server).unwrap_err();
        assert!(err
            .hint()
            .unwrap()
            .contains("APIToken, Basic, PAT, LDAP, OAuth, Crowd, Okta"));
        assert!(normalize(&opts(&[("auth_scheme", "oauth")]), Context::Server).is_ok());
    }

    #[test]
    fn connection_string_expands() {
        let got = normalize(
            &opts(&[(
                "connection_string",
                "User=me@x.com; APIToken=\"a;b\"\"c\" ;",
            )]),
            Context::UserMapping,
        )
        .unwrap();
        assert_eq!(got, opts(&[("user", "me@x.com"), ("api_token", "a;b\"c")]));
        let err = parse_connection_string("hunter2secret").unwrap_err();
        assert_eq!(
            err.to_string(),
            "connection_string is malformed at character 1: expected Key=Value"
        );
        let err = parse_connection_string("User=u;APIToken='open-secret").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(err.to_string().contains("character 17"), "{err}");
        let err = normalize(
            &opts(&[("connection_string", "User=u;s3cr3t=x")]),
            Context::UserMapping,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
        assert!(err.to_string().contains("pair 2"), "{err}");
    }

    #[test]
    fn secrets_only_on_user_mappings() {
        for secret in [
            "api_token",
            "password",
            "pat",
            "oauth_client_secret",
            "oauth_access_token",
            "sso_app_password",
            "sso_properties",
        ] {
            let err = normalize(&opts(&[(secret, "x")]), Context::Server).unwrap_err();
            assert!(err.to_string().contains("is a secret"), "{err}");
            assert!(err.hint().unwrap().contains("USER MAPPING FOR PUBLIC"));
            assert!(normalize(&opts(&[(secret, "x")]), Context::UserMapping).is_ok());
        }
        let err = normalize(
            &opts(&[("connection_string", "User=svc;APIToken=t")]),
            Context::Server,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("\"api_token\" is a secret"),
            "{err}"
        );
        let pem = "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----";
        assert!(normalize(&opts(&[("certificate_store", pem)]), Context::Server).is_err());
        assert!(normalize(&opts(&[("certificate_store", "/k.pem")]), Context::Server).is_ok());
        assert!(normalize(&opts(&[("certificate_store", pem)]), Context::UserMapping).is_ok());
    }

    #[test]
    fn where_credentials_go_is_a_server_option() {
        for url in [
            "url",
            "oauth_auth_url",
            "oauth_api_url",
            "sso_login_url",
            "sso_exchange_url",
        ] {
            assert_eq!(find_spec(url).map(|s| s.contexts), Some(&[Server][..]));
            let err =
                normalize(&opts(&[(url, "https://evil.test")]), Context::UserMapping).unwrap_err();
            assert!(
                err.to_string()
                    .contains("decides where credentials are sent"),
                "{err}"
            );
            assert!(normalize(&opts(&[(url, "https://ok.test")]), Context::Server).is_ok());
        }
    }

    #[test]
    fn file_options_are_classified() {
        let named = files_named(&opts(&[
            ("oauth_settings_location", "/t.json"),
            ("ca_bundle", "/ca.pem"),
            ("certificate_store", "/k.pem"),
            ("user", "u"),
        ]));
        assert_eq!(
            named,
            vec![
                ("oauth_settings_location", FileUse::Write),
                ("ca_bundle", FileUse::Read),
                ("certificate_store", FileUse::Read)
            ]
        );
        let blob = opts(&[
            ("certificate_store", "MII..."),
            ("certificate_store_type", "PEMKEY_BLOB"),
        ]);
        assert!(files_named(&blob).is_empty());
    }

    #[test]
    fn merge_prefers_user_mapping_and_checks_the_scheme() {
        let server = opts(&[
            ("url", "https://x.atlassian.net"),
            ("user", "service@x.com"),
            ("api_token", "server-token"),
            ("page_size", "50"),
        ]);
        let um = opts(&[("user", "me@x.com")]);
        let cfg = connection_config(&server, &um).unwrap();
        assert_eq!(
            cfg.credentials,
            Credentials::ApiToken {
                user: "me@x.com".into(),
                token: "server-token".into()
            }
        );
        assert_eq!(cfg.page_size, 50);
        let basic = opts(&[("url", "http://jira.local"), ("auth_scheme", "BASIC")]);
        let err = connection_config(&basic, &opts(&[("user", "u")])).unwrap_err();
        assert!(err.to_string().contains("\"password\""), "{err}");
        let missing_url =
            connection_config(&[], &opts(&[("user", "u"), ("api_token", "t")])).unwrap_err();
        assert!(missing_url.to_string().contains("url"));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::Basic {
            user: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
