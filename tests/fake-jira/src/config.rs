//! Settings of one fake Jira instance.

use chrono_tz::Tz;

/// Everything that shapes one fake instance: its data, its credentials and the searching user's
/// time zone (which JQL date literals are read in).
#[derive(Clone, Debug)]
pub struct Config {
    /// Port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// How many issues to generate.
    pub issues: usize,
    /// Seed of the generator, so two runs with the same seed serve the same data.
    pub seed: u64,
    /// The e-mail address of the authenticating user (Basic auth user name).
    pub user: String,
    /// The API token accepted as the Basic auth secret.
    pub token: String,
    /// The password also accepted as the Basic auth secret.
    pub password: String,
    /// The user's profile time zone: `myself.timeZone` and the zone of JQL date literals.
    pub time_zone: Tz,
    /// The Server/DC personal access token accepted as `Authorization: Bearer <pat>`.
    pub pat: String,
    /// Seconds a cookie session (`JSESSIONID`) lives after login, so tests can watch a client
    /// notice an expired session and log in again.
    pub session_ttl: u64,
    /// The OAuth 2.0 (3LO) client id the fake authorization server knows.
    pub oauth_client_id: String,
    /// The secret of that OAuth 2.0 client.
    pub oauth_client_secret: String,
    /// Lifetime in seconds of issued OAuth 2.0 access tokens (`expires_in`).
    pub oauth_expires_in: u64,
    /// A user who, with `password`, must pass Okta MFA (passcode `123456`) before SSO.
    pub mfa_user: String,
    /// The Crowd application name allowed to call Crowd's SSO login.
    pub crowd_app: String,
    /// The password of that Crowd application.
    pub crowd_app_password: String,
    /// The OAuth 1.0a consumer key whose RSA public key the fake embeds.
    pub oauth1_consumer_key: String,
    /// Which Jira the fake plays.
    pub deployment: Deployment,
    /// Data Center: the most issues one search page holds; larger `maxResults` are lowered
    /// silently, as Data Center's `jira.search.views.default.max` does.
    pub search_max_results: usize,
    /// Data Center: `startAt + maxResults` may not pass this (the index's result window).
    pub result_window: usize,
    /// Data Center: the most groups the group picker lists (`jira.ajax.autocomplete.limit`).
    pub autocomplete_limit: usize,
}

/// Which Jira the fake plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deployment {
    /// Jira Cloud: `/rest/api/3`.
    Cloud,
    /// Jira Data Center: `serverInfo` says so, and `/rest/api/3` does not exist (404).
    Server,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            issues: 250,
            seed: 42,
            user: "tester@example.com".to_string(),
            token: "tok-ABC123secret".to_string(),
            password: "pa55word".to_string(),
            time_zone: chrono_tz::Australia::Sydney,
            pat: "pat-XYZ123secret".to_string(),
            session_ttl: 600,
            oauth_client_id: "client-abc".to_string(),
            oauth_client_secret: "client-secret-xyz".to_string(),
            oauth_expires_in: 3600,
            mfa_user: "mfa@example.com".to_string(),
            crowd_app: "jira-app".to_string(),
            crowd_app_password: "app-pass".to_string(),
            oauth1_consumer_key: "jira-fdw-consumer".to_string(),
            deployment: Deployment::Cloud,
            search_max_results: 50,
            result_window: 10_000,
            autocomplete_limit: 20,
        }
    }
}
