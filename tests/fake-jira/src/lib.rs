//! A fake Jira Cloud server for `jira_fdw`'s end-to-end tests and demo.
//!
//! It serves deterministic generated issues over real HTTP on loopback, evaluates JQL with
//! Jira's semantics, pages like Cloud's `/search/jql`, plays every authentication party a
//! connector meets (Basic, PAT, cookie sessions, OAuth 2.0 3LO with the API gateway, OAuth 1.0a,
//! Okta, Crowd, SAML), logs every request
//! and injects faults on demand, so tests exercise the wrapper against Jira's behaviour rather
//! than against their own assumptions.

pub mod adf;
pub mod config;
pub mod data;
pub mod fields;
pub mod jql;
pub mod oracle;
pub mod render;
pub mod server;
pub mod wiki;

pub use server::{spawn, Server};

pub use config::{Config, Deployment};
