//! EXPLAIN: what is sent to Jira, so plans can be read and pinned in tests.

use std::ffi::CString;

use pgrx::pg_sys;

use super::plan::decode;
use super::report::OrRaise;
use super::scan::ScanState;
use crate::jira::Strategy;

fn property(label: &str, value: &str, es: *mut pg_sys::ExplainState) {
    // Labels are literals and values never contain NUL (they come from SQL text).
    let label = CString::new(label).unwrap_or_default();
    let value = CString::new(value.replace('\0', "")).unwrap_or_default();
    // SAFETY: es is the ExplainState passed to the callback; the strings outlive the call.
    unsafe { pg_sys::ExplainPropertyText(label.as_ptr(), value.as_ptr(), es) };
}

/// ExplainForeignScan: the strategy, the JQL or keys, and the fields requested.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn explain_foreign_scan(
    node: *mut pg_sys::ForeignScanState,
    es: *mut pg_sys::ExplainState,
) {
    // SAFETY: the plan node is our ForeignScan; fdw_state is ours or null.
    unsafe {
        let data = decode((*node).ss.ps.plan as *mut pg_sys::ForeignScan).or_raise();
        match &data.strategy {
            Strategy::Search { jql } => {
                property("Jira Strategy", "search/jql", es);
                property("Jira JQL", jql, es);
            }
            Strategy::Keys { keys } => {
                property("Jira Strategy", "issue/bulkfetch", es);
                property("Jira Keys", &keys.join(", "), es);
            }
        }
        property("Jira Fields", &data.fields.join(", "), es);
        let state = (*node).fdw_state as *const ScanState;
        if (*es).analyze && !state.is_null() {
            let label = c"Jira Requests";
            pg_sys::ExplainPropertyInteger(
                label.as_ptr(),
                std::ptr::null(),
                (*state).pager.requests() as i64,
                es,
            );
        }
    }
}
