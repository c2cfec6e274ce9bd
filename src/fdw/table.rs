//! A foreign table's definition read from the catalogs: its entity, which catalog column each
//! attribute is, and the connection options of its server and user mapping.

use std::ffi::CStr;

use pgrx::pg_sys;
use pgrx::pg_sys::PgTryBuilder;
use pgrx::PgSqlErrorCode;

use super::nodes::def_elems;
use crate::auth::{self, Credentials};
use crate::catalog::{Column, Entity, PgType};
use crate::error::{Error, Result};
use crate::options::{self, ConnectionConfig, Context};

/// What the planner and executor need to know about a foreign table.
pub struct TableDef {
    /// The Jira entity behind the table.
    pub entity: Entity,
    /// For each attribute (index = attnum - 1) its catalog column; `None` for dropped ones.
    pub columns: Vec<Option<&'static Column>>,
    /// The table's foreign server.
    pub server: pg_sys::Oid,
    /// The table's normalized options.
    pub options: Vec<(String, String)>,
    /// The role whose user mapping the scan uses.
    pub user: pg_sys::Oid,
}

/// The role a scan runs as: the range table entry's `checkAsUser` (the owner of a view that
/// reads the table) when set, else the current user, as postgres_fdw decides it.
pub fn scan_user(check_as_user: pg_sys::Oid) -> pg_sys::Oid {
    if check_as_user == pg_sys::InvalidOid {
        // SAFETY: reads the current role's OID.
        unsafe { pg_sys::GetUserId() }
    } else {
        check_as_user
    }
}

/// The current role, for the SQL functions and IMPORT FOREIGN SCHEMA.
pub fn current_user() -> pg_sys::Oid {
    scan_user(pg_sys::InvalidOid)
}

pub fn type_oid(ty: PgType) -> pg_sys::Oid {
    match ty {
        PgType::Int8 => pg_sys::INT8OID,
        PgType::Text => pg_sys::TEXTOID,
        PgType::TextArray => pg_sys::TEXTARRAYOID,
        PgType::Timestamptz => pg_sys::TIMESTAMPTZOID,
        PgType::Date => pg_sys::DATEOID,
        PgType::Jsonb => pg_sys::JSONBOID,
        PgType::Bool => pg_sys::BOOLOID,
        PgType::Numeric => pg_sys::NUMERICOID,
    }
}

/// Reads the definition of foreign table `relid` as scanned by `user`, checking every column
/// against the entity.
pub fn load(relid: pg_sys::Oid, user: pg_sys::Oid) -> Result<TableDef> {
    // SAFETY: relid is a foreign table the planner or executor already holds a lock on;
    // GetForeignTable errors (rather than returning null) when it does not exist.
    let (server, raw_options, relname) = unsafe {
        let table = pg_sys::GetForeignTable(relid);
        let name = pg_sys::get_rel_name(relid);
        let relname = if name.is_null() {
            String::new()
        } else {
            CStr::from_ptr(name).to_string_lossy().into_owned()
        };
        ((*table).serverid, def_elems((*table).options), relname)
    };
    let options = options::normalize(&raw_options, Context::Table)?;
    let entity = match options.iter().find(|(k, _)| k == "entity") {
        Some((_, v)) => Entity::parse(v)?,
        None => Entity::parse(&relname).map_err(|_| Error::MissingOption {
            message: format!("foreign table \"{relname}\" has no \"entity\" option"),
            hint: "ALTER FOREIGN TABLE ... OPTIONS (ADD entity 'issues')".into(),
        })?,
    };
    // SAFETY: RelationIdGetRelation returns a refcounted relcache entry (the relation is
    // locked by the caller), released by RelationClose before anything can raise; attrs has
    // natts entries.
    let attributes: Vec<Option<(String, pg_sys::Oid)>> = unsafe {
        let rel = pg_sys::RelationIdGetRelation(relid);
        if rel.is_null() {
            return Err(Error::Definition {
                message: format!("foreign table with OID {} does not exist", relid.to_u32()),
                hint: None,
            });
        }
        let desc = (*rel).rd_att;
        let attributes = (0..(*desc).natts as usize)
            .map(|i| {
                let attr = (*desc).attrs.as_ptr().add(i);
                (!(*attr).attisdropped).then(|| {
                    let name = CStr::from_ptr((*attr).attname.data.as_ptr());
                    (name.to_string_lossy().into_owned(), (*attr).atttypid)
                })
            })
            .collect();
        pg_sys::RelationClose(rel);
        attributes
    };
    let mut columns = Vec::with_capacity(attributes.len());
    for attribute in attributes {
        let Some((name, type_id)) = attribute else {
            columns.push(None);
            continue;
        };
        let column = match entity.column(&name) {
            // Not a system column of issues: perhaps a custom field, by name or by id.
            Err(e) if entity == Entity::Issues => super::custom_fields::columns(server, user)?
                .into_iter()
                .find(|c| c.name == name || c.fields.first() == Some(&name.as_str()))
                .ok_or(e)?,
            other => other?,
        };
        if type_id != type_oid(column.ty) {
            return Err(Error::Definition {
                message: format!(
                    "column \"{name}\" of foreign table \"{relname}\" must be of type {}",
                    column.ty.sql_name()
                ),
                hint: Some(format!(
                    "ALTER FOREIGN TABLE {relname} ALTER COLUMN {name} TYPE {}",
                    column.ty.sql_name()
                )),
            });
        }
        columns.push(Some(column));
    }
    Ok(TableDef {
        entity,
        columns,
        server,
        options,
        user,
    })
}

/// The connection configuration of the table's server for the role the scan runs as, with
/// the table's own overrides.
pub fn connection_config(def: &TableDef) -> Result<ConnectionConfig> {
    let mut config = server_config(def.server, def.user)?;
    // Already validated by normalize; the table overrides the server.
    for (name, value) in &def.options {
        match name.as_str() {
            "page_size" => config.page_size = value.trim().parse().unwrap_or(config.page_size),
            "use_remote_estimate" => {
                config.use_remote_estimate = options::parse_bool(name, value)?;
            }
            "read_only" => config.read_only = options::parse_bool(name, value)?,
            "delete_subtasks" => config.delete_subtasks = options::parse_bool(name, value)?,
            "batch_size" => config.batch_size = value.trim().parse().unwrap_or(config.batch_size),
            _ => {}
        }
    }
    Ok(config)
}

/// The connection configuration of server `server` for role `role`: SERVER options merged
/// with the role's USER MAPPING (or the PUBLIC one; none when the server holds no secrets),
/// and the OAuth token file defaulting to one per server and role under the data directory.
pub fn server_config(server: pg_sys::Oid, role: pg_sys::Oid) -> Result<ConnectionConfig> {
    // SAFETY: GetForeignServer errors for an unknown OID; the options are a DefElem list.
    let server_raw = unsafe { def_elems((*pg_sys::GetForeignServer(server)).options) };
    let mapping_raw = PgTryBuilder::new(|| {
        // SAFETY: GetUserMapping returns a valid mapping or raises "user mapping not found",
        // which is caught below before anything was allocated that would need cleanup.
        unsafe { def_elems((*pg_sys::GetUserMapping(role, server)).options) }
    })
    .catch_when(PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT, |_| Vec::new())
    .execute();
    let server_options = options::normalize(&server_raw, Context::Server)?;
    let mapping = options::normalize(&mapping_raw, Context::UserMapping)?;
    let mut config = options::connection_config(&server_options, &mapping)?;
    let default_store = || {
        // SAFETY: DataDir is set at backend start and never changes.
        let data_dir = unsafe { CStr::from_ptr(pg_sys::DataDir) }
            .to_string_lossy()
            .into_owned();
        auth::default_store(
            &std::path::Path::new(&data_dir).join("jira_fdw"),
            server.to_u32(),
            role.to_u32(),
        )
    };
    match &mut config.credentials {
        Credentials::OAuth2(settings) if settings.store.is_none() => {
            settings.store = Some(default_store())
        }
        Credentials::OAuth1(settings) if settings.store.is_none() => {
            settings.store = Some(default_store())
        }
        _ => {}
    }
    Ok(config)
}

/// The OID of the foreign server named `name`, which the current role must have USAGE on (the
/// SQL functions act with its user mapping and credentials).
pub fn usable_server(name: &str) -> Result<pg_sys::Oid> {
    let server = server_by_name(name)?;
    let user = current_user();
    // SAFETY: an ACL check of an existing server for an existing role.
    #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
    let result = unsafe {
        pg_sys::pg_foreign_server_aclcheck(server, user, pg_sys::ACL_USAGE as pg_sys::AclMode)
    };
    // SAFETY: as above.
    #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
    let result = unsafe {
        pg_sys::object_aclcheck(
            pg_sys::ForeignServerRelationId,
            server,
            user,
            pg_sys::ACL_USAGE as pg_sys::AclMode,
        )
    };
    if result != pg_sys::AclResult::ACLCHECK_OK {
        return Err(Error::Privilege {
            message: format!("permission denied for foreign server {name}"),
            hint: format!("GRANT USAGE ON FOREIGN SERVER {name} TO the role."),
        });
    }
    Ok(server)
}

/// The OID of the foreign server named `name`.
fn server_by_name(name: &str) -> Result<pg_sys::Oid> {
    let c_name = std::ffi::CString::new(name)
        .map_err(|_| Error::option("a server name cannot contain NUL", None))?;
    // SAFETY: with missing_ok the lookup returns null instead of raising.
    let server = unsafe { pg_sys::GetForeignServerByName(c_name.as_ptr(), true) };
    if server.is_null() {
        return Err(Error::option(
            format!("server \"{name}\" does not exist"),
            None,
        ));
    }
    // SAFETY: non-null, from the catalog.
    Ok(unsafe { (*server).serverid })
}
