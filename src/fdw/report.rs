//! Raising the core's errors as Postgres errors with the right SQLSTATE and hint.

use pgrx::pg_sys;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::{PgLogLevel, PgSqlErrorCode};

use crate::error::{Error, SqlState};

/// Raises `err` as an ERROR; does not return.
pub fn raise(err: Error) -> ! {
    if matches!(err, Error::Cancelled) {
        // Let Postgres say why it cancelled (statement timeout or user request).
        // SAFETY: called from a callback on the backend's main thread outside any critical
        // section; ProcessInterrupts may longjmp, which pgrx's guard turns into an unwind.
        pg_sys::check_for_interrupts!();
    }
    let code = match err.sqlstate() {
        SqlState::InvalidOption => PgSqlErrorCode::ERRCODE_FDW_INVALID_OPTION_NAME,
        SqlState::MissingOption => PgSqlErrorCode::ERRCODE_FDW_OPTION_NAME_NOT_FOUND,
        SqlState::Connection => PgSqlErrorCode::ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION,
        SqlState::Authorization => PgSqlErrorCode::ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION,
        SqlState::Cancelled => PgSqlErrorCode::ERRCODE_QUERY_CANCELED,
        SqlState::Fdw => PgSqlErrorCode::ERRCODE_FDW_ERROR,
        SqlState::Privilege => PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
        SqlState::InvalidParameter => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
    };
    let mut report = ErrorReport::new(code, err.to_string(), "jira_fdw");
    if let Some(hint) = err.hint() {
        report = report.set_hint(hint);
    }
    // SAFETY: superuser() reads the current role's catalog entry, which exists while the
    // backend runs a statement.
    if let Some(detail) = err
        .private_detail()
        .filter(|_| unsafe { pg_sys::superuser() })
    {
        report = report.set_detail(detail);
    }
    report.report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

/// Unwraps a core result or raises its error.
pub trait OrRaise<T> {
    /// The value, or an ERROR.
    fn or_raise(self) -> T;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => raise(e),
        }
    }
}
