//! The option validator, run by CREATE/ALTER of the wrapper, servers, user mappings, tables.

use pgrx::pg_sys;
use pgrx::prelude::*;

use super::report::OrRaise;
use crate::options::{self, Context};

/// Validates an option list for the catalog `catalog` (an OID of pg_foreign_server, ...).
#[pg_extern(create_or_replace)]
fn jira_fdw_validator(options: Vec<Option<String>>, catalog: Option<pg_sys::Oid>) {
    let context = match catalog {
        Some(pg_sys::ForeignServerRelationId) => Context::Server,
        Some(pg_sys::UserMappingRelationId) => Context::UserMapping,
        Some(pg_sys::ForeignTableRelationId) => Context::Table,
        Some(pg_sys::AttributeRelationId) => Context::Column,
        _ => Context::Wrapper,
    };
    let pairs: Vec<(String, String)> = options
        .into_iter()
        .flatten()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (o, String::new()),
        })
        .collect();
    options::normalize(&pairs, context).or_raise();
}

extension_sql!(
    r#"
CREATE FOREIGN DATA WRAPPER jira_fdw
  HANDLER jira_fdw_handler
  VALIDATOR jira_fdw_validator;
COMMENT ON FOREIGN DATA WRAPPER jira_fdw IS 'Jira Cloud and Server/Data Center as foreign tables';
"#,
    name = "jira_fdw_wrapper",
    requires = [jira_fdw_handler, jira_fdw_validator]
);
