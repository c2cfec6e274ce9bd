//! EXPLAIN: what is sent to Jira, so plans can be read and pinned in tests. Operands known only
//! at execution show as `$n`.

use std::ffi::CString;

use pgrx::pg_sys;

use super::nodes::list_ptrs;
use super::plan::{decode, shown_as};
use super::report::OrRaise;
use super::scan::ScanState;
use crate::catalog::{Entity, Listing};
use crate::jira::endpoints::{self, Deployment};
use crate::jql::Strategy;

pub(super) fn property(label: &str, value: &str, es: *mut pg_sys::ExplainState) {
    // Labels are literals and values never contain NUL (they come from SQL text).
    let label = CString::new(label).unwrap_or_default();
    let value = CString::new(value.replace('\0', "")).unwrap_or_default();
    // SAFETY: es is the ExplainState passed to the callback; the strings outlive the call.
    unsafe { pg_sys::ExplainPropertyText(label.as_ptr(), value.as_ptr(), es) };
}

/// ExplainForeignScan: the strategy, the JQL or keys, LIMIT, and the fields requested.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn explain_foreign_scan(
    node: *mut pg_sys::ForeignScanState,
    es: *mut pg_sys::ExplainState,
) {
    // SAFETY: the plan node is our ForeignScan; its relation is open; fdw_state is ours or null.
    unsafe {
        let plan = (*node).ss.ps.plan as *mut pg_sys::ForeignScan;
        let data = decode(plan).or_raise();
        let entity = Entity::parse(&data.entity).or_raise();
        let state = (*node).fdw_state as *const ScanState;
        // The deployment the scan found, else the one known when planning.
        let known = state.as_ref().and_then(ScanState::deployment).or_else(|| {
            data.deployment
                .as_deref()
                .and_then(|k| Deployment::parse(k).ok().flatten())
        });
        // Runtime operands are shown as Postgres shows expressions elsewhere in the plan.
        let labels: Vec<String> = list_ptrs((*plan).fdw_exprs)
            .into_iter()
            .map(|e| {
                let text = pg_sys::deparse_expression(
                    e as *mut pg_sys::Node,
                    (*es).deparse_cxt,
                    (*es).verbose,
                    false,
                );
                std::ffi::CStr::from_ptr(text)
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        match data.scan.strategy(entity, &shown_as(&labels)).or_raise() {
            Strategy::Search(query) => {
                let search = match known {
                    Some(Deployment::Server) => "search (each page after the last issue read)",
                    Some(Deployment::Cloud) => "search/jql",
                    None => "search/jql (Cloud) or search (Server/Data Center)",
                };
                property("Jira Strategy", search, es);
                let jql = match known {
                    Some(Deployment::Server) => crate::jira::first_server_query(query).to_jql(),
                    _ => query.to_jql(),
                };
                property(
                    "Jira JQL",
                    jql.as_deref().unwrap_or("(none: no issue can match)"),
                    es,
                );
            }
            Strategy::Keys(keys) => {
                let lookup = match known {
                    Some(Deployment::Server) => "search (key IN / id IN)",
                    _ => "issue/bulkfetch",
                };
                property("Jira Strategy", lookup, es);
                property("Jira Keys", &keys.join(", "), es);
            }
            Strategy::Listing {
                listing,
                parents,
                parent_query,
            } => match listing {
                Listing::List { path, .. } => {
                    property("Jira Strategy", &format!("GET {}", path.shown(known)), es)
                }
                Listing::PerParent {
                    path, parents: all, ..
                }
                | Listing::Nested {
                    inner: path,
                    parents: all,
                    ..
                } => {
                    property(
                        "Jira Strategy",
                        &format!("GET {} per parent", path.shown(known)),
                        es,
                    );
                    let jql = parent_query.as_ref().and_then(|q| q.to_jql());
                    let shown = match (parents, jql) {
                        (Some(p), _) => p.join(", "),
                        (None, Some(jql)) if all == crate::catalog::Parents::Issues => {
                            format!("issues of JQL {jql}")
                        }
                        (None, _) => format!("every one of {all:?}"),
                    };
                    property("Jira Parents", &shown, es);
                }
                Listing::Issues => {}
            },
            Strategy::WorklogsUpdated(since) => {
                property(
                    "Jira Strategy",
                    &format!(
                        "GET {}, POST {}",
                        endpoints::WORKLOG_UPDATED.shown(known),
                        endpoints::WORKLOG_LIST.shown(known)
                    ),
                    es,
                );
                property("Jira Updated After", &since.to_string(), es);
            }
        }
        property(
            "Jira Deployment",
            known.map_or("auto (asked when the scan starts)", Deployment::name),
            es,
        );
        if let Some(limit) = data.scan.limit {
            property("Jira Limit", &limit.to_string(), es);
        }
        if data.scan.jql {
            property("Jira Fields", &data.fields.join(", "), es);
        }
        if (*es).analyze && !state.is_null() {
            let label = c"Jira Requests";
            let requests = (*state).requests();
            pg_sys::ExplainPropertyInteger(label.as_ptr(), std::ptr::null(), requests as i64, es);
        }
    }
}
