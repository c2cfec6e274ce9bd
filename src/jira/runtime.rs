//! The backend's tokio runtime and the one way to wait on it.
//!
//! A Postgres backend is single-threaded and must notice query cancellation while it waits, so
//! every wait goes through [`block_on`], which polls the caller's interrupt check.

use std::cell::OnceCell;
use std::future::Future;
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::error::{Error, Result};

/// How often a waiting backend looks at its interrupt flags: small enough that a cancel is
/// obeyed within a fraction of a second, large enough to cost nothing.
const INTERRUPT_POLL: Duration = Duration::from_millis(20);

thread_local! {
    static RUNTIME: OnceCell<Runtime> = const { OnceCell::new() };
}

/// Runs `future` to completion on the backend's runtime, giving up with [`Error::Cancelled`] as
/// soon as `interrupted` returns true.
pub fn block_on<T>(
    future: impl Future<Output = Result<T>>,
    interrupted: &dyn Fn() -> bool,
) -> Result<T> {
    RUNTIME.with(|cell| {
        if cell.get().is_none() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Connection(format!("cannot start the HTTP runtime: {e}")))?;
            let _ = cell.set(runtime);
        }
        let Some(runtime) = cell.get() else {
            return Err(Error::Connection("the HTTP runtime is unavailable".into()));
        };
        runtime.block_on(async {
            tokio::select! {
                biased;
                () = watch(interrupted) => Err(Error::Cancelled),
                result = future => result,
            }
        })
    })
}

async fn watch(interrupted: &dyn Fn() -> bool) {
    loop {
        if interrupted() {
            return;
        }
        tokio::time::sleep(INTERRUPT_POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::time::Instant;

    #[test]
    fn cancels_a_long_wait_quickly() {
        let start = Instant::now();
        let calls = Cell::new(0);
        let interrupted = || {
            calls.set(calls.get() + 1);
            calls.get() > 3
        };
        let result: Result<()> = block_on(
            async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(())
            },
            &interrupted,
        );
        assert!(matches!(result, Err(Error::Cancelled)));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn returns_the_result_when_not_interrupted() {
        let v = block_on(async { Ok(7) }, &|| false).unwrap();
        assert_eq!(v, 7);
    }
}
