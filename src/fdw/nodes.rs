//! Small readers over Postgres node structures shared by the planner and executor code.

use std::ffi::{c_void, CStr};

use pgrx::pg_sys;

/// The element pointers of a `List` (pointer lists only). An empty list is `NIL` (null).
///
/// # Safety
/// `list` must be null or a valid pointer `List` (PG13+ array layout).
pub unsafe fn list_ptrs(list: *mut pg_sys::List) -> Vec<*mut c_void> {
    if list.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller guarantees a valid List; `elements` holds `length` cells.
    unsafe {
        let len = (*list).length as usize;
        (0..len)
            .map(|i| (*(*list).elements.add(i)).ptr_value)
            .collect()
    }
}

/// `defname = value` pairs of a `DefElem` list.
///
/// # Safety
/// `options` must be null or a valid List of `DefElem` nodes.
pub unsafe fn def_elems(options: *mut pg_sys::List) -> Vec<(String, String)> {
    // SAFETY: guaranteed by the caller.
    unsafe { list_ptrs(options) }
        .into_iter()
        .map(|p| {
            let def = p as *mut pg_sys::DefElem;
            // SAFETY: every cell is a DefElem whose name is a C string; defGetString handles
            // every argument node type an option can have.
            unsafe {
                let name = CStr::from_ptr((*def).defname)
                    .to_string_lossy()
                    .into_owned();
                let value = CStr::from_ptr(pg_sys::defGetString(def))
                    .to_string_lossy()
                    .into_owned();
                (name, value)
            }
        })
        .collect()
}

/// The text of a datum through its type's output function.
///
/// # Safety
/// `value` must be a valid non-null datum of type `type_oid`.
pub unsafe fn datum_to_string(value: pg_sys::Datum, type_oid: pg_sys::Oid) -> String {
    let mut output: pg_sys::Oid = pg_sys::InvalidOid;
    let mut varlena = false;
    // SAFETY: guaranteed by the caller; the output function returns a palloc'd C string.
    unsafe {
        pg_sys::getTypeOutputInfo(type_oid, &mut output, &mut varlena);
        let text = pg_sys::OidOutputFunctionCall(output, value);
        let owned = CStr::from_ptr(text).to_string_lossy().into_owned();
        pg_sys::pfree(text as *mut c_void);
        owned
    }
}
