//! SQL datums to the core's operand values, for constants at plan time and for parameters and
//! other runtime expressions when the scan starts.

use pgrx::pg_sys;

use super::nodes::datum_to_string;
use crate::catalog::PgType;
use crate::jql::{Scalar, Value};

/// Microseconds between the Unix epoch and Postgres' epoch (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Days between 1970-01-01 and 2000-01-01.
const PG_EPOCH_DAYS: i32 = 10_957;

/// The scalar kind a type's values become, for the types pushdown understands.
fn scalar_kind(type_oid: pg_sys::Oid) -> Option<PgType> {
    Some(match type_oid {
        pg_sys::TEXTOID | pg_sys::VARCHAROID => PgType::Text,
        pg_sys::INT2OID | pg_sys::INT4OID | pg_sys::INT8OID => PgType::Int8,
        pg_sys::TIMESTAMPTZOID => PgType::Timestamptz,
        pg_sys::DATEOID => PgType::Date,
        pg_sys::NUMERICOID => PgType::Numeric,
        _ => return None,
    })
}

/// Whether values of `type_oid` can be compared with a column of type `column` (`array`: the
/// operand is an array of such values).
pub fn fits(type_oid: pg_sys::Oid, column: PgType, array: bool) -> bool {
    let scalar = match column {
        PgType::TextArray => PgType::Text,
        other => other,
    };
    let element = if array {
        // SAFETY: a catalog lookup by OID; invalid OIDs give InvalidOid.
        let e = unsafe { pg_sys::get_element_type(type_oid) };
        if e == pg_sys::InvalidOid {
            return false;
        }
        e
    } else {
        type_oid
    };
    scalar_kind(element) == Some(scalar)
}

/// One scalar datum of a type [`scalar_kind`] accepts.
///
/// # Safety
/// `datum` must be a valid non-null datum of `type_oid`.
unsafe fn scalar(datum: pg_sys::Datum, type_oid: pg_sys::Oid) -> Option<Scalar> {
    Some(match scalar_kind(type_oid)? {
        // SAFETY: guaranteed by the caller.
        PgType::Text => Scalar::Text(unsafe { datum_to_string(datum, type_oid) }),
        PgType::Int8 => Scalar::Int(match type_oid {
            pg_sys::INT2OID => datum.value() as i16 as i64,
            pg_sys::INT4OID => datum.value() as i32 as i64,
            _ => datum.value() as i64,
        }),
        PgType::Timestamptz => {
            Scalar::Micros((datum.value() as i64).saturating_add(PG_EPOCH_MICROS))
        }
        PgType::Date => Scalar::Days((datum.value() as i32).saturating_add(PG_EPOCH_DAYS)),
        // SAFETY: guaranteed by the caller.
        PgType::Numeric => Scalar::Decimal(unsafe { datum_to_string(datum, type_oid) }),
        _ => return None,
    })
}

/// The value of a datum of `type_oid` (a supported scalar or a one-dimensional array of one).
///
/// # Safety
/// Unless `isnull`, `datum` must be a valid datum of `type_oid`.
pub unsafe fn value(datum: pg_sys::Datum, isnull: bool, type_oid: pg_sys::Oid) -> Option<Value> {
    if isnull {
        return Some(Value::Null);
    }
    // SAFETY: the datum is valid for its type (caller); arrays are detoasted and deconstructed
    // with their element type's storage parameters.
    unsafe {
        if scalar_kind(type_oid).is_some() {
            return scalar(datum, type_oid).map(Value::One);
        }
        let element_type = pg_sys::get_element_type(type_oid);
        scalar_kind(element_type)?;
        let array = pg_sys::pg_detoast_datum(datum.cast_mut_ptr()) as *mut pg_sys::ArrayType;
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
            if *nulls.add(i) {
                out.push(None);
            } else {
                out.push(Some(scalar(*elems.add(i), element_type)?));
            }
        }
        Some(Value::Many(out))
    }
}
