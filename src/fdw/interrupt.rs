//! Waiting for Jira from a backend: every wait polls Postgres' interrupt flags.

use pgrx::pg_sys;

use super::report::OrRaise;
use crate::error::Result;
use crate::jira::block_on;

/// True when Postgres wants this backend to stop what it is doing.
fn interrupted() -> bool {
    // SAFETY: plain reads of sig_atomic_t flags that signal handlers set; volatile so the
    // compiler re-reads them on every poll.
    unsafe {
        std::ptr::read_volatile(&raw const pg_sys::QueryCancelPending) != 0
            || std::ptr::read_volatile(&raw const pg_sys::ProcDiePending) != 0
    }
}

/// Waits for `future` on the backend's runtime, obeying cancellation; errors are raised.
pub fn wait<T>(future: impl std::future::Future<Output = Result<T>>) -> T {
    block_on(future, &interrupted).or_raise()
}

/// Waits for `future` like [`wait`], leaving its error to the caller.
pub fn wait_result<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    block_on(future, &interrupted)
}
