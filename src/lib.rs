//! jira_fdw: Jira Cloud and Server/Data Center as PostgreSQL foreign tables.
//!
//! The pure core (`options`, `files`, `auth`, `jira`, `jql`, `catalog`) knows nothing of Postgres and is
//! tested with `cargo test`; `fdw` holds the Postgres callbacks.

pub mod auth;
pub mod catalog;
pub mod error;
pub mod files;
pub mod jira;
pub mod jql;
pub mod options;

mod fdw;

::pgrx::pg_module_magic!();

#[cfg(test)]
pub mod pg_test {
    /// Called once before the end-to-end tests start.
    pub fn setup(_options: Vec<&str>) {}

    /// Settings for the test cluster.
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}

#[cfg(any(test, feature = "pg_test"))]
#[path = "../tests/e2e/mod.rs"]
mod e2e;
