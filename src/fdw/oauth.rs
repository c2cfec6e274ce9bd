//! The connector's OAuth stored procedures as SQL functions: start an authorization, exchange
//! the verifier for tokens, refresh. Tokens are saved in the store of the server and the
//! calling role, where scans find them.

use pgrx::prelude::*;

use super::interrupt::wait;
use super::report::OrRaise;
use super::table::{current_user, server_config, usable_server};
use crate::auth::{oauth1_access_token, oauth1_authorization_url, oauth2, Credentials, Tokens};
use crate::error::Error;
use crate::jira::Client;
use crate::options::ConnectionConfig;

type TokenRow = (
    name!(oauth_access_token, String),
    name!(oauth_refresh_token, Option<String>),
    name!(expires_in, i64),
);

fn config(server: &str) -> ConnectionConfig {
    server_config(usable_server(server).or_raise(), current_user()).or_raise()
}

fn not_oauth(config: &ConnectionConfig) -> ! {
    super::report::raise(Error::option(
        format!(
            "the server uses auth_scheme {}, not OAuth",
            config.credentials.scheme()
        ),
        Some("ALTER SERVER ... OPTIONS (SET auth_scheme 'OAuth').".into()),
    ))
}

fn row(tokens: Tokens) -> TableIterator<'static, TokenRow> {
    let expires_in = tokens.expires_at.saturating_sub(crate::auth::now()).max(0);
    TableIterator::once((tokens.access_token, tokens.refresh_token, expires_in))
}

/// The URL the user opens to grant jira_fdw access (OAuth 2.0), or to approve the request
/// token it just obtained (OAuth 1.0a).
#[pg_extern(volatile)]
fn get_oauth_authorization_url(
    server: &str,
    callback_url: default!(Option<&str>, "NULL"),
    scope: default!(Option<&str>, "NULL"),
    state: default!(Option<&str>, "NULL"),
) -> String {
    let config = config(server);
    match &config.credentials {
        Credentials::OAuth2(settings) => {
            oauth2::authorization_url(settings, callback_url, scope, state).or_raise()
        }
        Credentials::OAuth1(settings) => {
            let client = Client::shared(&config).or_raise();
            wait(oauth1_authorization_url(
                client.http(),
                settings,
                &config.url,
                callback_url,
            ))
        }
        _ => not_oauth(&config),
    }
}

/// Exchanges the verifier (the `code` of the callback or the whole callback URL, or OAuth
/// 1.0a's `oauth_verifier`) for tokens, stores them for this server and role, and returns them.
/// The callback's `state` must be the one `get_oauth_authorization_url` made.
#[pg_extern(volatile)]
fn get_oauth_access_token(
    server: &str,
    verifier: &str,
    callback_url: default!(Option<&str>, "NULL"),
    state: default!(Option<&str>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(oauth_access_token, String),
        name!(oauth_refresh_token, Option<String>),
        name!(expires_in, i64),
    ),
> {
    let config = config(server);
    let client = Client::shared(&config).or_raise();
    let tokens = match &config.credentials {
        Credentials::OAuth2(settings) => {
            let store = settings.token_store().or_raise();
            let (code, from_callback) = oauth2::callback_parts(verifier);
            let state = state.map(str::to_string).or(from_callback);
            wait(async {
                let _lock = store.lock().await?;
                let tokens = oauth2::exchange_code(
                    client.http(),
                    settings,
                    &code,
                    callback_url,
                    state.as_deref(),
                )
                .await?;
                store.save(&tokens)?;
                Ok(tokens)
            })
        }
        Credentials::OAuth1(settings) => wait(oauth1_access_token(
            client.http(),
            settings,
            &config.url,
            verifier,
        )),
        _ => not_oauth(&config),
    };
    client.forget_credentials();
    row(tokens)
}

/// Refreshes the OAuth 2.0 tokens of this server and role, with the given refresh token or the
/// stored one, and stores the result (Atlassian rotates the refresh token on every refresh).
#[pg_extern(volatile)]
fn refresh_oauth_access_token(
    server: &str,
    oauth_refresh_token: default!(Option<&str>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(oauth_access_token, String),
        name!(oauth_refresh_token, Option<String>),
        name!(expires_in, i64),
    ),
> {
    let config = config(server);
    let Credentials::OAuth2(settings) = &config.credentials else {
        not_oauth(&config)
    };
    let client = Client::shared(&config).or_raise();
    let store = settings.token_store().or_raise();
    let tokens = wait(async {
        let _lock = store.lock().await?;
        let stored = store.load()?;
        let refresh_token = match oauth_refresh_token {
            Some(t) => t.to_string(),
            None => stored
                .as_ref()
                .and_then(|t| t.refresh_token.clone())
                .ok_or_else(|| Error::Auth {
                    scheme: "OAuth".into(),
                    message: "no refresh token is stored for this server and user".into(),
                    hint: "Pass one, or authorize with jira_fdw.get_oauth_access_token.".into(),
                })?,
        };
        let mut tokens = oauth2::refresh(client.http(), settings, &refresh_token).await?;
        tokens.cloud_id = stored.and_then(|t| t.cloud_id);
        store.save(&tokens)?;
        Ok(tokens)
    });
    client.forget_credentials();
    row(tokens)
}

extension_sql!(
    r#"
-- The functions act with a role's credentials and send requests from the database host: the
-- DBA grants them to the roles that should (each still needs USAGE on the server it names).
REVOKE EXECUTE ON FUNCTION get_oauth_authorization_url(text, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION get_oauth_access_token(text, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION refresh_oauth_access_token(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION refresh_custom_fields(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION add_attachment(text, text, text, bytea) FROM PUBLIC;
"#,
    name = "jira_fdw_function_privileges",
    finalize
);
