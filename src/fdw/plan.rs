//! Planner callbacks: what to push down, the paths (plain, sorted by Jira, limited, and
//! parameterized for nested-loop joins), and the plan. The plan carries its data as JSON in a
//! text Const inside `fdw_private`, never pointers, so cached plans re-execute.

use std::ffi::c_void;

use pgrx::{pg_sys, FromDatum, IntoDatum, PgMemoryContexts};
use serde::{Deserialize, Serialize};

use super::interrupt::wait;
use super::nodes::list_ptrs;
use super::quals::{column_of, var_attno, Converter};
use super::report::OrRaise;
use super::table::{self, TableDef};
use crate::catalog::{fields_for, Column, Rule};
use crate::error::{Error, Result};
use crate::jira::Client;
use crate::jql::{Arg, Disposition, Resolved, ScanPlan, Strategy};

/// Everything the executor needs, decided at plan time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanData {
    /// The entity's name, so EXPLAIN need not read the table definition again.
    pub entity: String,
    /// What is sent to Jira.
    pub scan: ScanPlan,
    /// The Jira fields requested.
    pub fields: Vec<String>,
    /// Attribute numbers (1-based) the query reads; the others stay NULL.
    pub attnums: Vec<usize>,
    /// The deployment, when known at plan time (configured, or asked earlier in this backend),
    /// for EXPLAIN; the scan always uses the one its client knows.
    #[serde(default)]
    pub deployment: Option<String>,
}

/// What a path adds to the relation's pushdown: carried from GetForeignPaths to GetForeignPlan
/// in the path's fdw_private.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct PathChoice {
    order_by: Vec<(String, bool)>,
    limit: Option<u64>,
}

/// What GetForeignRelSize found, for the other planner callbacks of this planning cycle.
struct RelState {
    def: TableDef,
    scan: ScanPlan,
    all_exact: bool,
}

/// Assumed row count of an unrestricted search without a remote estimate.
const DEFAULT_ROWS: f64 = 1000.0;
/// Cost of one HTTP round trip, in planner units.
const REQUEST_COST: f64 = 100.0;
/// Cost of turning one issue into a row.
const ROW_COST: f64 = 0.05;
/// Extra cost of asking Jira to sort, so an unsorted path wins when order does not matter.
const SORT_MULTIPLIER: f64 = 1.05;
/// Issues per page when estimating the number of requests.
const ESTIMATE_PAGE: f64 = 100.0;

fn cost(rows: f64) -> (f64, f64) {
    let requests = (rows / ESTIMATE_PAGE).ceil().max(1.0);
    (REQUEST_COST, requests * REQUEST_COST + rows * ROW_COST)
}

/// Converts every RestrictInfo of `infos` for the relation `relid`.
///
/// # Safety
/// `infos` must hold valid RestrictInfos.
unsafe fn convert<'a>(
    relid: pg_sys::Index,
    def: &'a TableDef,
    infos: &[*mut c_void],
) -> (Converter<'a>, ScanPlan, Vec<Disposition>) {
    let mut converter = Converter::new(relid, def);
    let conjuncts: Vec<_> = infos
        .iter()
        // SAFETY: guaranteed by the caller.
        .map(|i| unsafe { converter.restrict_info(*i as *mut pg_sys::RestrictInfo) })
        .collect();
    let (scan, dispositions) = ScanPlan::new(def.entity, &conjuncts);
    (converter, scan, dispositions)
}

/// Rows Jira expects for the pushed JQL (`search/approximate-count`), when asked to estimate
/// remotely and the query is known at plan time.
fn remote_count(def: &TableDef, scan: &ScanPlan) -> Result<Option<f64>> {
    let config = table::connection_config(def)?;
    if !config.use_remote_estimate || !scan.searches() {
        return Ok(None);
    }
    let mut runtime = Vec::new();
    scan.pushed
        .iter()
        .for_each(|p| p.runtime_args(&mut runtime));
    if !runtime.is_empty() {
        return Ok(None);
    }
    let Strategy::Search(query) = scan.strategy(def.entity, &shown_as(&[]))? else {
        return Ok(None);
    };
    let Some(jql) = query.to_jql() else {
        return Ok(Some(0.0));
    };
    let client = Client::shared(&config)?;
    Ok(wait(crate::jira::approximate_count(&client, &jql)))
}

/// Operands as planning and EXPLAIN see them: runtime ones shown by `labels` (their SQL text).
pub fn shown_as(labels: &[String]) -> impl Fn(&Arg) -> Resolved + '_ {
    move |arg| match arg {
        Arg::Known(v) => Resolved::Value(v.clone()),
        Arg::Runtime(n) => Resolved::Placeholder(
            labels
                .get(*n)
                .cloned()
                .unwrap_or_else(|| format!("${}", n + 1)),
        ),
    }
}

/// GetForeignRelSize: decides what to push down and estimates the row count.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_rel_size(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    foreigntableid: pg_sys::Oid,
) {
    // SAFETY: the planner passes a valid base relation of a valid query; its range table
    // entry is at index relid of simple_rte_array (pg13-15), or its userid is set (pg16+).
    let check_as_user = unsafe {
        #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
        {
            let rte = *(*root).simple_rte_array.add((*baserel).relid as usize);
            (*rte).checkAsUser
        }
        #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
        {
            (*baserel).userid
        }
    };
    let def = table::load(foreigntableid, table::scan_user(check_as_user)).or_raise();
    // SAFETY: the planner passes a valid base relation; its restriction list holds
    // RestrictInfos; the RelState leaked into the planner's memory context lives as long as
    // this planning cycle, which is as long as fdw_private is read.
    unsafe {
        let infos = list_ptrs((*baserel).baserestrictinfo);
        let (_, scan, dispositions) = convert((*baserel).relid, &def, &infos);
        let all_exact = dispositions.iter().all(|d| *d == Disposition::Exact);
        let selectivity = pg_sys::clauselist_selectivity(
            root,
            (*baserel).baserestrictinfo,
            0,
            pg_sys::JoinType::JOIN_INNER,
            std::ptr::null_mut(),
        );
        let rows = if scan.searches() {
            match remote_count(&def, &scan).or_raise() {
                Some(count) => {
                    // Jira counted the pushed conditions; Postgres still applies the rest.
                    let local: Vec<*mut c_void> = infos
                        .iter()
                        .zip(&dispositions)
                        .filter(|(_, d)| **d == Disposition::Local)
                        .map(|(i, _)| *i)
                        .collect();
                    count * list_selectivity(root, &local)
                }
                None => DEFAULT_ROWS * selectivity,
            }
        } else {
            match scan.strategy(def.entity, &shown_as(&[])).or_raise() {
                Strategy::Keys(keys) => keys.len() as f64,
                _ => DEFAULT_ROWS * selectivity,
            }
        };
        (*baserel).rows = rows.max(1.0);
        let state = RelState {
            def,
            scan,
            all_exact,
        };
        let stored = PgMemoryContexts::CurrentMemoryContext.leak_and_drop_on_delete(state);
        (*baserel).fdw_private = stored as *mut c_void;
    }
}

unsafe fn list_selectivity(root: *mut pg_sys::PlannerInfo, infos: &[*mut c_void]) -> f64 {
    // SAFETY: builds a planner List of the given RestrictInfos for the selectivity estimate.
    unsafe {
        let mut list: *mut pg_sys::List = std::ptr::null_mut();
        for i in infos {
            list = pg_sys::lappend(list, *i);
        }
        pg_sys::clauselist_selectivity(
            root,
            list,
            0,
            pg_sys::JoinType::JOIN_INNER,
            std::ptr::null_mut(),
        )
    }
}

/// A text Const holding `json`, the form plan data travels in.
pub(super) unsafe fn json_const(json: String) -> *mut pg_sys::List {
    // SAFETY: makeConst stores the palloc'd text datum; lappend builds a new list.
    unsafe {
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
        pg_sys::lappend(std::ptr::null_mut(), constant as *mut c_void)
    }
}

/// The JSON text of a list made by [`json_const`].
pub(super) unsafe fn json_of(list: *mut pg_sys::List) -> Option<String> {
    // SAFETY: the list is null or holds one text Const (made by json_const).
    unsafe {
        let constant = list_ptrs(list).first().map(|p| *p as *mut pg_sys::Const)?;
        if constant.is_null() || (*constant).constisnull {
            return None;
        }
        String::from_datum((*constant).constvalue, false)
    }
}

unsafe fn add_path(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    rows: f64,
    (startup, total): (f64, f64),
    pathkeys: *mut pg_sys::List,
    required_outer: pg_sys::Relids,
    choice: &PathChoice,
) {
    let private = serde_json::to_string(choice)
        .map_err(|e| Error::Internal(format!("cannot serialize a path: {e}")))
        .or_raise();
    // SAFETY: arguments are the planner's own structures; the path is added to baserel.
    unsafe {
        let private = json_const(private);
        #[cfg(not(feature = "pg17"))]
        let path = pg_sys::create_foreignscan_path(
            root,
            baserel,
            std::ptr::null_mut(),
            rows,
            startup,
            total,
            pathkeys,
            required_outer,
            std::ptr::null_mut(),
            private,
        );
        #[cfg(feature = "pg17")]
        let path = pg_sys::create_foreignscan_path(
            root,
            baserel,
            std::ptr::null_mut(),
            rows,
            startup,
            total,
            pathkeys,
            required_outer,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            private,
        );
        pg_sys::add_path(baserel, path as *mut pg_sys::Path);
    }
}

/// The ORDER BY the query asks for, when Jira can produce it: every sort key a column Jira
/// orders as Postgres does, with the default btree ordering.
unsafe fn pushable_order(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    def: &TableDef,
) -> Option<Vec<(String, bool)>> {
    // SAFETY: query_pathkeys is a List of PathKeys whose equivalence classes list members.
    unsafe {
        let keys = list_ptrs((*root).query_pathkeys);
        if keys.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for key in keys {
            let key = key as *mut pg_sys::PathKey;
            let ec = (*key).pk_eclass;
            if (*ec).ec_has_volatile {
                return None;
            }
            let column = list_ptrs((*ec).ec_members).into_iter().find_map(|m| {
                let em = m as *mut pg_sys::EquivalenceMember;
                let column = column_of((*em).em_expr as *mut pg_sys::Node, (*baserel).relid, def)?;
                column.order.map(|_| column)
            })?;
            let type_oid = table::type_oid(column.ty);
            let family = pg_sys::get_opclass_family(pg_sys::GetDefaultOpClass(
                type_oid,
                pg_sys::BTREE_AM_OID,
            ));
            if (*key).pk_opfamily != family {
                return None;
            }
            let desc = match (*key).pk_strategy as u32 {
                pg_sys::BTLessStrategyNumber => false,
                pg_sys::BTGreaterStrategyNumber => true,
                _ => return None,
            };
            out.push((column.name.to_string(), desc));
        }
        Some(out)
    }
}

/// Callback of generate_implied_equalities_for_column: does `em` stand for our attribute
/// `*arg`?
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn matches_attribute(
    _root: *mut pg_sys::PlannerInfo,
    rel: *mut pg_sys::RelOptInfo,
    _ec: *mut pg_sys::EquivalenceClass,
    em: *mut pg_sys::EquivalenceMember,
    arg: *mut c_void,
) -> bool {
    // SAFETY: arg points at the i16 attribute number passed by `join_paths`; em_expr is an
    // expression node.
    unsafe {
        var_attno((*em).em_expr as *mut pg_sys::Node, (*rel).relid) == Some(*(arg as *const i16))
    }
}

/// Parameterized paths: for a join on a column Jira can look up by equality (key, id, project,
/// status, account ids, ...), a nested loop can send each outer row's value instead of
/// scanning the site.
unsafe fn join_paths(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    def: &TableDef,
) {
    // SAFETY: the planner's structures are read; bitmapsets are copied before modification.
    unsafe {
        let mut seen: Vec<pg_sys::Relids> = Vec::new();
        for (index, column) in def.columns.iter().enumerate() {
            let Some(column) = column else { continue };
            if !matches!(
                column.rule,
                Rule::Key | Rule::Id | Rule::Named { .. } | Rule::Account(_) | Rule::Parent
            ) {
                continue;
            }
            let mut attno = (index + 1) as i16;
            let mut clauses = list_ptrs(pg_sys::generate_implied_equalities_for_column(
                root,
                baserel,
                Some(matches_attribute),
                &mut attno as *mut i16 as *mut c_void,
                (*baserel).lateral_referencers,
            ));
            clauses.extend(list_ptrs((*baserel).joininfo));
            for clause in clauses {
                let info = clause as *mut pg_sys::RestrictInfo;
                if !pg_sys::join_clause_is_movable_to(info, baserel) {
                    continue;
                }
                let mut required =
                    pg_sys::bms_union((*info).clause_relids, (*baserel).lateral_relids);
                required = pg_sys::bms_del_member(required, (*baserel).relid as i32);
                if pg_sys::bms_is_empty(required)
                    || seen.iter().any(|s| pg_sys::bms_equal(*s, required))
                {
                    continue;
                }
                seen.push(required);
                let info = pg_sys::get_baserel_parampathinfo(root, baserel, required);
                let rows = (*info).ppi_rows.max(1.0);
                add_path(
                    root,
                    baserel,
                    rows,
                    cost(rows),
                    std::ptr::null_mut(),
                    required,
                    &PathChoice::default(),
                );
            }
        }
    }
}

/// GetForeignPaths: the plain scan, a scan sorted by Jira when the query's ORDER BY allows,
/// LIMIT on the path that delivers the query's order, and parameterized scans for joins.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_paths(
    root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    _foreigntableid: pg_sys::Oid,
) {
    // SAFETY: fdw_private is the RelState of this planning cycle (get_foreign_rel_size).
    unsafe {
        let state = &*((*baserel).fdw_private as *const RelState);
        let rows = (*baserel).rows;
        // LIMIT can be pushed when this scan is the whole query's input and nothing is
        // filtered after it: the planner's limit_tuples is then the rows the query needs.
        let alone =
            pg_sys::bms_membership((*root).all_baserels) == pg_sys::BMS_Membership::BMS_SINGLETON;
        let limit =
            (state.all_exact && state.scan.searches() && alone && (*root).limit_tuples > 0.0)
                .then(|| (*root).limit_tuples as u64);
        let unordered = (*root).query_pathkeys.is_null();
        let plain = PathChoice {
            order_by: Vec::new(),
            limit: if unordered { limit } else { None },
        };
        let plain_rows = plain.limit.map_or(rows, |l| rows.min(l as f64));
        add_path(
            root,
            baserel,
            plain_rows,
            cost(plain_rows),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &plain,
        );
        if state.scan.searches() {
            if let Some(order_by) = pushable_order(root, baserel, &state.def) {
                let sorted_rows = limit.map_or(rows, |l| rows.min(l as f64));
                let (startup, total) = cost(sorted_rows);
                add_path(
                    root,
                    baserel,
                    sorted_rows,
                    (startup, total * SORT_MULTIPLIER),
                    (*root).query_pathkeys,
                    std::ptr::null_mut(),
                    &PathChoice { order_by, limit },
                );
            }
        }
        join_paths(root, baserel, &state.def);
    }
}

/// Attribute numbers referenced by the target list and the clauses Postgres still evaluates.
unsafe fn needed_attnums(
    baserel: *mut pg_sys::RelOptInfo,
    local: &[*mut c_void],
    natts: usize,
) -> Vec<usize> {
    let mut attrs: *mut pg_sys::Bitmapset = std::ptr::null_mut();
    // SAFETY: reltarget->exprs and the clauses are planner-owned nodes; pull_varattnos only
    // reads them and allocates the bitmapset in the current (planner) context.
    unsafe {
        let relid = (*baserel).relid;
        pg_sys::pull_varattnos(
            (*(*baserel).reltarget).exprs as *mut pg_sys::Node,
            relid,
            &mut attrs,
        );
        for clause in local {
            pg_sys::pull_varattnos(*clause as *mut pg_sys::Node, relid, &mut attrs);
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

/// GetForeignPlan: translates the path's clauses once more (a parameterized path adds join
/// clauses), keeps the ones Jira cannot answer exactly as local filters, and stores the plan
/// data and the runtime operand expressions.
#[pgrx::pg_guard]
pub unsafe extern "C-unwind" fn get_foreign_plan(
    _root: *mut pg_sys::PlannerInfo,
    baserel: *mut pg_sys::RelOptInfo,
    _foreigntableid: pg_sys::Oid,
    best_path: *mut pg_sys::ForeignPath,
    tlist: *mut pg_sys::List,
    scan_clauses: *mut pg_sys::List,
    outer_plan: *mut pg_sys::Plan,
) -> *mut pg_sys::ForeignScan {
    // SAFETY: fdw_private is this cycle's RelState; scan_clauses is a RestrictInfo list; the
    // path's fdw_private was made by add_path.
    unsafe {
        let state = &*((*baserel).fdw_private as *const RelState);
        let infos: Vec<*mut c_void> = list_ptrs(scan_clauses)
            .into_iter()
            .filter(|i| !(*(*i as *mut pg_sys::RestrictInfo)).pseudoconstant)
            .collect();
        let (converter, mut scan, dispositions) = convert((*baserel).relid, &state.def, &infos);
        let choice: PathChoice = json_of((*best_path).fdw_private)
            .ok_or_else(|| Error::Internal("a path has no jira_fdw data".into()))
            .and_then(|j| {
                serde_json::from_str(&j)
                    .map_err(|e| Error::Internal(format!("cannot read a path: {e}")))
            })
            .or_raise();
        if scan.searches() {
            scan.order_by = choice.order_by;
            if dispositions.iter().all(|d| *d == Disposition::Exact) {
                scan.limit = choice.limit;
            }
        }
        let local: Vec<*mut c_void> = infos
            .iter()
            .zip(&dispositions)
            .filter(|(_, d)| **d != Disposition::Exact)
            .map(|(i, _)| (*(*i as *mut pg_sys::RestrictInfo)).clause as *mut c_void)
            .collect();
        let attnums = needed_attnums(baserel, &local, state.def.columns.len());
        let columns: Vec<&Column> = attnums
            .iter()
            .filter_map(|a| state.def.columns.get(a - 1).copied().flatten())
            .collect();
        let config = table::connection_config(&state.def).or_raise();
        let deployment = Client::shared(&config)
            .or_raise()
            .known_deployment()
            .map(|d| d.keyword().to_string());
        let data = PlanData {
            entity: state.def.entity.name().to_string(),
            scan,
            fields: fields_for(&columns),
            attnums,
            deployment,
        };
        let json = serde_json::to_string(&data)
            .map_err(|e| Error::Internal(format!("cannot serialize the plan: {e}")))
            .or_raise();
        let mut local_list: *mut pg_sys::List = std::ptr::null_mut();
        for clause in local {
            local_list = pg_sys::lappend(local_list, clause);
        }
        let mut exprs: *mut pg_sys::List = std::ptr::null_mut();
        for expr in &converter.exprs {
            exprs = pg_sys::lappend(exprs, *expr as *mut c_void);
        }
        pg_sys::make_foreignscan(
            tlist,
            local_list,
            (*baserel).relid,
            exprs,
            json_const(json),
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
    // SAFETY: guaranteed by the caller.
    let text = unsafe { json_of((*plan).fdw_private) }
        .ok_or_else(|| Error::Internal("the plan has no jira_fdw data".into()))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Internal(format!("cannot read the plan's jira_fdw data: {e}")))
}
