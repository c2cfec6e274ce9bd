//! SQL expressions to the core's predicates. Only built-in operators with their standard
//! meaning are recognised, on a column of the foreign table against an operand that does not
//! depend on the table's row: a constant, or an expression (parameter, `now()`, an outer row's
//! column) evaluated when the scan starts.

use std::ffi::CStr;

use pgrx::pg_sys;

use super::nodes::list_ptrs;
use super::table::TableDef;
use super::values::{fits, value};
use crate::catalog::{custom, Column, PgType};
use crate::jql::{Arg, Op, Pred};

/// Built-in objects have OIDs below this (`FirstNormalObjectId`).
const FIRST_NORMAL_OBJECT_ID: u32 = 16384;

/// Turns qual expressions into predicates, collecting runtime operands as it goes.
pub struct Converter<'a> {
    relid: pg_sys::Index,
    def: &'a TableDef,
    /// Operand expressions the executor evaluates; `Arg::Runtime(i)` is the i-th.
    pub exprs: Vec<*mut pg_sys::Expr>,
}

impl<'a> Converter<'a> {
    /// A converter for quals of range table entry `relid`.
    pub fn new(relid: pg_sys::Index, def: &'a TableDef) -> Self {
        Converter {
            relid,
            def,
            exprs: Vec::new(),
        }
    }

    /// The predicate of a RestrictInfo's clause, if it is one the core understands.
    ///
    /// # Safety
    /// `info` must be a valid RestrictInfo.
    pub unsafe fn restrict_info(&mut self, info: *mut pg_sys::RestrictInfo) -> Option<Pred> {
        // SAFETY: guaranteed by the caller.
        unsafe {
            if (*info).pseudoconstant {
                return None;
            }
            let pred = self.pred((*info).clause as *mut pg_sys::Node);
            (pred != Pred::Opaque).then_some(pred)
        }
    }

    /// The predicate of `node`; what is not understood is `Opaque` (never pushable).
    unsafe fn pred(&mut self, node: *mut pg_sys::Node) -> Pred {
        // SAFETY: node tags are checked before each cast; argument lists hold expressions.
        unsafe { self.try_pred(node) }.unwrap_or(Pred::Opaque)
    }

    unsafe fn try_pred(&mut self, node: *mut pg_sys::Node) -> Option<Pred> {
        // SAFETY: see `pred`.
        unsafe {
            match (*node).type_ {
                pg_sys::NodeTag::T_BoolExpr => {
                    let b = node as *mut pg_sys::BoolExpr;
                    let args: Vec<Pred> = list_ptrs((*b).args)
                        .into_iter()
                        .map(|a| self.pred(a as *mut pg_sys::Node))
                        .collect();
                    match (*b).boolop {
                        pg_sys::BoolExprType::AND_EXPR => Some(Pred::And(args)),
                        pg_sys::BoolExprType::OR_EXPR => Some(Pred::Or(args)),
                        _ => args.into_iter().next().map(|a| Pred::Not(Box::new(a))),
                    }
                }
                pg_sys::NodeTag::T_OpExpr => self.op_expr(node as *mut pg_sys::OpExpr),
                pg_sys::NodeTag::T_ScalarArrayOpExpr => {
                    self.array_op(node as *mut pg_sys::ScalarArrayOpExpr)
                }
                pg_sys::NodeTag::T_NullTest => {
                    let t = node as *mut pg_sys::NullTest;
                    if (*t).argisrow {
                        return None;
                    }
                    let column = self.column((*t).arg as *mut pg_sys::Node)?;
                    Some(Pred::IsNull {
                        column: custom::key(column),
                        negated: (*t).nulltesttype == pg_sys::NullTestType::IS_NOT_NULL,
                    })
                }
                _ => None,
            }
        }
    }

    unsafe fn op_expr(&mut self, op: *mut pg_sys::OpExpr) -> Option<Pred> {
        // SAFETY: `op` is an OpExpr (checked by the caller); its args are expressions.
        unsafe {
            let (name, left, right) = binary((*op).opno, (*op).inputcollid, (*op).args)?;
            let (column, operand, swapped) = match self.column(left) {
                Some(c) => (c, right, false),
                None => (self.column(right)?, left, true),
            };
            let cmp = |op: Op| if swapped { op.commuted() } else { op };
            let op = match name.as_str() {
                "=" => cmp(Op::Eq),
                "<>" => cmp(Op::Ne),
                "<" => cmp(Op::Lt),
                "<=" => cmp(Op::Le),
                ">" => cmp(Op::Gt),
                ">=" => cmp(Op::Ge),
                "~~" | "~~*" if !swapped && column.ty == PgType::Text => {
                    let arg = self.operand(operand, column.ty, false)?;
                    return Some(Pred::Like {
                        column: custom::key(column),
                        arg,
                    });
                }
                "@>" if !swapped && column.ty == PgType::TextArray => {
                    let arg = self.operand(operand, column.ty, true)?;
                    return Some(Pred::Contains {
                        column: custom::key(column),
                        arg,
                    });
                }
                _ => return None,
            };
            let array = column.ty == PgType::TextArray;
            let arg = self.operand(operand, column.ty, array)?;
            Some(Pred::Cmp {
                column: custom::key(column),
                op,
                arg,
            })
        }
    }

    unsafe fn array_op(&mut self, op: *mut pg_sys::ScalarArrayOpExpr) -> Option<Pred> {
        // SAFETY: `op` is a ScalarArrayOpExpr (checked by the caller).
        unsafe {
            let (name, left, right) = binary((*op).opno, (*op).inputcollid, (*op).args)?;
            match (name.as_str(), (*op).useOr) {
                ("=", true) => {
                    if let Some(column) = self.column(left) {
                        let arg = self.operand(right, column.ty, true)?;
                        return Some(Pred::In {
                            column: custom::key(column),
                            arg,
                            negated: false,
                        });
                    }
                    // 'x' = ANY(array column)
                    let column = self.column(right)?;
                    if column.ty != PgType::TextArray {
                        return None;
                    }
                    let arg = self.operand(left, column.ty, false)?;
                    Some(Pred::Contains {
                        column: custom::key(column),
                        arg,
                    })
                }
                ("<>", false) => {
                    let column = self.column(left)?;
                    let arg = self.operand(right, column.ty, true)?;
                    Some(Pred::In {
                        column: custom::key(column),
                        arg,
                        negated: true,
                    })
                }
                _ => None,
            }
        }
    }

    /// The catalog column of a plain Var of this relation (under binary-compatible relabeling).
    unsafe fn column(&self, node: *mut pg_sys::Node) -> Option<&'static Column> {
        // SAFETY: guaranteed by the caller (an expression node).
        unsafe { column_of(node, self.relid, self.def) }
    }

    /// An operand of the right type: a constant, or an expression that does not depend on this
    /// relation's row and is safe to evaluate once per scan.
    unsafe fn operand(
        &mut self,
        node: *mut pg_sys::Node,
        column: PgType,
        array: bool,
    ) -> Option<Arg> {
        // SAFETY: node tags are checked before casting; the walkers only read the tree.
        unsafe {
            let node = strip_relabel(node);
            let type_oid = pg_sys::exprType(node);
            if !fits(type_oid, column, array) {
                return None;
            }
            if (*node).type_ == pg_sys::NodeTag::T_Const {
                let c = node as *mut pg_sys::Const;
                return value((*c).constvalue, (*c).constisnull, (*c).consttype).map(Arg::Known);
            }
            if pg_sys::contain_volatile_functions(node) || pg_sys::contain_subplans(node) {
                return None;
            }
            let flags = (pg_sys::PVC_RECURSE_AGGREGATES
                | pg_sys::PVC_RECURSE_WINDOWFUNCS
                | pg_sys::PVC_RECURSE_PLACEHOLDERS) as std::ffi::c_int;
            let vars = list_ptrs(pg_sys::pull_var_clause(node, flags));
            let own_row = vars.into_iter().any(|v| {
                let var = v as *mut pg_sys::Var;
                (*var).xpr.type_ == pg_sys::NodeTag::T_Var
                    && (*var).varno as pg_sys::Index == self.relid
                    && (*var).varlevelsup == 0
            });
            if own_row {
                return None;
            }
            self.exprs.push(node as *mut pg_sys::Expr);
            Some(Arg::Runtime(self.exprs.len() - 1))
        }
    }
}

/// The name and the two arguments of a built-in binary operator.
unsafe fn binary(
    opno: pg_sys::Oid,
    collation: pg_sys::Oid,
    args: *mut pg_sys::List,
) -> Option<(String, *mut pg_sys::Node, *mut pg_sys::Node)> {
    // SAFETY: `args` is the operator's argument list of expressions.
    unsafe {
        let name = builtin_name(opno, collation)?;
        let args = list_ptrs(args);
        let [left, right] = args[..] else {
            return None;
        };
        Some((name, left as *mut pg_sys::Node, right as *mut pg_sys::Node))
    }
}

/// The attribute number of a plain Var of range table entry `relid` at this query level
/// (under binary-compatible relabeling).
///
/// # Safety
/// `node` must be a valid expression node.
pub unsafe fn var_attno(node: *mut pg_sys::Node, relid: pg_sys::Index) -> Option<i16> {
    // SAFETY: tags are checked before casting.
    unsafe {
        let node = strip_relabel(node);
        if (*node).type_ != pg_sys::NodeTag::T_Var {
            return None;
        }
        let var = node as *mut pg_sys::Var;
        ((*var).varno as pg_sys::Index == relid && (*var).varlevelsup == 0)
            .then_some((*var).varattno)
    }
}

/// The catalog column of a plain Var of range table entry `relid`.
///
/// # Safety
/// `node` must be a valid expression node.
pub unsafe fn column_of(
    node: *mut pg_sys::Node,
    relid: pg_sys::Index,
    def: &TableDef,
) -> Option<&'static Column> {
    // SAFETY: guaranteed by the caller.
    let attno = unsafe { var_attno(node, relid) }?;
    if attno < 1 {
        return None;
    }
    *def.columns.get(attno as usize - 1)?
}

unsafe fn strip_relabel(mut node: *mut pg_sys::Node) -> *mut pg_sys::Node {
    // SAFETY: the tag is checked before casting.
    unsafe {
        while (*node).type_ == pg_sys::NodeTag::T_RelabelType {
            node = (*(node as *mut pg_sys::RelabelType)).arg as *mut pg_sys::Node;
        }
    }
    node
}

/// The name of a built-in operator whose collation (if any) compares deterministically.
unsafe fn builtin_name(opno: pg_sys::Oid, collation: pg_sys::Oid) -> Option<String> {
    if opno.to_u32() >= FIRST_NORMAL_OBJECT_ID {
        return None;
    }
    // SAFETY: catalog lookups by OID; get_opname returns a palloc'd name or null.
    unsafe {
        if collation != pg_sys::InvalidOid && !pg_sys::get_collation_isdeterministic(collation) {
            return None;
        }
        let name = pg_sys::get_opname(opno);
        if name.is_null() {
            return None;
        }
        Some(CStr::from_ptr(name).to_string_lossy().into_owned())
    }
}
