//! Core cells to Postgres datums.

use pgrx::{pg_sys, IntoDatum, JsonB};

use crate::catalog::Cell;
use crate::error::{Error, Result};

/// Microseconds between the Unix epoch and Postgres' epoch (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Days between 1970-01-01 and 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;

/// The datum of `cell` (allocated in the current memory context), or `None` for NULL.
/// The column's type was checked against the cell's at plan time.
pub fn to_datum(cell: Cell, column: &str) -> Result<Option<pg_sys::Datum>> {
    Ok(match cell {
        Cell::Null => None,
        Cell::Int(i) => i.into_datum(),
        Cell::Text(s) => {
            reject_nul(&s, column)?;
            s.into_datum()
        }
        Cell::TextArray(items) => {
            for s in &items {
                reject_nul(s, column)?;
            }
            items.into_datum()
        }
        Cell::Timestamp(t) => Some(pg_sys::Datum::from(t.timestamp_micros() - PG_EPOCH_MICROS)),
        Cell::Date(d) => {
            let days = d
                .signed_duration_since(chrono::NaiveDate::default())
                .num_days();
            Some(pg_sys::Datum::from((days - PG_EPOCH_DAYS) as i32))
        }
        Cell::Json(v) => JsonB(v).into_datum(),
        Cell::Bool(b) => b.into_datum(),
        Cell::Numeric(text) => pgrx::AnyNumeric::try_from(text.as_str())
            .map_err(|e| Error::Conversion {
                column: column.to_string(),
                value: text.chars().take(80).collect(),
                reason: e.to_string(),
            })?
            .into_datum(),
    })
}

/// Postgres text cannot hold NUL; say so instead of truncating silently.
fn reject_nul(s: &str, column: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(Error::Conversion {
            column: column.to_string(),
            value: s.replace('\0', "\\u0000").chars().take(80).collect(),
            reason: "Postgres text cannot contain the NUL character".into(),
        });
    }
    Ok(())
}
