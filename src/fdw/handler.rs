//! The FDW handler: the table of callbacks Postgres calls.

use pgrx::prelude::*;
use pgrx::{pg_sys, PgBox};

use super::{explain, import, modify, plan, scan};

/// Returns the FdwRoutine of jira_fdw.
#[pg_extern(create_or_replace)]
fn jira_fdw_handler() -> PgBox<pg_sys::FdwRoutine> {
    // SAFETY: alloc_node returns a zeroed FdwRoutine node in the current memory context, which
    // Postgres copies into its cache; every callback is a #[pg_guard] function.
    unsafe {
        let mut routine = PgBox::<pg_sys::FdwRoutine>::alloc_node(pg_sys::NodeTag::T_FdwRoutine);
        routine.GetForeignRelSize = Some(plan::get_foreign_rel_size);
        routine.GetForeignPaths = Some(plan::get_foreign_paths);
        routine.GetForeignPlan = Some(plan::get_foreign_plan);
        routine.BeginForeignScan = Some(scan::begin_foreign_scan);
        routine.IterateForeignScan = Some(scan::iterate_foreign_scan);
        routine.ReScanForeignScan = Some(scan::rescan_foreign_scan);
        routine.EndForeignScan = Some(scan::end_foreign_scan);
        routine.ExplainForeignScan = Some(explain::explain_foreign_scan);
        routine.ImportForeignSchema = Some(import::import_foreign_schema);
        routine.IsForeignRelUpdatable = Some(modify::is_foreign_rel_updatable);
        routine.AddForeignUpdateTargets = Some(modify::add_foreign_update_targets);
        routine.PlanForeignModify = Some(modify::plan_foreign_modify);
        routine.BeginForeignModify = Some(modify::begin_foreign_modify);
        routine.ExecForeignInsert = Some(modify::exec_foreign_insert);
        #[cfg(not(feature = "pg13"))]
        {
            routine.GetForeignModifyBatchSize = Some(modify::get_foreign_modify_batch_size);
            routine.ExecForeignBatchInsert = Some(modify::exec_foreign_batch_insert);
        }
        routine.ExecForeignUpdate = Some(modify::exec_foreign_update);
        routine.ExecForeignDelete = Some(modify::exec_foreign_delete);
        routine.EndForeignModify = Some(modify::end_foreign_modify);
        routine.ExplainForeignModify = Some(modify::explain_foreign_modify);
        routine.into_pg_boxed()
    }
}
