//! INSERT, UPDATE and DELETE: postgres_fdw's modify callbacks, thin over the core's encoding
//! ([`crate::catalog::change`]) and the client's change requests. Jira has no transactions:
//! each row is sent when it is processed, and what Jira kept is listed in a WARNING when the
//! transaction or savepoint that sent it rolls back (see [`ledger`]).

use std::ffi::{c_int, CStr};
use std::rc::Rc;

use pgrx::{pg_sys, FromDatum, PgMemoryContexts};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::datum::to_datum;
use super::interrupt::{wait, wait_result};
use super::nodes::datum_to_string;
use super::plan::{json_const, json_of};
use super::report::{raise, OrRaise};
use super::table::{self, TableDef};
use super::values::value;
use crate::catalog::{self, fields_for, Column, Entity, Rule, Write, Writes};
use crate::error::{Error, Result};
use crate::jira::endpoints::{self, Deployment};
use crate::jira::{issues_by_ids, segment, Client};
use crate::jql;

/// The junk column that carries the row identity (the issue's id or key) to UPDATE and DELETE.
const IDENTITY: &CStr = c"jira_fdw_identity";
/// The junk column that carries a child row's parent (a comment's issue key).
const PARENT: &CStr = c"jira_fdw_parent";
/// The junk column that carries an issue's key beside its id, for what the ledger says.
const KEY: &CStr = c"jira_fdw_key";

/// The statement a modification runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Operation {
    Insert,
    Update,
    Delete,
}

impl Operation {
    /// The operation of a ModifyTable (the executor calls the FDW for these three only).
    fn of(command: pg_sys::CmdType::Type) -> Operation {
        match command {
            pg_sys::CmdType::CMD_INSERT => Operation::Insert,
            pg_sys::CmdType::CMD_UPDATE => Operation::Update,
            _ => Operation::Delete,
        }
    }
}

/// What the planner decided for a modification, kept in the plan's `fdw_private`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ModifyPlan {
    /// The statement.
    operation: Operation,
    /// Attribute numbers (1-based) whose values are sent: the columns an INSERT gives or an
    /// UPDATE sets.
    attnums: Vec<usize>,
    /// Whether RETURNING needs the changed row read back.
    returning: bool,
    /// Whether a status column is written (a transition follows).
    status: bool,
    /// The deployment known when planning, for EXPLAIN.
    deployment: Option<String>,
}

/// The state of one modification, owned by the query's memory context.
struct ModifyState {
    plan: ModifyPlan,
    def: TableDef,
    client: Rc<Client>,
    /// `(attribute index, column)` of each value sent.
    columns: Vec<(usize, &'static Column)>,
    /// Where the entity's rows are changed.
    writes: Writes,
    /// The junk attribute of the row identity in the plan's slot (UPDATE, DELETE).
    identity: pg_sys::AttrNumber,
    /// The junk attribute of a child row's parent (UPDATE, DELETE of children).
    parent: pg_sys::AttrNumber,
    /// The junk attribute of an issue's key, when the id identifies it.
    key: pg_sys::AttrNumber,
    /// The type of the parent column (a key's text, a board's id).
    parent_type: pg_sys::Oid,
    /// Whether the identity is the numeric id (else the key).
    identity_is_id: bool,
    delete_subtasks: bool,
    /// Issues per bulk create (1: one create per row).
    batch_size: u32,
    /// Rows sent so far by this statement, to number a failed row.
    rows: std::cell::Cell<usize>,
    /// Requests made, for EXPLAIN ANALYZE.
    requests: std::cell::Cell<u64>,
}

/// The attribute index of the table's row identity: the issue's `id` (else its `key`), the
/// column the entity's writes name for others; and whether it is a numeric id.
fn identity_of(def: &TableDef) -> Option<(usize, bool)> {
    let find = |rule: Rule| {
        def.columns
            .iter()
            .position(|c| c.is_some_and(|c| c.rule == rule))
    };
    if def.entity == Entity::Issues {
        return find(Rule::Id)
            .map(|i| (i, true))
            .or_else(|| find(Rule::Key).map(|i| (i, false)));
    }
    let name = def.entity.writes()?.identity;
    def.columns
        .iter()
        .position(|c| c.is_some_and(|c| c.name == name))
        .map(|i| {
            let numeric = def.columns[i].is_some_and(|c| c.ty == catalog::PgType::Int8);
            (i, numeric)
        })
}

/// The attribute index of the table's parent column (a comment's `issue_key`, a version's
/// `project_key`, a sprint's `board_id`).
fn parent_of(def: &TableDef) -> Option<usize> {
    def.columns
        .iter()
        .position(|c| c.is_some_and(|c| c.rule == Rule::Parent))
}

/// Whether the entity's rows belong to a parent (their paths name it).
fn is_child(entity: Entity) -> bool {
    entity
        .writes()
        .is_some_and(|w| w.one.shown(None).contains("{}"))
}

/// The entities rows can be written to, for messages.
fn writable_entities() -> String {
    Entity::all()
        .filter(|e| e.writes().is_some())
        .map(Entity::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the table's writable columns, for messages.
fn writable(def: &TableDef) -> String {
    let names: Vec<&str> = def
        .columns
        .iter()
        .flatten()
        .filter(|c| c.writer() != Write::No)
        .map(|c| c.name)
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Refuses what cannot be written, before anything is sent: other entities, statements the
/// entity's rows do not take, RETURNING where Jira's answer does not name the row, `read_only`
/// tables, read-only columns. Returns where the entity's rows are changed.
fn check(
    def: &TableDef,
    read_only: bool,
    operation: Operation,
    returning: bool,
    attnums: &[usize],
) -> Result<Writes> {
    let name = def.entity.name();
    let Some(writes) = def.entity.writes() else {
        return Err(Error::Definition {
            message: format!("the Jira entity \"{name}\" cannot be changed from SQL"),
            hint: Some(format!(
                "INSERT, UPDATE and DELETE work on tables of: {}.",
                writable_entities()
            )),
        });
    };
    if operation == Operation::Insert && !writes.inserts {
        return Err(Error::Definition {
            message: format!("rows of Jira's {name} are not created with INSERT"),
            hint: Some(
                "Upload a file with jira_fdw.add_attachment(server, issue_key, filename, content)."
                    .into(),
            ),
        });
    }
    if operation == Operation::Update && !writes.edits {
        return Err(Error::Definition {
            message: format!("Jira's {name} cannot be edited, only added and deleted"),
            hint: Some("DELETE the row and INSERT the one you want.".into()),
        });
    }
    if returning && !writes.answers_id && operation != Operation::Delete {
        return Err(Error::Definition {
            message: format!("RETURNING is not available for {name}"),
            hint: Some(
                "Jira's answer to a create does not name the row; SELECT it afterwards.".into(),
            ),
        });
    }
    if read_only {
        return Err(Error::Definition {
            message: "the foreign table is read-only (option read_only)".into(),
            hint: Some("Nothing was sent to Jira. Set read_only 'false' on the server or table to allow changes.".into()),
        });
    }
    for &attnum in attnums {
        if let Some(Some(column)) = def.columns.get(attnum - 1) {
            if column.writer() == Write::No {
                return Err(Error::InvalidParameter {
                    message: format!(
                        "column \"{}\" of Jira's {} cannot be written",
                        column.name,
                        def.entity.name()
                    ),
                    hint: format!("Writable columns: {}.", writable(def)),
                });
            }
        }
    }
    Ok(writes)
}

/// The attribute numbers in a column bitmapset of a range table entry.
///
/// # Safety
/// `set` must be null or a valid Bitmapset.
unsafe fn attnums_of(set: *const pg_sys::Bitmapset) -> Vec<usize> {
    let mut out = Vec::new();
    let mut member = -1;
    loop {
        // SAFETY: guaranteed by the caller; bms_next_member only reads the set.
        member = unsafe { pg_sys::bms_next_member(set, member) };
        if member < 0 {
            return out;
        }
        let attnum = member + pg_sys::FirstLowInvalidHeapAttributeNumber;
        if attnum > 0 {
            out.push(attnum as usize);
        }
    }
}

/// The columns an INSERT gives or an UPDATE sets, from the planner's range table entry.
///
/// # Safety
/// `root` and `rte` must be the planner's, for the statement being planned.
unsafe fn target_attnums(
    root: *mut pg_sys::PlannerInfo,
    rte: *mut pg_sys::RangeTblEntry,
    operation: pg_sys::CmdType::Type,
) -> Vec<usize> {
    // SAFETY: guaranteed by the caller.
    unsafe {
        #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
        let (inserted, updated) = {
            let _ = root;
            ((*rte).insertedCols, (*rte).updatedCols)
        };
        #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
        let (inserted, updated) = {
            let perminfo = pg_sys::getRTEPermissionInfo((*(*root).parse).rteperminfos, rte);
            ((*perminfo).insertedCols, (*perminfo).updatedCols)
        };
        match operation {
            pg_sys::CmdType::CMD_INSERT => attnums_of(inserted),
            pg_sys::CmdType::CMD_UPDATE => attnums_of(updated),
            _ => Vec::new(),
        }
    }
}

/// IsForeignRelUpdatable: issues tables take INSERT, UPDATE and DELETE (what cannot be
/// written is refused with a reason when planning).
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn is_foreign_rel_updatable(_rel: pg_sys::Relation) -> c_int {
    ((1 << pg_sys::CmdType::CMD_INSERT)
        | (1 << pg_sys::CmdType::CMD_UPDATE)
        | (1 << pg_sys::CmdType::CMD_DELETE)) as c_int
}

/// The Vars of the table's row identity for UPDATE and DELETE, each with its junk name: the
/// row's id (or an issue's key), and a child's parent.
///
/// # Safety
/// `relation` must be the open target relation.
unsafe fn identity_vars(
    rtindex: pg_sys::Index,
    relation: pg_sys::Relation,
) -> Vec<(*mut pg_sys::Var, &'static CStr)> {
    // SAFETY: guaranteed by the caller; attrs has natts entries.
    unsafe {
        let relid = (*relation).rd_id;
        let def = table::load(relid, table::current_user()).or_raise();
        let Some((index, _)) = identity_of(&def) else {
            raise(Error::Definition {
                message: format!(
                    "UPDATE and DELETE on a Jira {} table need its id column",
                    def.entity.name()
                ),
                hint: Some("ALTER FOREIGN TABLE ... ADD COLUMN id bigint".into()),
            })
        };
        let mut out = vec![(index, IDENTITY)];
        let key = def
            .columns
            .iter()
            .position(|c| c.is_some_and(|c| c.rule == Rule::Key));
        if let Some(key) = key.filter(|k| *k != index) {
            out.push((key, KEY));
        }
        // The parent travels with the row when the table has it (RETURNING reads it back);
        // a child's paths need it.
        match parent_of(&def) {
            Some(parent) => out.push((parent, PARENT)),
            None if is_child(def.entity) => raise(Error::Definition {
                message: format!(
                    "UPDATE and DELETE on a Jira {} table need its parent column",
                    def.entity.name()
                ),
                hint: Some("ALTER FOREIGN TABLE ... ADD COLUMN issue_key text".into()),
            }),
            None => {}
        }
        out.into_iter()
            .map(|(index, name)| {
                let attr = (*(*relation).rd_att).attrs.as_ptr().add(index);
                let var = pg_sys::makeVar(
                    rtindex as _,
                    (index + 1) as pg_sys::AttrNumber,
                    (*attr).atttypid,
                    (*attr).atttypmod,
                    (*attr).attcollation,
                    0,
                );
                (var, name)
            })
            .collect()
    }
}

/// AddForeignUpdateTargets: the issue's id (or key) identifies the row to change.
#[cfg(not(feature = "pg13"))]
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn add_foreign_update_targets(
    root: *mut pg_sys::PlannerInfo,
    rtindex: pg_sys::Index,
    _target_rte: *mut pg_sys::RangeTblEntry,
    target_relation: pg_sys::Relation,
) {
    // SAFETY: the planner passes its own structures; the name is a static C string, which
    // add_row_identity_var keeps by pointer (as postgres_fdw's "ctid" literal).
    unsafe {
        for (var, name) in identity_vars(rtindex, target_relation) {
            pg_sys::add_row_identity_var(root, var, rtindex, name.as_ptr());
        }
    }
}

/// AddForeignUpdateTargets (PostgreSQL 13): a junk target entry holds the row identity.
#[cfg(feature = "pg13")]
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn add_foreign_update_targets(
    parsetree: *mut pg_sys::Query,
    target_rte: *mut pg_sys::RangeTblEntry,
    target_relation: pg_sys::Relation,
) {
    // SAFETY: the rewriter passes its query; the entries are appended to its target list.
    unsafe {
        let _ = target_rte;
        let rtindex = (*parsetree).resultRelation as pg_sys::Index;
        for (var, name) in identity_vars(rtindex, target_relation) {
            let position =
                pgrx::PgList::<pg_sys::TargetEntry>::from_pg((*parsetree).targetList).len();
            let entry = pg_sys::makeTargetEntry(
                var as *mut pg_sys::Expr,
                (position + 1) as pg_sys::AttrNumber,
                pg_sys::pstrdup(name.as_ptr()),
                true,
            );
            (*parsetree).targetList =
                pg_sys::lappend((*parsetree).targetList, entry as *mut std::ffi::c_void);
        }
    }
}

/// PlanForeignModify: checks what is written and keeps it in the plan.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn plan_foreign_modify(
    root: *mut pg_sys::PlannerInfo,
    plan: *mut pg_sys::ModifyTable,
    result_relation: pg_sys::Index,
    subplan_index: c_int,
) -> *mut pg_sys::List {
    // SAFETY: the planner passes its structures; simple_rte_array has an entry for every
    // range table index; returningLists has one entry per result relation when not null.
    unsafe {
        let rte = *(*root).simple_rte_array.add(result_relation as usize);
        let operation = (*plan).operation;
        let def = table::load((*rte).relid, table::current_user()).or_raise();
        let config = table::connection_config(&def).or_raise();
        let attnums = target_attnums(root, rte, operation);
        let returning = !(*plan).returningLists.is_null()
            && !pg_sys::list_nth((*plan).returningLists, subplan_index).is_null();
        check(
            &def,
            config.read_only,
            Operation::of(operation),
            returning,
            &attnums,
        )
        .or_raise();
        let deployment = config.deployment.or_else(|| {
            Client::shared(&config)
                .ok()
                .and_then(|c| c.known_deployment())
        });
        let status = attnums.iter().any(|a| {
            def.columns
                .get(a - 1)
                .copied()
                .flatten()
                .is_some_and(|c| matches!(c.writer(), Write::Status { .. }))
        });
        let data = ModifyPlan {
            status,
            operation: Operation::of(operation),
            attnums,
            returning,
            deployment: deployment.map(|d| d.keyword().to_string()),
        };
        let json = serde_json::to_string(&data)
            .map_err(|e| Error::Internal(format!("cannot serialize the modify plan: {e}")))
            .or_raise();
        json_const(json)
    }
}

/// The plan kept by [`plan_foreign_modify`].
///
/// # Safety
/// `fdw_private` must be the list plan_foreign_modify returned.
unsafe fn decode(fdw_private: *mut pg_sys::List) -> Result<ModifyPlan> {
    // SAFETY: guaranteed by the caller.
    let json = unsafe { json_of(fdw_private) }
        .ok_or_else(|| Error::Internal("the modify plan is missing".into()))?;
    serde_json::from_str(&json)
        .map_err(|e| Error::Internal(format!("the modify plan is unreadable: {e}")))
}

/// BeginForeignModify: the client, the columns sent and where the row identity is.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn begin_foreign_modify(
    mtstate: *mut pg_sys::ModifyTableState,
    rinfo: *mut pg_sys::ResultRelInfo,
    fdw_private: *mut pg_sys::List,
    _subplan_index: c_int,
    eflags: c_int,
) {
    if eflags as u32 & pg_sys::EXEC_FLAG_EXPLAIN_ONLY != 0 {
        return;
    }
    // SAFETY: the executor passes its states; the relation is open; the subplan's target list
    // holds the junk identity column added by add_foreign_update_targets for UPDATE/DELETE; the
    // state is leaked into the per-query memory context and dropped with it.
    unsafe {
        let plan = decode(fdw_private).or_raise();
        let estate = (*mtstate).ps.state;
        let relid = (*(*rinfo).ri_RelationDesc).rd_id;
        #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
        let user = {
            let rte = pg_sys::exec_rt_fetch((*rinfo).ri_RangeTableIndex, estate);
            table::scan_user((*rte).checkAsUser)
        };
        #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
        let user = table::scan_user(pg_sys::ExecGetResultRelCheckAsUser(rinfo, estate));
        let def = table::load(relid, user).or_raise();
        let config = table::connection_config(&def).or_raise();
        let writes = check(
            &def,
            config.read_only,
            plan.operation,
            plan.returning,
            &plan.attnums,
        )
        .or_raise();
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
        let (identity, parent, key, identity_is_id) = if plan.operation == Operation::Insert {
            (0, 0, 0, false)
        } else {
            #[cfg(feature = "pg13")]
            let subplan = *(*mtstate).mt_plans;
            #[cfg(not(feature = "pg13"))]
            let subplan = (*mtstate).ps.lefttree;
            let tlist = (*(*subplan).plan).targetlist;
            let attno = pg_sys::ExecFindJunkAttributeInTlist(tlist, IDENTITY.as_ptr());
            let parent = pg_sys::ExecFindJunkAttributeInTlist(tlist, PARENT.as_ptr());
            let key = pg_sys::ExecFindJunkAttributeInTlist(tlist, KEY.as_ptr());
            let is_id = identity_of(&def).is_some_and(|(_, is_id)| is_id);
            (attno, parent, key, is_id)
        };
        let parent_type = parent_of(&def)
            .and_then(|i| def.columns[i])
            .map_or(pg_sys::TEXTOID, |c| table::type_oid(c.ty));
        let state = ModifyState {
            plan,
            def,
            client,
            columns,
            writes,
            identity,
            parent,
            key,
            parent_type,
            identity_is_id,
            delete_subtasks: config.delete_subtasks,
            batch_size: config.batch_size,
            rows: std::cell::Cell::new(0),
            requests: std::cell::Cell::new(0),
        };
        let stored = PgMemoryContexts::CurrentMemoryContext.leak_and_drop_on_delete(state);
        (*rinfo).ri_FdwState = stored as *mut std::ffi::c_void;
    }
}

/// The values the row gives for the columns sent.
///
/// # Safety
/// `slot` must hold a row of the target table.
unsafe fn row_values(
    state: &ModifyState,
    slot: *mut pg_sys::TupleTableSlot,
) -> Result<Vec<(&'static Column, jql::Value)>> {
    // SAFETY: guaranteed by the caller; slot_getallattrs fills tts_values/tts_isnull for every
    // attribute, and the column's type was checked against the attribute's when loading.
    unsafe {
        pg_sys::slot_getallattrs(slot);
        let mut out = Vec::with_capacity(state.columns.len());
        for (index, column) in &state.columns {
            let datum = *(*slot).tts_values.add(*index);
            let isnull = *(*slot).tts_isnull.add(*index);
            // Booleans have no pushdown form; a writer reads them as their text.
            if column.ty == catalog::PgType::Bool {
                let v = match bool::from_datum(datum, isnull) {
                    Some(b) => jql::Value::One(jql::Scalar::Text(b.to_string())),
                    None => jql::Value::Null,
                };
                out.push((*column, v));
                continue;
            }
            let v = value(datum, isnull, table::type_oid(column.ty)).ok_or_else(|| {
                Error::InvalidParameter {
                    message: format!("column \"{}\" cannot be written", column.name),
                    hint: "Its type has no Jira form.".into(),
                }
            })?;
            out.push((*column, v));
        }
        Ok(out)
    }
}

/// The row being changed, as the executor identifies it.
struct Row {
    /// Its id (or an issue's key), as a path segment.
    id: String,
    /// A child's parent key, as a path segment.
    parent: Option<String>,
    /// What the ledger calls it: an issue's key when the id identifies it.
    shown: String,
}

/// The row being changed: its id (or an issue's key) and, for a child, its parent's key.
///
/// # Safety
/// `plan_slot` must be the row the executor passes to ExecForeignUpdate/Delete.
unsafe fn identity(state: &ModifyState, plan_slot: *mut pg_sys::TupleTableSlot) -> Result<Row> {
    // SAFETY: guaranteed by the caller; the junk attributes are of the identity column's type,
    // the parent column's type and text (an issue's key).
    let (id, parent, key) = unsafe {
        let mut isnull = false;
        let datum = pg_sys::ExecGetJunkAttribute(plan_slot, state.identity, &mut isnull);
        let id = if isnull {
            None
        } else if state.identity_is_id {
            i64::from_datum(datum, false).map(|i| i.to_string())
        } else {
            Some(datum_to_string(datum, pg_sys::TEXTOID))
        };
        let text = |attno: pg_sys::AttrNumber, type_oid: pg_sys::Oid| {
            if attno <= 0 {
                return None;
            }
            let mut isnull = false;
            let datum = pg_sys::ExecGetJunkAttribute(plan_slot, attno, &mut isnull);
            (!isnull).then(|| datum_to_string(datum, type_oid))
        };
        (
            id,
            text(state.parent, state.parent_type),
            text(state.key, pg_sys::TEXTOID),
        )
    };
    let id = id.ok_or_else(|| Error::InvalidParameter {
        message: "the row to change has no id".into(),
        hint: "Rows are changed by their id (or an issue's key).".into(),
    })?;
    Ok(Row {
        id: segment_of(&id)?,
        parent: parent.as_deref().map(segment_of).transpose()?,
        shown: key.unwrap_or(id),
    })
}

/// A key or id as one path segment; `.`, `..` and the empty string, which URL parsing would
/// resolve against the path, are refused.
fn segment_of(text: &str) -> Result<String> {
    segment(text).ok_or_else(|| Error::InvalidParameter {
        message: format!("\"{text}\" is not a Jira key or id"),
        hint: "A key or id is never empty, \".\" or \"..\".".into(),
    })
}

/// The state begin_foreign_modify left in `rinfo`.
///
/// # Safety
/// `rinfo` must be the result relation of a modification begun by begin_foreign_modify.
unsafe fn state_of<'a>(rinfo: *mut pg_sys::ResultRelInfo) -> &'a ModifyState {
    // SAFETY: guaranteed by the caller; the state lives as long as the query's memory context.
    unsafe { &*((*rinfo).ri_FdwState as *const ModifyState) }
}

impl ModifyState {
    /// The path of one existing row.
    fn row_path(&self, id: &str, parent: Option<&str>) -> String {
        self.path(self.writes.one, parent, Some(id)).or_raise()
    }

    fn deployment(&self) -> Deployment {
        wait(self.client.deployment())
    }

    /// Counts a request about to be made.
    fn count(&self, n: u64) {
        self.requests.set(self.requests.get() + n);
    }

    /// The path of `endpoint` on the site, with the row's parent and id filled in.
    fn path(
        &self,
        endpoint: endpoints::Endpoint,
        parent: Option<&str>,
        id: Option<&str>,
    ) -> Result<String> {
        let path = endpoint.on(self.deployment())?;
        if path.contains("{}") && parent.is_none() {
            return Err(Error::InvalidParameter {
                message: format!(
                    "a row of Jira's {} needs its parent (column {})",
                    self.def.entity.name(),
                    parent_of(&self.def)
                        .and_then(|i| self.def.columns[i])
                        .map_or("issue_key", |c| c.name)
                ),
                hint: "Give the key of the issue the row belongs to.".into(),
            });
        }
        Ok(endpoints::fill(path, parent, id))
    }

    /// What the ledger says of a row: an issue by its key or id, a child with its parent.
    fn describe(&self, id: &str, parent: Option<&str>) -> String {
        match parent {
            Some(parent) => format!("{} {id} of {parent}", self.def.entity.name()),
            None => id.to_string(),
        }
    }

    /// Takes the transition that leads the issue to the wanted status.
    fn transition(&self, issue: &str, (wanted, by_id): &(String, bool)) -> Result<()> {
        let path = self.path(endpoints::ISSUE_TRANSITIONS, Some(issue), None)?;
        self.count(2);
        let offered = wait(self.client.get_json(&path));
        let id = catalog::transition_to(&offered, wanted, *by_id)?;
        wait(self.client.change(
            Method::POST,
            &path,
            Some(&json!({"transition": {"id": id}})),
        ));
        Ok(())
    }

    /// Reads the row back and puts every column of the table in `slot` (RETURNING).
    ///
    /// # Safety
    /// `slot` must be a slot of the target table.
    unsafe fn read_back(
        &self,
        id: &str,
        parent: Option<&str>,
        tag: Option<&str>,
        slot: *mut pg_sys::TupleTableSlot,
    ) -> Result<()> {
        let columns: Vec<&Column> = self.def.columns.iter().flatten().copied().collect();
        let mut row = if self.def.entity == Entity::Issues {
            let fields = fields_for(&columns);
            self.count(1);
            wait(issues_by_ids(&self.client, &[id.to_string()], &fields))
                .into_iter()
                .next()
        } else {
            let path = self.path(self.writes.one, parent, Some(id))?;
            self.count(1);
            Some(wait(self.client.get_json(&path)))
        }
        .ok_or_else(|| {
            Error::Connection(format!(
                "Jira made the change but {} cannot be read back",
                self.describe(id, parent)
            ))
        })?;
        // The parent column reads the parent the row was changed under.
        if let (Json::Object(map), Some(tag)) = (&mut row, tag.or(parent)) {
            map.insert(catalog::PARENT_MEMBER.into(), Json::String(tag.to_string()));
        }
        // SAFETY: guaranteed by the caller; values and nulls have one entry per attribute,
        // and the datums are made in the current (per-tuple) memory context.
        unsafe {
            pg_sys::ExecClearTuple(slot);
            let natts = (*(*slot).tts_tupleDescriptor).natts as usize;
            let values = std::slice::from_raw_parts_mut((*slot).tts_values, natts);
            let nulls = std::slice::from_raw_parts_mut((*slot).tts_isnull, natts);
            nulls.fill(true);
            for (index, column) in self.def.columns.iter().enumerate() {
                let Some(column) = column else { continue };
                if let Some(datum) = to_datum(column.read(&row)?, column.name)? {
                    values[index] = datum;
                    nulls[index] = false;
                }
            }
            pg_sys::ExecStoreVirtualTuple(slot);
        }
        Ok(())
    }
}

/// The text of a JSON id (Jira sends ids as strings).
fn id_text(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// ExecForeignInsert: creates the row (an issue is then moved to the status given, if any).
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn exec_foreign_insert(
    _estate: *mut pg_sys::EState,
    rinfo: *mut pg_sys::ResultRelInfo,
    slot: *mut pg_sys::TupleTableSlot,
    _plan_slot: *mut pg_sys::TupleTableSlot,
) -> *mut pg_sys::TupleTableSlot {
    // SAFETY: ri_FdwState is the ModifyState of begin_foreign_modify; slot is the new row.
    unsafe {
        let state = state_of(rinfo);
        let values = row_values(state, slot).or_raise();
        let change = catalog::change(&values, state.deployment()).or_raise();
        let parent = change
            .parent
            .as_deref()
            .map(segment_of)
            .transpose()
            .or_raise();
        let path = state
            .path(state.writes.create, parent.as_deref(), None)
            .or_raise();
        state.count(1);
        let created = wait(state.client.change(
            Method::POST,
            &path,
            Some(&state.writes.body(change.fields, change.parent.as_deref())),
        ));
        let id = id_text(created.get("id"));
        if !state.writes.answers_id {
            ledger::record(format!(
                "created {} of {}",
                state.def.entity.name(),
                change.parent.as_deref().unwrap_or("?")
            ));
            return slot;
        }
        let Some(id) = id else {
            raise(Error::Connection(format!(
                "Jira's answer to a create of its {} has no id",
                state.def.entity.name()
            )))
        };
        let named = created.get("key").and_then(Json::as_str).unwrap_or(&id);
        ledger::record(format!(
            "created {}",
            state.describe(named, change.parent.as_deref())
        ));
        if let Some(status) = &change.status {
            state.transition(&id, status).or_raise();
        }
        if state.plan.returning {
            let tag = values.iter().find_map(|(c, v)| match (c.rule, v) {
                (Rule::Parent, jql::Value::One(jql::Scalar::Text(t))) => Some(t.clone()),
                (Rule::Parent, jql::Value::One(jql::Scalar::Int(i))) => Some(i.to_string()),
                _ => None,
            });
            state
                .read_back(&id, parent.as_deref(), tag.as_deref(), slot)
                .or_raise();
        }
        slot
    }
}

/// GetForeignModifyBatchSize: rows an INSERT sends per bulk create (`batch_size`, at most
/// Jira's 50); one at a time when the entity has no bulk create, or rows must be read back
/// (RETURNING) or moved to a status.
#[cfg(not(feature = "pg13"))]
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_modify_batch_size(
    rinfo: *mut pg_sys::ResultRelInfo,
) -> c_int {
    // SAFETY: ri_FdwState is null (EXPLAIN only) or the ModifyState of begin_foreign_modify.
    unsafe {
        let state = (*rinfo).ri_FdwState as *const ModifyState;
        if state.is_null()
            || (*state).writes.bulk.is_none()
            || (*state).plan.returning
            || (*state).plan.status
        {
            return 1;
        }
        (*state).batch_size.max(1) as c_int
    }
}

/// ExecForeignBatchInsert: one bulk create for the rows; when Jira refuses some, the error
/// says which rows went in and which did not.
#[cfg(not(feature = "pg13"))]
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn exec_foreign_batch_insert(
    _estate: *mut pg_sys::EState,
    rinfo: *mut pg_sys::ResultRelInfo,
    slots: *mut *mut pg_sys::TupleTableSlot,
    _plan_slots: *mut *mut pg_sys::TupleTableSlot,
    num_slots: *mut c_int,
) -> *mut *mut pg_sys::TupleTableSlot {
    // SAFETY: ri_FdwState is the ModifyState of begin_foreign_modify; slots has *num_slots
    // rows of the target table.
    unsafe {
        let state = state_of(rinfo);
        let count = (*num_slots).max(0) as usize;
        let deployment = state.deployment();
        let mut updates = Vec::with_capacity(count);
        for i in 0..count {
            let values = row_values(state, *slots.add(i)).or_raise();
            let change = catalog::change(&values, deployment).or_raise();
            updates.push(state.writes.body(change.fields, None));
        }
        let first = state.rows.get();
        state.rows.set(first + count);
        let Some(bulk) = state.writes.bulk else {
            raise(Error::Internal(
                "a batch insert without a bulk create".into(),
            ))
        };
        let path = state.path(bulk, None, None).or_raise();
        state.count(1);
        let answer = wait_result(state.client.change(
            Method::POST,
            &path,
            Some(&json!({ "issueUpdates": updates })),
        ));
        let answer = match answer {
            Ok(answer) => answer,
            // Jira answers 400 when it created none of them.
            Err(Error::Jira {
                status: 400,
                message,
                ..
            }) => raise(Error::InvalidParameter {
                message: format!(
                    "Jira created none of the INSERT's rows {}..{}: {message}",
                    first + 1,
                    first + count
                ),
                hint: "Elements are numbered from 0 within the rows named.".into(),
            }),
            Err(e) => raise(e),
        };
        let (created, failed) = catalog::bulk_outcome(&answer, count);
        for (_, key) in &created {
            ledger::record(format!("created {key}"));
        }
        if failed.is_empty() && created.len() < count {
            raise(Error::Connection(format!(
                "Jira's answer to a bulk create of {count} issues lists {} of them",
                created.len()
            )));
        }
        if !failed.is_empty() {
            let refused: Vec<String> = failed
                .iter()
                .map(|(n, m)| format!("row {}: {m}", first + n + 1))
                .collect();
            raise(Error::InvalidParameter {
                message: format!(
                    "Jira created {} of {count} issues of the INSERT's rows {}..{}; it refused {}",
                    created.len(),
                    first + 1,
                    first + count,
                    refused.join("; ")
                ),
                hint: if created.is_empty() {
                    "Nothing of these rows was created.".into()
                } else {
                    format!(
                        "Created: {}.",
                        created
                            .iter()
                            .map(|(_, k)| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            });
        }
        slots
    }
}

/// ExecForeignUpdate: edits the columns SET (only those), then takes an issue's transition
/// to a status SET.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn exec_foreign_update(
    _estate: *mut pg_sys::EState,
    rinfo: *mut pg_sys::ResultRelInfo,
    slot: *mut pg_sys::TupleTableSlot,
    plan_slot: *mut pg_sys::TupleTableSlot,
) -> *mut pg_sys::TupleTableSlot {
    // SAFETY: as in exec_foreign_insert; plan_slot carries the junk identity.
    unsafe {
        let state = state_of(rinfo);
        let Row { id, parent, shown } = identity(state, plan_slot).or_raise();
        let values = row_values(state, slot).or_raise();
        let change = catalog::change(&values, state.deployment()).or_raise();
        if change.parent.is_some() {
            raise(Error::InvalidParameter {
                message: "a row cannot move to another parent".into(),
                hint: "Delete it and insert it under the other parent.".into(),
            });
        }
        if !change.fields.is_empty() {
            let path = state.row_path(&id, parent.as_deref());
            state.count(1);
            let method = if state.writes.edits_by_post {
                Method::POST
            } else {
                Method::PUT
            };
            wait(
                state
                    .client
                    .change(method, &path, Some(&state.writes.body(change.fields, None))),
            );
            ledger::record(format!(
                "edited {}",
                state.describe(&shown, parent.as_deref())
            ));
        }
        if let Some(status) = &change.status {
            state.transition(&id, status).or_raise();
            ledger::record(format!("moved {shown} to {}", status.0));
        }
        if state.plan.returning {
            state
                .read_back(&id, parent.as_deref(), parent.as_deref(), slot)
                .or_raise();
        }
        slot
    }
}

/// ExecForeignDelete: deletes the row (an issue's sub-tasks too with `delete_subtasks`).
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn exec_foreign_delete(
    _estate: *mut pg_sys::EState,
    rinfo: *mut pg_sys::ResultRelInfo,
    slot: *mut pg_sys::TupleTableSlot,
    plan_slot: *mut pg_sys::TupleTableSlot,
) -> *mut pg_sys::TupleTableSlot {
    // SAFETY: as in exec_foreign_update.
    unsafe {
        let state = state_of(rinfo);
        let Row { id, parent, shown } = identity(state, plan_slot).or_raise();
        if state.plan.returning {
            state
                .read_back(&id, parent.as_deref(), None, slot)
                .or_raise();
        }
        let mut path = state.row_path(&id, parent.as_deref());
        if state.def.entity == Entity::Issues {
            path = format!("{path}?deleteSubtasks={}", state.delete_subtasks);
        }
        state.count(1);
        wait(state.client.change(Method::DELETE, &path, None));
        ledger::record(format!(
            "deleted {}",
            state.describe(&shown, parent.as_deref())
        ));
        slot
    }
}

/// EndForeignModify: the state goes with the query's memory context.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn end_foreign_modify(
    _estate: *mut pg_sys::EState,
    _rinfo: *mut pg_sys::ResultRelInfo,
) {
}

/// ExplainForeignModify: the Jira request each row makes; with ANALYZE, how many were made.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn explain_foreign_modify(
    _mtstate: *mut pg_sys::ModifyTableState,
    rinfo: *mut pg_sys::ResultRelInfo,
    fdw_private: *mut pg_sys::List,
    _subplan_index: c_int,
    es: *mut pg_sys::ExplainState,
) {
    // SAFETY: fdw_private is the list plan_foreign_modify returned; the relation is open.
    let (plan, relid) = unsafe {
        (
            decode(fdw_private).or_raise(),
            (*(*rinfo).ri_RelationDesc).rd_id,
        )
    };
    let def = table::load(relid, table::current_user()).or_raise();
    let Some(writes) = def.entity.writes() else {
        return;
    };
    let known = plan
        .deployment
        .as_deref()
        .and_then(|d| Deployment::parse(d).ok().flatten());
    let one = writes.one.shown(known);
    let mut requests = match plan.operation {
        Operation::Insert => vec![format!("POST {}", writes.create.shown(known))],
        Operation::Update if writes.edits_by_post => vec![format!("POST {one}")],
        Operation::Update => vec![format!("PUT {one}")],
        Operation::Delete => vec![format!("DELETE {one}")],
    };
    if plan.status {
        requests.push(format!(
            "POST {}",
            endpoints::ISSUE_TRANSITIONS.shown(known)
        ));
    }
    super::explain::property("Jira Request", &requests.join(", "), es);
    // SAFETY: es is the ExplainState; ri_FdwState is null or the ModifyState of
    // begin_foreign_modify, alive until the executor ends, after EXPLAIN printed the plan.
    unsafe {
        let state = (*rinfo).ri_FdwState as *const ModifyState;
        if (*es).analyze && !state.is_null() {
            let made = (*state).requests.get().to_string();
            super::explain::property("Jira Requests", &made, es);
        }
    }
}

/// What a transaction sent to Jira, so that a rollback can say what Jira kept.
pub mod ledger {
    use std::cell::{Cell, RefCell};

    use pgrx::pg_sys;

    /// Changes listed one by one before the rest are counted.
    const LISTED: usize = 30;

    thread_local! {
        static CHANGES: RefCell<Vec<(pg_sys::SubTransactionId, String)>> = const { RefCell::new(Vec::new()) };
        static REGISTERED: Cell<bool> = const { Cell::new(false) };
    }

    /// Notes a change Jira made, in the current (sub)transaction.
    pub fn record(change: String) {
        register();
        // SAFETY: reads the current subtransaction's id.
        let sub = unsafe { pg_sys::GetCurrentSubTransactionId() };
        CHANGES.with(|c| c.borrow_mut().push((sub, change)));
    }

    /// The WARNING's text for changes Jira kept although their transaction rolled back.
    pub fn summary(changes: &[String]) -> String {
        let mut listed: Vec<&str> = changes.iter().take(LISTED).map(String::as_str).collect();
        let more = changes.len().saturating_sub(LISTED);
        let tail = if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        };
        listed.dedup();
        format!(
            "the transaction rolled back, but Jira keeps the {} change{} it was sent: {}{tail}",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" },
            listed.join(", ")
        )
    }

    fn warn(changes: Vec<String>) {
        if changes.is_empty() {
            return;
        }
        pgrx::pg_sys::panic::ErrorReport::new(
            pgrx::PgSqlErrorCode::ERRCODE_WARNING,
            summary(&changes),
            "jira_fdw",
        )
        .set_hint("Jira has no transactions: undo these in Jira if they are unwanted.")
        .report(pgrx::PgLogLevel::WARNING);
    }

    fn register() {
        if REGISTERED.with(|r| r.replace(true)) {
            return;
        }
        // SAFETY: the callbacks are plain functions that live as long as the library.
        unsafe {
            pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
            pg_sys::RegisterSubXactCallback(Some(on_subxact), std::ptr::null_mut());
        }
    }

    #[pgrx::pg_guard]
    unsafe extern "C-unwind" fn on_xact(
        event: pg_sys::XactEvent::Type,
        _arg: *mut std::ffi::c_void,
    ) {
        match event {
            pg_sys::XactEvent::XACT_EVENT_ABORT | pg_sys::XactEvent::XACT_EVENT_PARALLEL_ABORT => {
                let changes = CHANGES.with(|c| std::mem::take(&mut *c.borrow_mut()));
                warn(changes.into_iter().map(|(_, c)| c).collect());
            }
            pg_sys::XactEvent::XACT_EVENT_COMMIT
            | pg_sys::XactEvent::XACT_EVENT_PARALLEL_COMMIT => {
                CHANGES.with(|c| c.borrow_mut().clear());
            }
            _ => {}
        }
    }

    #[pgrx::pg_guard]
    unsafe extern "C-unwind" fn on_subxact(
        event: pg_sys::SubXactEvent::Type,
        sub: pg_sys::SubTransactionId,
        parent: pg_sys::SubTransactionId,
        _arg: *mut std::ffi::c_void,
    ) {
        match event {
            pg_sys::SubXactEvent::SUBXACT_EVENT_ABORT_SUB => {
                let lost = CHANGES.with(|c| {
                    let mut c = c.borrow_mut();
                    let (lost, kept): (Vec<_>, Vec<_>) = c.drain(..).partition(|(s, _)| *s >= sub);
                    *c = kept;
                    lost
                });
                warn(lost.into_iter().map(|(_, c)| c).collect());
            }
            pg_sys::SubXactEvent::SUBXACT_EVENT_COMMIT_SUB => CHANGES.with(|c| {
                for (s, _) in c.borrow_mut().iter_mut() {
                    if *s == sub {
                        *s = parent;
                    }
                }
            }),
            _ => {}
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn long_lists_are_summarized() {
            let changes: Vec<String> = (1..=35).map(|i| format!("created OPS-{i}")).collect();
            let text = super::summary(&changes);
            assert!(text.starts_with("the transaction rolled back, but Jira keeps the 35 changes it was sent: created OPS-1, "), "{text}");
            assert!(text.ends_with("created OPS-30, and 5 more"), "{text}");
            assert_eq!(
                super::summary(&["deleted 10001".into()]),
                "the transaction rolled back, but Jira keeps the 1 change it was sent: deleted 10001"
            );
        }
    }
}
