//! The option validator, run by CREATE/ALTER of the wrapper, servers, user mappings, tables.

use pgrx::pg_sys;
use pgrx::prelude::*;

use super::report::{raise, OrRaise};
use crate::error::Error;
use crate::options::{self, Context, FileUse};

/// Whether the current role may set an option naming a file used so, as file_fdw decides it.
fn may_use_files(usage: FileUse) -> bool {
    let role = match usage {
        FileUse::Read => pg_sys::ROLE_PG_READ_SERVER_FILES,
        FileUse::Write => pg_sys::ROLE_PG_WRITE_SERVER_FILES,
    };
    // SAFETY: plain catalog lookups for the current role, valid in any transaction.
    unsafe {
        pg_sys::superuser()
            || pg_sys::has_privs_of_role(pg_sys::GetUserId(), pg_sys::Oid::from(role))
    }
}

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
    let normalized = options::normalize(&pairs, context).or_raise();
    for (name, usage) in options::files_named(&normalized) {
        if !may_use_files(usage) {
            raise(Error::Privilege {
                message: format!(
                    "only superusers and members of {} may set option \"{name}\"",
                    usage.role()
                ),
                hint: if name == "oauth_settings_location" {
                    "Leave it unset: tokens are then kept in a file of this server and role under the data directory.".into()
                } else {
                    format!(
                        "Ask a superuser to set it, or to GRANT {} to this role.",
                        usage.role()
                    )
                },
            });
        }
    }
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
