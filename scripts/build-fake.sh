#!/usr/bin/env bash
# Builds the fake Jira and puts it where the postgres user (which runs the test cluster and
# spawns the fake from inside tests) can execute it.
set -euo pipefail
cd "$(dirname "$0")/.."
FAKE_DIR=${JIRA_FDW_FAKE_DIR:-/tmp/jira_fdw_test}
cargo build --release -p fake-jira --bin fake-jira
mkdir -p "$FAKE_DIR"
install -m 0755 target/release/fake-jira "$FAKE_DIR/fake-jira"
chmod 0755 "$FAKE_DIR"
echo "$FAKE_DIR/fake-jira"
