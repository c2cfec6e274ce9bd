//! The Postgres side: handler, validator, planner and executor callbacks, EXPLAIN. Everything
//! here is a thin layer over the pure core; every `unsafe` block says why it is sound.

mod custom_fields;
mod datum;
mod explain;
mod handler;
mod import;
mod interrupt;
mod nodes;
mod oauth;
mod plan;
mod quals;
mod report;
mod scan;
mod table;
mod validator;
mod values;
