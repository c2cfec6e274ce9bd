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

    /// Settings for the test cluster: another extension's ProcessUtility hook is installed
    /// before ours, so that the tests run through the chained hook (query ids stay off, so
    /// that EXPLAIN VERBOSE shows what it shows without it).
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![
            "shared_preload_libraries = 'pg_stat_statements'",
            "compute_query_id = off",
        ]
    }
}

#[cfg(any(test, feature = "pg_test"))]
#[path = "../tests/e2e/mod.rs"]
mod e2e;
