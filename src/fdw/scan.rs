//! Executor callbacks: rows stream from Jira one page at a time as the executor pulls them.

use std::collections::VecDeque;
use std::rc::Rc;

use pgrx::{pg_sys, PgMemoryContexts};
use serde_json::Value;

use super::datum::to_datum;
use super::interrupt::wait;
use super::nodes::list_ptrs;
use super::plan::{decode, PlanData};
use super::report::OrRaise;
use super::table;
use super::values::value;
use crate::catalog::{Cell, Column, Entity, Source};
use crate::error::{Error, Result};
use crate::jira::endpoints::Deployment;
use crate::jira::{Client, Pager};
use crate::jql::{self, Arg, Resolved, Scalar, Strategy};

/// Per-scan state, owned by the executor's query memory context.
pub struct ScanState {
    /// What the planner decided.
    pub plan: PlanData,
    entity: Entity,
    client: Rc<Client>,
    page_size: u32,
    /// Where the scan stands; `None` until the first row is asked for, because parameters
    /// from an outer plan are only set then.
    pub pager: Option<Pager>,
    /// Requests of earlier rescans, for EXPLAIN ANALYZE.
    pub past_requests: u64,
    buffer: VecDeque<Value>,
    /// `(attribute index, column)` for each attribute the query reads.
    columns: Vec<(usize, &'static Column)>,
    /// Holds the current row's datums; reset before the next row.
    row_context: pg_sys::MemoryContext,
    /// The runtime operands' states and types (`Arg::Runtime(i)` is the i-th).
    operands: Vec<(*mut pg_sys::ExprState, pg_sys::Oid)>,
    /// The value echoed in the `jql` column.
    jql_echo: Option<String>,
    /// Parents read at once by per-parent listings.
    concurrency: usize,
}

impl ScanState {
    /// Evaluates the runtime operands and builds the pager for them.
    ///
    /// # Safety
    /// `econtext` must be the scan node's expression context.
    unsafe fn start(&mut self, econtext: *mut pg_sys::ExprContext) -> Result<()> {
        let mut values = Vec::with_capacity(self.operands.len());
        for (state, type_oid) in &self.operands {
            let mut isnull = false;
            // SAFETY: the ExprState was built by ExecInitExprList for this node; the result is
            // converted to owned values before the per-tuple memory is reset.
            let v = unsafe {
                let datum = pg_sys::ExecEvalExpr(*state, econtext, &mut isnull);
                value(datum, isnull, *type_oid)
            };
            values.push(v.ok_or_else(|| {
                Error::Internal("a pushed-down operand has an unsupported type".into())
            })?);
        }
        // SAFETY: as above.
        unsafe { pg_sys::MemoryContextReset((*econtext).ecxt_per_tuple_memory) };
        let resolve = |arg: &Arg| match arg {
            Arg::Known(v) => Resolved::Value(v.clone()),
            Arg::Runtime(i) => Resolved::Value(values.get(*i).cloned().unwrap_or(jql::Value::Null)),
        };
        let scan = &self.plan.scan;
        self.jql_echo = match scan.jql_echo.as_ref().map(resolve) {
            Some(Resolved::Value(jql::Value::One(Scalar::Text(t)))) => Some(t),
            _ => None,
        };
        let strategy: Strategy = scan.strategy(self.entity, &resolve)?;
        let deployment = wait(self.client.deployment());
        if !self.entity.listing().available_on(deployment) {
            return Err(Error::Definition {
                message: format!(
                    "the Jira entity \"{}\" is not read from Jira {} yet",
                    self.entity.name(),
                    deployment.name()
                ),
                hint: Some(format!(
                    "Entities read there: {}. If the site is Cloud, set the server option deployment 'cloud'.",
                    Entity::all()
                        .filter(|e| e.listing().available_on(deployment))
                        .map(Entity::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            });
        }
        let max_results = match scan.limit {
            Some(limit) => self.page_size.min(limit.clamp(1, u32::MAX as u64) as u32),
            None => self.page_size,
        };
        self.pager = Some(
            Pager::new(strategy, self.plan.fields.clone(), max_results)
                .with_concurrency(self.concurrency),
        );
        self.buffer.clear();
        Ok(())
    }

    /// The deployment the scan's client found, once it started.
    pub fn deployment(&self) -> Option<Deployment> {
        self.client.known_deployment()
    }

    /// Requests made by this scan, rescans included.
    pub fn requests(&self) -> u64 {
        self.past_requests + self.pager.as_ref().map_or(0, Pager::requests)
    }
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
        let foreign_scan = (*node).ss.ps.plan as *mut pg_sys::ForeignScan;
        let plan = decode(foreign_scan).or_raise();
        let relid = (*(*node).ss.ss_currentRelation).rd_id;
        #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
        let check_as_user = {
            let rtes = pgrx::PgList::<pg_sys::RangeTblEntry>::from_pg(
                (*(*node).ss.ps.state).es_range_table,
            );
            ((*foreign_scan).scan.scanrelid as usize)
                .checked_sub(1)
                .and_then(|i| rtes.get_ptr(i))
                .map_or(pg_sys::InvalidOid, |rte| (*rte).checkAsUser)
        };
        #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
        let check_as_user = (*foreign_scan).checkAsUser;
        let def = table::load(relid, table::scan_user(check_as_user)).or_raise();
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
        let exprs = (*foreign_scan).fdw_exprs;
        let types = list_ptrs(exprs)
            .into_iter()
            .map(|e| pg_sys::exprType(e as *const pg_sys::Node));
        let states = list_ptrs(pg_sys::ExecInitExprList(
            exprs,
            node as *mut pg_sys::PlanState,
        ));
        let operands = states
            .into_iter()
            .map(|s| s as *mut pg_sys::ExprState)
            .zip(types)
            .collect();
        // A child of the per-query context, deleted with it.
        let row_context = pg_sys::AllocSetContextCreateExtended(
            pg_sys::CurrentMemoryContext,
            c"jira_fdw row".as_ptr(),
            pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
        );
        let state = ScanState {
            pager: None,
            plan,
            entity: def.entity,
            client,
            page_size: config.page_size,
            past_requests: 0,
            buffer: VecDeque::new(),
            columns,
            row_context,
            operands,
            jql_echo: None,
            concurrency: config.max_concurrency as usize,
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
            if state.pager.is_none() {
                state.start((*node).ss.ps.ps_ExprContext).or_raise();
            }
            let Some(pager) = state.pager.as_mut() else {
                return slot;
            };
            match wait(pager.next_page(&state.client)) {
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
        let cell = match (column.source, &state.jql_echo) {
            (Source::Jql, Some(text)) => Cell::Text(text.clone()),
            _ => column.read(issue)?,
        };
        if let Some(datum) = to_datum(cell, column.name)? {
            values[*index] = datum;
            nulls[*index] = false;
        }
    }
    Ok(())
}

/// ReScanForeignScan: start over; with new parameter values (a nested loop's next outer row)
/// the request is rebuilt.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn rescan_foreign_scan(node: *mut pg_sys::ForeignScanState) {
    // SAFETY: fdw_state is ours (set in begin_foreign_scan).
    unsafe {
        let state = &mut *((*node).fdw_state as *mut ScanState);
        state.buffer.clear();
        match state.pager.as_mut() {
            Some(pager) if (*node).ss.ps.chgParam.is_null() => pager.restart(),
            _ => {
                state.past_requests = state.requests();
                state.pager = None;
            }
        }
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
