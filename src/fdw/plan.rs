//! Planner callbacks: size estimate, the one scan path, and the plan. The plan carries its data
//! as JSON in a text Const inside `fdw_private`, never pointers, so cached plans re-execute.

use pgrx::{pg_sys, FromDatum, IntoDatum, PgMemoryContexts};
use serde::{Deserialize, Serialize};

use super::nodes::list_ptrs;
use super::quals;
use super::report::OrRaise;
use super::table;
use crate::catalog::{fields_for, Column};
use crate::error::{Error, Result};
use crate::jira::Strategy;

/// Everything the executor needs, decided at plan time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanData {
    /// How issues are fetched (JQL search or bulk fetch of keys).
    pub strategy: Strategy,
    /// The Jira fields requested.
    pub fields: Vec<String>,
    /// Attribute numbers (1-based) the query reads; the others stay NULL.
    pub attnums: Vec<usize>,
    /// The text of `WHERE jql = '...'`, echoed in the `jql` column.
    pub jql_echo: Option<String>,
}

/// Assumed row count of an unrestricted search, until remote estimates exist.
const DEFAULT_ROWS: f64 = 1000.0;
/// Cost of one HTTP round trip, in planner units.
const REQUEST_COST: f64 = 100.0;
/// Cost of turning one issue into a row.
const ROW_COST: f64 = 0.05;

/// Attribute numbers referenced by the target list and the restriction clauses.
unsafe fn needed_attnums(baserel: *mut pg_sys::RelOptInfo, natts: usize) -> Vec<usize> {
    let mut attrs: *mut pg_sys::Bitmapset = std::ptr::null_mut();
    // SAFETY: reltarget->exprs and baserestrictinfo are planner-owned node lists; pull_varattnos
    // only reads them and allocates the bitmapset in the current (planner) context.
    unsafe {
        let relid = (*baserel).relid;
        pg_sys::pull_varattnos(
            (*(*baserel).reltarget).exprs as *mut pg_sys::Node,
            relid,
            &mut attrs,
        );
        for info in list_ptrs((*baserel).baserestrictinfo) {
            let clause = (*(info as *mut pg_sys::RestrictInfo)).clause as *mut pg_sys::Node;
            pg_sys::pull_varattnos(clause, relid, &mut attrs);
        }
        let offset = pg_sys::FirstLowInvalidHeapAttributeNumber;
        let mut out = Vec::new();
        let mut member = -1;
        loop {
            member = pg_sys::bms_next_member(attrs, member);
            if member < 0 {
                break;
            }
            let attno = member + offset;
            if attno == 0 {
                // A whole-row reference needs every column.
                return (1..=natts).collect();
            }
            if attno > 0 {
                out.push(attno as usize);
            }
        }
        out
    }
}

fn plan_data(baserel: *mut pg_sys::RelOptInfo, relid: pg_sys::Oid) -> Result<PlanData> {
    let def = table::load(relid)?;
    // SAFETY: baserel is the planner's RelOptInfo for this foreign table.
    let attnums = unsafe { needed_attnums(baserel, def.columns.len()) };
    let columns: Vec<&Column> = attnums
        .iter()
        .filter_map(|a| def.columns.get(a - 1).copied().flatten())
        .collect();
    // SAFETY: as above.
    let pushdown = unsafe { quals::collect(baserel, &def) };
    Ok(PlanData {
        strategy: pushdown.strategy(),
        fields: fields_for(&columns),
        attnums,
        jql_echo: pushdown.jql_echo().map(str::to_string),
    })
}

/// GetForeignRelSize: decides what to push down and estimates the row count.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_rel_size(
    _root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    foreigntableid: pg_sys::Oid,
) {
    let data = plan_data(baserel, foreigntableid).or_raise();
    let rows = match &data.strategy {
        Strategy::Keys { keys } => keys.len() as f64,
        Strategy::Search { .. } => DEFAULT_ROWS,
    };
    // SAFETY: the planner owns baserel; the leaked PlanData lives in the planner's memory
    // context and is dropped with it, so fdw_private stays valid for this planning cycle only.
    unsafe {
        (*baserel).rows = rows.max(1.0);
        let stored = PgMemoryContexts::CurrentMemoryContext.leak_and_drop_on_delete(data);
        (*baserel).fdw_private = stored as *mut std::ffi::c_void;
    }
}

/// GetForeignPaths: one unordered, unparameterized scan path.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_paths(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    _foreigntableid: pg_sys::Oid,
) {
    // SAFETY: baserel->fdw_private was set by get_foreign_rel_size in this planning cycle.
    unsafe {
        let rows = (*baserel).rows;
        let requests = (rows / 100.0).ceil().max(1.0);
        let startup = REQUEST_COST;
        let total = startup + requests * REQUEST_COST + rows * ROW_COST;
        #[cfg(not(feature = "pg17"))]
        let path = pg_sys::create_foreignscan_path(
            root,
            baserel,
            std::ptr::null_mut(),
            rows,
            startup,
            total,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        #[cfg(feature = "pg17")]
        let path = pg_sys::create_foreignscan_path(
            root,
            baserel,
            std::ptr::null_mut(),
            rows,
            startup,
            total,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        pg_sys::add_path(baserel, path as *mut pg_sys::Path);
    }
}

/// GetForeignPlan: every restriction stays a local filter (the first cut pushes supersets
/// only); the plan data goes into fdw_private as JSON text.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_plan(
    _root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    _foreigntableid: pg_sys::Oid,
    _best_path: *mut pg_sys::ForeignPath,
    tlist: *mut pg_sys::List,
    scan_clauses: *mut pg_sys::List,
    outer_plan: *mut pg_sys::Plan,
) -> *mut pg_sys::ForeignScan {
    // SAFETY: fdw_private holds the PlanData leaked by get_foreign_rel_size for this cycle.
    let data = unsafe { &*((*baserel).fdw_private as *const PlanData) };
    let json = serde_json::to_string(data)
        .map_err(|e| Error::Connection(format!("cannot serialize the plan: {e}")))
        .or_raise();
    // SAFETY: all lists are planner-owned; makeConst copies nothing but stores the palloc'd
    // text datum, which copyObject duplicates when the plan is cached.
    unsafe {
        let clauses = pg_sys::extract_actual_clauses(scan_clauses, false);
        let datum = json.into_datum().unwrap_or(pg_sys::Datum::from(0usize));
        let constant = pg_sys::makeConst(
            pg_sys::TEXTOID,
            -1,
            pg_sys::DEFAULT_COLLATION_OID,
            -1,
            datum,
            false,
            false,
        );
        let private = pg_sys::lappend(std::ptr::null_mut(), constant as *mut std::ffi::c_void);
        pg_sys::make_foreignscan(
            tlist,
            clauses,
            (*baserel).relid,
            std::ptr::null_mut(),
            private,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            outer_plan,
        )
    }
}

/// Reads the PlanData back from a ForeignScan plan node.
///
/// # Safety
/// `plan` must be a ForeignScan built by [`get_foreign_plan`] (or a copy of one).
pub unsafe fn decode(plan: *mut pg_sys::ForeignScan) -> Result<PlanData> {
    // SAFETY: our fdw_private is a one-element list holding a non-null text Const.
    let text = unsafe {
        let cells = list_ptrs((*plan).fdw_private);
        let constant = cells
            .first()
            .map(|p| *p as *mut pg_sys::Const)
            .filter(|c| !c.is_null() && !(**c).constisnull);
        match constant {
            Some(c) => String::from_datum((*c).constvalue, false),
            None => None,
        }
    };
    let text = text.ok_or_else(|| Error::Connection("the plan has no jira_fdw data".into()))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Connection(format!("cannot read the plan's jira_fdw data: {e}")))
}
