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
        }
    }
}
