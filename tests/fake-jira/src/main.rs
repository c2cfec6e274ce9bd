//! The `fake-jira` command: serves a fake Jira Cloud on 127.0.0.1 until killed or until its
//! standard input is closed.

use clap::Parser;
use fake_jira::{Config, Server};
use std::io::Write;

/// Command-line options; every one has the default tests expect.
#[derive(Parser, Debug)]
#[command(
    name = "fake-jira",
    about = "A fake Jira Cloud server on loopback for jira_fdw tests"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Number of issues to generate (0..=200000).
    #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u32).range(0..=200_000))]
    issues: u32,
    /// Seed of the data generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Basic auth user (e-mail address).
    #[arg(long, default_value = "tester@example.com")]
    user: String,
    /// API token accepted as the Basic auth secret.
    #[arg(long, default_value = "tok-ABC123secret")]
    token: String,
    /// Password also accepted as the Basic auth secret.
    #[arg(long, default_value = "pa55word")]
    password: String,
    /// The user's profile time zone (IANA name).
    #[arg(long, default_value = "Australia/Sydney")]
    time_zone: chrono_tz::Tz,
    /// Server/DC personal access token accepted as `Authorization: Bearer`.
    #[arg(long, default_value = "pat-XYZ123secret")]
    pat: String,
    /// Seconds a cookie session lives after login.
    #[arg(long, default_value_t = 600)]
    session_ttl: u64,
    /// OAuth 2.0 (3LO) client id.
    #[arg(long, default_value = "client-abc")]
    oauth_client_id: String,
    /// OAuth 2.0 (3LO) client secret.
    #[arg(long, default_value = "client-secret-xyz")]
    oauth_client_secret: String,
    /// Lifetime in seconds of OAuth 2.0 access tokens.
    #[arg(long, default_value_t = 3600)]
    oauth_expires_in: u64,
    /// User who needs Okta MFA (passcode 123456) with the same password.
    #[arg(long, default_value = "mfa@example.com")]
    mfa_user: String,
    /// Crowd application name for Crowd SSO login.
    #[arg(long, default_value = "jira-app")]
    crowd_app: String,
    /// Crowd application password.
    #[arg(long, default_value = "app-pass")]
    crowd_app_password: String,
    /// OAuth 1.0a consumer key (its RSA public key is built in).
    #[arg(long, default_value = "jira-fdw-consumer")]
    oauth1_consumer_key: String,
    /// Which Jira to play: `cloud`, or `server` (Data Center: no `/rest/api/3`).
    #[arg(long, value_enum, default_value = "cloud")]
    deployment: fake_jira::Deployment,
    /// Data Center: the most issues a search page holds (larger maxResults are lowered).
    #[arg(long, default_value_t = 50)]
    search_max_results: usize,
    /// Data Center: the result window startAt + maxResults may not pass.
    #[arg(long, default_value_t = 10_000)]
    result_window: usize,
    /// Data Center: the most groups the group picker lists (jira.ajax.autocomplete.limit).
    #[arg(long, default_value_t = 20)]
    autocomplete_limit: usize,
    /// Keep running when standard input closes (for running as a daemon).
    #[arg(long)]
    no_stdin_watch: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let config = Config {
        port: args.port,
        issues: args.issues as usize,
        seed: args.seed,
        user: args.user,
        token: args.token,
        password: args.password,
        time_zone: args.time_zone,
        pat: args.pat,
        session_ttl: args.session_ttl,
        oauth_client_id: args.oauth_client_id,
        oauth_client_secret: args.oauth_client_secret,
        oauth_expires_in: args.oauth_expires_in,
        mfa_user: args.mfa_user,
        crowd_app: args.crowd_app,
        crowd_app_password: args.crowd_app_password,
        oauth1_consumer_key: args.oauth1_consumer_key,
        deployment: args.deployment,
        search_max_results: args.search_max_results,
        result_window: args.result_window,
        autocomplete_limit: args.autocomplete_limit,
    };
    let server = Server::bind(config).await?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "LISTENING {}", server.url())?;
        stdout.flush()?;
    }
    if !args.no_stdin_watch {
        tokio::spawn(async {
            let mut sink = tokio::io::sink();
            let _ = tokio::io::copy(&mut tokio::io::stdin(), &mut sink).await;
            std::process::exit(0);
        });
    }
    server.run().await
}
