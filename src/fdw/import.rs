//! IMPORT FOREIGN SCHEMA jira FROM SERVER s INTO local: one foreign table per entity, with
//! every column of the entity, honouring LIMIT TO and EXCEPT; each column gets a comment
//! naming its Jira field and what is pushed down (see `comments`).

use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};

use pgrx::pg_sys;

use super::custom_fields;
use super::interrupt::wait;
use super::nodes::{def_elems, list_ptrs};
use super::report::{raise, OrRaise};
use super::table::{current_user, server_config};
use crate::catalog::{Column, Entity};
use crate::error::Error;
use crate::jira::Client;
use crate::jql::pushdown_summary;
use crate::options::parse_bool;

/// The remote schema name users import from.
const REMOTE_SCHEMA: &str = "jira";

fn quote(ident: &str) -> String {
    let Ok(c) = CString::new(ident) else {
        return String::new();
    };
    // SAFETY: quote_identifier reads the NUL-terminated string and returns it or a palloc'd
    // quoted copy, both valid for the conversion below.
    unsafe { CStr::from_ptr(pg_sys::quote_identifier(c.as_ptr())) }
        .to_string_lossy()
        .into_owned()
}

/// The CREATE FOREIGN TABLE statement of an entity on `server`, with `extra` columns.
fn create_table(entity: Entity, server: &str, extra: &[&Column]) -> String {
    let columns: Vec<String> = entity
        .columns()
        .iter()
        .chain(extra.iter().copied())
        .map(|c| format!("{} {}", quote(c.name), c.ty.sql_name()))
        .collect();
    format!(
        "CREATE FOREIGN TABLE {} ({}) SERVER {} OPTIONS (entity '{}')",
        quote(entity.name()),
        columns.join(", "),
        quote(server),
        entity.name()
    )
}

/// `COMMENT ON COLUMN` text of each column: the Jira field it reads and what is pushed down.
fn column_comments(entity: Entity, extra: &[&Column]) -> Vec<(String, String)> {
    entity
        .columns()
        .iter()
        .chain(extra.iter().copied())
        .map(|c| {
            let text = format!(
                "{}. Pushdown: {}.",
                c.origin(),
                pushdown_summary(c.rule, c.order)
            );
            (c.name.to_string(), text)
        })
        .collect()
}

/// ImportForeignSchema: the statements Postgres runs in the local schema.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn import_foreign_schema(
    stmt: *mut pg_sys::ImportForeignSchemaStmt,
    server_oid: pg_sys::Oid,
) -> *mut pg_sys::List {
    // SAFETY: Postgres passes a valid statement; its strings are NUL-terminated and its
    // table_list holds RangeVars; the returned list holds palloc'd C strings, as required.
    unsafe {
        let remote = CStr::from_ptr((*stmt).remote_schema)
            .to_string_lossy()
            .into_owned();
        if !remote.eq_ignore_ascii_case(REMOTE_SCHEMA) {
            raise(Error::option(
                format!("jira_fdw has no remote schema \"{remote}\""),
                Some(format!(
                    "IMPORT FOREIGN SCHEMA {REMOTE_SCHEMA} FROM SERVER ... INTO ..."
                )),
            ));
        }
        let config = server_config(server_oid, current_user()).or_raise();
        let mut include_custom = config.include_custom_fields;
        for (name, value) in def_elems((*stmt).options) {
            if name
                .replace('_', "")
                .eq_ignore_ascii_case("includecustomfields")
            {
                include_custom = parse_bool("include_custom_fields", &value).or_raise();
            } else {
                raise(Error::option(
                    format!("invalid IMPORT FOREIGN SCHEMA option \"{name}\""),
                    Some("The import takes the option include_custom_fields.".into()),
                ));
            }
        }
        let server = CStr::from_ptr((*stmt).server_name)
            .to_string_lossy()
            .into_owned();
        let listed: Vec<String> = list_ptrs((*stmt).table_list)
            .into_iter()
            .map(|r| {
                CStr::from_ptr((*(r as *mut pg_sys::RangeVar)).relname)
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let wanted = |name: &str| match (*stmt).list_type {
            pg_sys::ImportForeignSchemaType::FDW_IMPORT_SCHEMA_LIMIT_TO => {
                listed.iter().any(|l| l == name)
            }
            pg_sys::ImportForeignSchemaType::FDW_IMPORT_SCHEMA_EXCEPT => {
                !listed.iter().any(|l| l == name)
            }
            _ => true,
        };
        // Tables the site's deployment does not serve are left out.
        let deployment = wait(Client::shared(&config).or_raise().deployment());
        let readable = |e: &Entity| e.listing().available_on(deployment);
        let mut commands: *mut pg_sys::List = std::ptr::null_mut();
        let mut comments = HashMap::new();
        let custom = if include_custom && wanted(Entity::Issues.name()) && readable(&Entity::Issues)
        {
            custom_fields::columns(server_oid, current_user()).or_raise()
        } else {
            Vec::new()
        };
        for entity in Entity::all().filter(|e| wanted(e.name()) && readable(e)) {
            let extra: &[&Column] = if entity == Entity::Issues {
                &custom
            } else {
                &[]
            };
            let Ok(sql) = CString::new(create_table(entity, &server, extra)) else {
                continue;
            };
            commands = pg_sys::lappend(commands, pg_sys::pstrdup(sql.as_ptr()) as *mut c_void);
            comments.insert(entity.name().to_string(), column_comments(entity, extra));
        }
        super::comments::expect(&server, comments);
        commands
    }
}
