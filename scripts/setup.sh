#!/usr/bin/env bash
# Installs what building and testing jira_fdw needs on Debian 12, as root: Postgres 15 with its
# server headers, clang for bindgen, sudo (tests run Postgres as the postgres user), cargo-pgrx.
# Safe to run again: each step is skipped when already done.
set -euo pipefail

PGRX_VERSION=0.18.0
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

need_packages=()
for p in postgresql-15 postgresql-server-dev-15 libclang-dev clang sudo pkg-config ca-certificates; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_packages+=("$p")
done
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "==> apt-get install ${need_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}"
fi

if ! command -v cargo >/dev/null; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null || { echo "cargo (Rust 1.95+) is required" >&2; exit 1; }

if ! cargo pgrx --version 2>/dev/null | grep -q "$PGRX_VERSION"; then
  echo "==> cargo install cargo-pgrx $PGRX_VERSION (takes a few minutes)"
  cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
fi

if ! grep -qs "pg15 = \"$PG_CONFIG\"" "${PGRX_HOME:-$HOME/.pgrx}/config.toml"; then
  echo "==> cargo pgrx init --pg15 $PG_CONFIG"
  cargo pgrx init --pg15 "$PG_CONFIG"
fi
