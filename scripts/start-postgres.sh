#!/usr/bin/env bash
# Starts a local PostgreSQL server for the history-database tests and prints the URL they connect to.
# Installs Debian's postgresql when it is missing; creates the role and database `assess_test` once.
# Usage:  export ASSESS_TEST_POSTGRES="$(bash scripts/start-postgres.sh)"
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi

read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != "online" ]; then
  $SUDO pg_ctlcluster "$version" "$cluster" start >&2
fi

as_postgres() { $SUDO -u postgres "$@"; }
[ "$(id -u)" -eq 0 ] && as_postgres() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }

exists=$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'assess_test'")
if [ "$exists" != "1" ]; then
  as_postgres psql -p "$port" -qc "CREATE ROLE assess_test LOGIN PASSWORD 'assess_test'" >&2
  as_postgres psql -p "$port" -qc "CREATE DATABASE assess_test OWNER assess_test" >&2
fi
echo "postgresql+psycopg://assess_test:assess_test@127.0.0.1:${port}/assess_test"
