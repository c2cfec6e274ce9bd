//! Executor callbacks: rows stream from Jira one page at a time as the executor pulls them.

use std::collections::VecDeque;
use std::rc::Rc;

use pgrx::{pg_sys, PgMemoryContexts};
use serde_json::Value;

use super::datum::to_datum;
use super::plan::{decode, PlanData};
use super::report::OrRaise;
use super::table;
use crate::catalog::{Column, Source};
use crate::error::Result;
use crate::jira::{block_on, Client, Pager};

/// Per-scan state, owned by the executor's query memory context.
pub struct ScanState {
    /// What the planner decided.
    pub plan: PlanData,
    client: Rc<Client>,
    /// Where the scan stands; also counts requests for EXPLAIN ANALYZE.
    pub pager: Pager,
    buffer: VecDeque<Value>,
    /// `(attribute index, column)` for each attribute the query reads.
    columns: Vec<(usize, &'static Column)>,
    /// Holds the current row's datums; reset before the next row.
    row_context: pg_sys::MemoryContext,
}

/// True when Postgres wants this backend to stop what it is doing.
fn interrupted() -> bool {
    // SAFETY: plain reads of sig_atomic_t flags that signal handlers set; volatile so the
    // compiler re-reads them on every poll.
    unsafe {
        std::ptr::read_volatile(&raw const pg_sys::QueryCancelPending) != 0
            || std::ptr::read_volatile(&raw const pg_sys::ProcDiePending) != 0
    }
}

/// Waits for `future` on the backend's runtime, obeying cancellation.
pub fn wait<T>(future: impl std::future::Future<Output = Result<T>>) -> T {
    block_on(future, &interrupted).or_raise()
}

/// BeginForeignScan: rebuilds the scan state from the plan.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn begin_foreign_scan(
    node: *mut pg_sys::ForeignScanState,
    eflags: std::ffi::c_int,
) {
    if eflags as u32 & pg_sys::EXEC_FLAG_EXPLAIN_ONLY != 0 {
        return;
    }
    // SAFETY: the executor passes a valid ForeignScanState whose plan is our ForeignScan and
    // whose relation is open; the state is leaked into the current (per-query) memory context
    // so it is dropped even when the query fails before EndForeignScan.
    unsafe {
        let plan = decode((*node).ss.ps.plan as *mut pg_sys::ForeignScan).or_raise();
        let relid = (*(*node).ss.ss_currentRelation).rd_id;
        let def = table::load(relid).or_raise();
        let config = table::connection_config(&def).or_raise();
        let client = Client::shared(&config).or_raise();
        let columns = plan
            .attnums
            .iter()
            .filter_map(|a| {
                def.columns
                    .get(a - 1)
                    .copied()
                    .flatten()
                    .map(|c| (a - 1, c))
            })
            .collect();
        let pager = Pager::new(plan.strategy.clone(), plan.fields.clone(), config.page_size);
        // A child of the per-query context, deleted with it.
        let row_context = pg_sys::AllocSetContextCreateExtended(
            pg_sys::CurrentMemoryContext,
            c"jira_fdw row".as_ptr(),
            pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
        );
        let state = ScanState {
            plan,
            client,
            pager,
            buffer: VecDeque::new(),
            columns,
            row_context,
        };
        let stored = PgMemoryContexts::CurrentMemoryContext.leak_and_drop_on_delete(state);
        (*node).fdw_state = stored as *mut std::ffi::c_void;
    }
}

/// IterateForeignScan: the next row, fetching the next page when the current one is used up.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn iterate_foreign_scan(
    node: *mut pg_sys::ForeignScanState,
) -> *mut pg_sys::TupleTableSlot {
    // SAFETY: fdw_state was set by begin_foreign_scan and lives as long as the query; the slot
    // belongs to this node and has one value/isnull entry per attribute.
    unsafe {
        let state = &mut *((*node).fdw_state as *mut ScanState);
        let slot = (*node).ss.ss_ScanTupleSlot;
        pg_sys::ExecClearTuple(slot);
        loop {
            if let Some(issue) = state.buffer.pop_front() {
                pg_sys::MemoryContextReset(state.row_context);
                let natts = (*(*slot).tts_tupleDescriptor).natts as usize;
                let values = std::slice::from_raw_parts_mut((*slot).tts_values, natts);
                let nulls = std::slice::from_raw_parts_mut((*slot).tts_isnull, natts);
                nulls.fill(true);
                let filled = PgMemoryContexts::For(state.row_context)
                    .switch_to(|_| fill_row(state, &issue, values, nulls));
                filled.or_raise();
                pg_sys::ExecStoreVirtualTuple(slot);
                return slot;
            }
            match wait(state.pager.next_page(&state.client)) {
                Some(page) => state.buffer.extend(page),
                None => return slot,
            }
        }
    }
}

fn fill_row(
    state: &ScanState,
    issue: &Value,
    values: &mut [pg_sys::Datum],
    nulls: &mut [bool],
) -> Result<()> {
    for (index, column) in &state.columns {
        let cell = match column.source {
            Source::Json(read) => read(issue)?,
            Source::Jql => match &state.plan.jql_echo {
                Some(text) => crate::catalog::Cell::Text(text.clone()),
                None => crate::catalog::Cell::Null,
            },
        };
        if let Some(datum) = to_datum(cell, column.name)? {
            values[*index] = datum;
            nulls[*index] = false;
        }
    }
    Ok(())
}

/// ReScanForeignScan: start over from the first page.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn rescan_foreign_scan(node: *mut pg_sys::ForeignScanState) {
    // SAFETY: fdw_state is ours (set in begin_foreign_scan).
    unsafe {
        let state = &mut *((*node).fdw_state as *mut ScanState);
        state.buffer.clear();
        state.pager.restart();
    }
}

/// EndForeignScan: drop the buffered page now; the state itself goes with the query's context.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn end_foreign_scan(node: *mut pg_sys::ForeignScanState) {
    // SAFETY: fdw_state is ours or null (EXPLAIN without ANALYZE).
    unsafe {
        let state = (*node).fdw_state as *mut ScanState;
        if !state.is_null() {
            (*state).buffer = VecDeque::new();
        }
    }
}
