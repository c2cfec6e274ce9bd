//! The Postgres side: handler, validator, planner and executor callbacks, EXPLAIN. Everything
//! here is a thin layer over the pure core; every `unsafe` block says why it is sound.

mod attach;
mod comments;
mod custom_fields;
mod datum;
mod explain;
mod handler;
mod import;
mod interrupt;
mod modify;
mod nodes;
mod oauth;
mod plan;
mod quals;
mod report;
mod scan;
mod table;
mod validator;
mod values;

/// Runs when Postgres loads the library: installs the hook that writes imported tables
/// column comments and the callbacks that invalidate cached custom fields.
#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    comments::install();
    custom_fields::install();
}
