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
