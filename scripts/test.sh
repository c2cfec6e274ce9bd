#!/usr/bin/env bash
# The whole test suite: formatting and lints, unit tests of the pure core and of the fake Jira,
# then the end-to-end tests in a fresh Postgres 15 cluster against the fake Jira.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

export JIRA_FDW_FAKE_BIN
JIRA_FDW_FAKE_BIN=$(bash scripts/build-fake.sh | tail -n 1)

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "==> fake Jira tests"
cargo test -p fake-jira

echo "==> unit and end-to-end tests (pgrx, Postgres 15)"
PGDATA_DIR=${JIRA_FDW_PGDATA:-/tmp/jira_fdw_pg/data}
rm -rf "$(dirname "$PGDATA_DIR")"
cargo pgrx test pg15 --runas postgres --pgdata "$PGDATA_DIR"
