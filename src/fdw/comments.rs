//! Column comments for imported tables. ImportForeignSchema may only return CREATE FOREIGN
//! TABLE statements, so the import leaves the comments here and a ProcessUtility hook writes
//! them as Postgres runs each of those statements (a subcommand of the IMPORT).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::sync::OnceLock;

use pgrx::pg_sys;

/// The comments of the import being run: its server, and per table name each column's.
struct Pending {
    server: String,
    tables: HashMap<String, Vec<(String, String)>>,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// The hook that was installed before ours (another extension's), called in our place.
static PREVIOUS: OnceLock<pg_sys::ProcessUtility_hook_type> = OnceLock::new();

/// Forgets what an earlier import left and remembers the comments of this one's tables.
pub fn expect(server: &str, tables: HashMap<String, Vec<(String, String)>>) {
    PENDING.with(|p| {
        *p.borrow_mut() = Some(Pending {
            server: server.to_string(),
            tables,
        })
    });
}

/// The comments for a table the import of `server` creates, taken out so they are written once.
fn take(server: &str, table: &str) -> Option<Vec<(String, String)>> {
    PENDING.with(|p| {
        let mut pending = p.borrow_mut();
        let pending = pending.as_mut().filter(|p| p.server == server)?;
        pending.tables.remove(table)
    })
}

/// Installs the hook; called once, from `_PG_init`.
pub fn install() {
    // SAFETY: _PG_init runs once per backend, single-threaded, before any statement of ours;
    // the previous hook is kept and called, as the hook protocol requires.
    unsafe {
        if PREVIOUS.set(pg_sys::ProcessUtility_hook).is_ok() {
            pg_sys::ProcessUtility_hook = Some(process_utility);
        }
    }
}

/// Runs the statement, then comments the columns of a table an import of ours just created.
#[cfg(not(feature = "pg13"))]
#[pgrx::pg_guard]
#[allow(clippy::too_many_arguments)]
unsafe extern "C-unwind" fn process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query: *const std::ffi::c_char,
    read_only_tree: bool,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: the arguments are Postgres' own, passed on unchanged. The previous hook is C
    // (another extension's) and may raise an ERROR: pg_guard_ffi_boundary catches its longjmp
    // and turns it into a Rust panic that pg_guard re-raises, so no Rust frame is jumped over.
    // The closure holds no values with destructors.
    unsafe {
        match PREVIOUS.get().copied().flatten() {
            Some(previous) => pg_sys::ffi::pg_guard_ffi_boundary(|| {
                previous(pstmt, query, read_only_tree, context, params, env, dest, qc)
            }),
            None => pg_sys::standard_ProcessUtility(
                pstmt,
                query,
                read_only_tree,
                context,
                params,
                env,
                dest,
                qc,
            ),
        }
        comment_created_table(pstmt, context);
    }
}

/// Postgres 13's hook has no `readOnlyTree`.
#[cfg(feature = "pg13")]
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query: *const std::ffi::c_char,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: as in the hook above: the previous hook's ERROR is caught at the boundary.
    unsafe {
        match PREVIOUS.get().copied().flatten() {
            Some(previous) => pg_sys::ffi::pg_guard_ffi_boundary(|| {
                previous(pstmt, query, context, params, env, dest, qc)
            }),
            None => pg_sys::standard_ProcessUtility(pstmt, query, context, params, env, dest, qc),
        }
        comment_created_table(pstmt, context);
    }
}

/// Writes the pending comments of the table a CREATE FOREIGN TABLE subcommand just created.
///
/// # Safety
/// `pstmt` must be the statement that just ran.
unsafe fn comment_created_table(
    pstmt: *mut pg_sys::PlannedStmt,
    context: pg_sys::ProcessUtilityContext::Type,
) {
    if context != pg_sys::ProcessUtilityContext::PROCESS_UTILITY_SUBCOMMAND {
        return;
    }
    // SAFETY: the statement node is read only when its tag says it is a
    // CreateForeignTableStmt, whose strings are NUL-terminated; the table exists now, so its
    // attributes can be looked up and commented in this transaction.
    unsafe {
        let node = (*pstmt).utilityStmt;
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_CreateForeignTableStmt {
            return;
        }
        let stmt = node as *mut pg_sys::CreateForeignTableStmt;
        let relation = (*stmt).base.relation;
        if (*stmt).servername.is_null() || relation.is_null() || (*relation).relname.is_null() {
            return;
        }
        let server = CStr::from_ptr((*stmt).servername).to_string_lossy();
        let table = CStr::from_ptr((*relation).relname).to_string_lossy();
        let Some(columns) = take(&server, &table) else {
            return;
        };
        let relid = pg_sys::RangeVarGetRelidExtended(
            relation,
            pg_sys::NoLock as pg_sys::LOCKMODE,
            0,
            None,
            std::ptr::null_mut(),
        );
        for (column, comment) in columns {
            let (Ok(column), Ok(comment)) = (CString::new(column), CString::new(comment)) else {
                continue;
            };
            let attnum = pg_sys::get_attnum(relid, column.as_ptr());
            if attnum > 0 {
                pg_sys::CreateComments(
                    relid,
                    pg_sys::RelationRelationId,
                    attnum as i32,
                    comment.as_ptr(),
                );
            }
        }
    }
}
