//! Custom fields per server: discovered from `/field` once, kept for `custom_field_ttl` seconds
//! in the backend, refreshed on demand with `jira_fdw.refresh_custom_fields(server)`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use pgrx::prelude::*;

use super::interrupt::wait;
use super::report::OrRaise;
use super::table::{current_user, server_config, usable_server};
use crate::catalog::{custom, Column, Entity};
use crate::error::Result;
use crate::jira::endpoints;
use crate::jira::Client;

thread_local! {
    static CACHE: RefCell<HashMap<u32, (Instant, Vec<&'static Column>)>> = RefCell::new(HashMap::new());
}

/// The custom-field columns of `server` as `user` sees them, from the cache while it is fresh.
pub fn columns(server: pg_sys::Oid, user: pg_sys::Oid) -> Result<Vec<&'static Column>> {
    let config = server_config(server, user)?;
    let ttl = Duration::from_secs(config.custom_field_ttl);
    let cached = CACHE.with(|c| {
        c.borrow()
            .get(&server.to_u32())
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, cols)| cols.clone())
    });
    if let Some(cols) = cached {
        return Ok(cols);
    }
    let client = Client::shared(&config)?;
    let list = wait(async {
        client
            .get_json(client.path_of(endpoints::FIELDS).await?)
            .await
    });
    let fields = custom::from_field_list(&list);
    let taken: Vec<&str> = Entity::Issues.columns().iter().map(|c| c.name).collect();
    let cols = custom::columns(&fields, &taken);
    CACHE.with(|c| {
        c.borrow_mut()
            .insert(server.to_u32(), (Instant::now(), cols.clone()))
    });
    Ok(cols)
}

/// Forgets every cached custom-field list; registered as a syscache callback on servers and
/// user mappings, so an ALTER SERVER (a new url) or a new mapping is seen at once, as
/// postgres_fdw's connection.c does for its connections.
///
/// # Safety
/// Called by Postgres' invalidation machinery with its own arguments.
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn invalidate(_arg: pg_sys::Datum, _cache: std::ffi::c_int, _hash: u32) {
    CACHE.with(|c| c.borrow_mut().clear());
}

/// Registers [`invalidate`]; called once from `_PG_init`.
pub fn install() {
    // SAFETY: _PG_init runs once per backend before any query; the callback lives as long as
    // the library, which is never unloaded.
    unsafe {
        for cache in [
            pg_sys::SysCacheIdentifier::FOREIGNSERVEROID,
            pg_sys::SysCacheIdentifier::USERMAPPINGOID,
        ] {
            pg_sys::CacheRegisterSyscacheCallback(
                cache as _,
                Some(invalidate),
                pg_sys::Datum::from(0),
            );
        }
    }
}

/// Forgets the cached custom fields of `server`, discovers them again, and returns how many
/// there are.
#[pg_extern(volatile)]
fn refresh_custom_fields(server: &str) -> i64 {
    let oid = usable_server(server).or_raise();
    CACHE.with(|c| c.borrow_mut().remove(&oid.to_u32()));
    columns(oid, current_user()).or_raise().len() as i64
}
