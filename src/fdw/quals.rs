//! Finds the restriction clauses that can be pushed to Jira: `column = constant` and
//! `column = ANY(constant array)` on columns with a JQL field, using built-in operators only
//! (a user-defined `=` could mean anything).

use std::ffi::CStr;

use pgrx::pg_sys;

use super::nodes::{datum_to_string, list_ptrs};
use super::table::TableDef;
use crate::catalog::Column;
use crate::jql::Pushdown;

/// Built-in objects have OIDs below this (`FirstNormalObjectId`).
const FIRST_NORMAL_OBJECT_ID: u32 = 16384;

/// Collects the pushable conditions of `baserel`'s restriction list.
///
/// # Safety
/// `baserel` must be the valid base relation the planner is working on.
pub unsafe fn collect(baserel: *mut pg_sys::RelOptInfo, def: &TableDef) -> Pushdown {
    let mut pushdown = Pushdown::default();
    // SAFETY: baserestrictinfo is a List of RestrictInfo owned by the planner.
    let infos = unsafe { list_ptrs((*baserel).baserestrictinfo) };
    for info in infos {
        // SAFETY: each cell is a RestrictInfo whose clause is an expression node.
        let found = unsafe {
            let clause = (*(info as *mut pg_sys::RestrictInfo)).clause as *mut pg_sys::Node;
            equality(clause, (*baserel).relid, def)
        };
        if let Some((column, values)) = found {
            pushdown.add(column, values);
        }
    }
    pushdown
}

/// `(column, values)` when `node` is `column = const` or `column = ANY(const array)`.
unsafe fn equality(
    node: *mut pg_sys::Node,
    relid: pg_sys::Index,
    def: &TableDef,
) -> Option<(&'static Column, Vec<String>)> {
    // SAFETY: node tags are checked before each cast; arguments are expression nodes.
    unsafe {
        match (*node).type_ {
            pg_sys::NodeTag::T_OpExpr => {
                let op = node as *mut pg_sys::OpExpr;
                if !is_builtin_eq((*op).opno) {
                    return None;
                }
                let args = list_ptrs((*op).args);
                if args.len() != 2 {
                    return None;
                }
                let (left, right) = (args[0] as *mut pg_sys::Node, args[1] as *mut pg_sys::Node);
                let (column, constant) = match (column_of(left, relid, def), constant(right)) {
                    (Some(c), Some(k)) => (c, k),
                    _ => (column_of(right, relid, def)?, constant(left)?),
                };
                Some((column, vec![const_text(constant)?]))
            }
            pg_sys::NodeTag::T_ScalarArrayOpExpr => {
                let op = node as *mut pg_sys::ScalarArrayOpExpr;
                if !(*op).useOr || !is_builtin_eq((*op).opno) {
                    return None;
                }
                let args = list_ptrs((*op).args);
                if args.len() != 2 {
                    return None;
                }
                let column = column_of(args[0] as *mut pg_sys::Node, relid, def)?;
                let array = constant(args[1] as *mut pg_sys::Node)?;
                Some((column, array_texts(array)?))
            }
            _ => None,
        }
    }
}

unsafe fn is_builtin_eq(opno: pg_sys::Oid) -> bool {
    if opno.to_u32() >= FIRST_NORMAL_OBJECT_ID {
        return false;
    }
    // SAFETY: get_opname returns a palloc'd name or null for an unknown operator.
    unsafe {
        let name = pg_sys::get_opname(opno);
        !name.is_null() && CStr::from_ptr(name).to_bytes() == b"="
    }
}

/// The catalog column of a plain Var of this relation (under binary-compatible relabeling).
unsafe fn column_of(
    mut node: *mut pg_sys::Node,
    relid: pg_sys::Index,
    def: &TableDef,
) -> Option<&'static Column> {
    // SAFETY: tags are checked before casting.
    unsafe {
        while (*node).type_ == pg_sys::NodeTag::T_RelabelType {
            node = (*(node as *mut pg_sys::RelabelType)).arg as *mut pg_sys::Node;
        }
        if (*node).type_ != pg_sys::NodeTag::T_Var {
            return None;
        }
        let var = node as *mut pg_sys::Var;
        if (*var).varno as pg_sys::Index != relid || (*var).varlevelsup != 0 || (*var).varattno < 1
        {
            return None;
        }
        *def.columns.get((*var).varattno as usize - 1)?
    }
}

/// A non-null Const.
unsafe fn constant(node: *mut pg_sys::Node) -> Option<*mut pg_sys::Const> {
    // SAFETY: the tag is checked before casting.
    unsafe {
        if (*node).type_ != pg_sys::NodeTag::T_Const {
            return None;
        }
        let c = node as *mut pg_sys::Const;
        (!(*c).constisnull).then_some(c)
    }
}

unsafe fn const_text(c: *mut pg_sys::Const) -> Option<String> {
    // SAFETY: `c` is a non-null Const of its declared type.
    Some(unsafe { datum_to_string((*c).constvalue, (*c).consttype) })
}

/// The non-null elements of a constant one-dimensional array, as text. NULL elements never
/// equal anything, so dropping them keeps the condition a superset.
unsafe fn array_texts(c: *mut pg_sys::Const) -> Option<Vec<String>> {
    // SAFETY: `c` is a non-null Const; its type is checked to be an array before the datum is
    // detoasted and deconstructed; the element arrays are allocated by deconstruct_array.
    unsafe {
        let element_type = pg_sys::get_element_type((*c).consttype);
        if element_type == pg_sys::InvalidOid {
            return None;
        }
        let array =
            pg_sys::pg_detoast_datum((*c).constvalue.cast_mut_ptr()) as *mut pg_sys::ArrayType;
        let (mut len, mut byval, mut align) = (0i16, false, 0 as std::ffi::c_char);
        pg_sys::get_typlenbyvalalign(element_type, &mut len, &mut byval, &mut align);
        let mut elems: *mut pg_sys::Datum = std::ptr::null_mut();
        let mut nulls: *mut bool = std::ptr::null_mut();
        let mut count: std::ffi::c_int = 0;
        pg_sys::deconstruct_array(
            array,
            element_type,
            len as std::ffi::c_int,
            byval,
            align,
            &mut elems,
            &mut nulls,
            &mut count,
        );
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count as usize {
            if !*nulls.add(i) {
                out.push(datum_to_string(*elems.add(i), element_type));
            }
        }
        Some(out)
    }
}
