#!/usr/bin/env bash
# The one test command (`make test`, `.ci/run`): install what is missing, start Kafka and
# Postgres, run every gate in order, stop what this script started. Stops at the first
# failing gate. Extra arguments go to pytest:  bash deploy/test.sh -m unit -x
#
# Servers the caller provides are used as they are: set KAFKA_BOOTSTRAP_SERVERS and/or
# DATABASE_URL (the test database; PG_BASE_URL defaults to it minus the database name)
# and this script starts neither of them. A broker or cluster already running (make up)
# is used and left running.
set -euo pipefail
caller_kafka="${KAFKA_BOOTSTRAP_SERVERS:-}"
caller_db="${DATABASE_URL:-}"
caller_pg_base="${PG_BASE_URL:-}"
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"

now_ms() { date +%s%3N; }
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%01d' $((d / 1000)) $((d % 1000 / 100)); }
t_start=$(now_ms)

stop_list=()
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  local what
  for what in "${stop_list[@]+"${stop_list[@]}"}"; do
    bash "deploy/$what.sh" stop || echo "warning: deploy/$what.sh stop failed" >&2
  done
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "bootstrap"
bash deploy/bootstrap.sh

if [ -z "$caller_kafka" ]; then
  if bash deploy/kafka.sh status | grep -q running; then
    say "kafka: using the broker already running at $KAFKA_BOOTSTRAP_SERVERS"
    bash deploy/kafka.sh start  # checks it still answers a round trip
  else
    stop_list+=(kafka)  # before start: a half-started broker is stopped too
    bash deploy/kafka.sh start
  fi
else
  say "kafka: using KAFKA_BOOTSTRAP_SERVERS=$caller_kafka from the environment"
fi

if [ -z "$caller_db" ]; then
  had_marker=0
  if [ -f "$RUN_DIR/postgres.started" ]; then had_marker=1; fi
  bash deploy/postgres.sh start
  if [ "$had_marker" = 0 ] && [ -f "$RUN_DIR/postgres.started" ]; then stop_list+=(postgres); fi
  DATABASE_URL="$PG_BASE_URL/shopsync_test"
else
  say "postgres: using DATABASE_URL from the environment"
  DATABASE_URL="$caller_db"
  if [ -z "$caller_pg_base" ]; then PG_BASE_URL="${caller_db%/*}"; fi
fi
export KAFKA_BOOTSTRAP_SERVERS DATABASE_URL PG_BASE_URL

gates=0
gate() {
  local name=$1
  shift
  gates=$((gates + 1))
  local t0
  t0=$(now_ms)
  say "[$gates/5] $name"
  if ! "$@"; then
    echo "FAILED: gate '$name' failed after $(secs_since "$t0") s: $*" >&2
    echo "FAILED: stopping at the first failing gate ($(secs_since "$t_start") s in total)" >&2
    exit 1
  fi
  echo "ok: $name ($(secs_since "$t0") s)"
}

gate "ruff check" uv run --no-sync ruff check .
gate "ruff format --check" uv run --no-sync ruff format --check .
gate "mypy libs services sim" uv run --no-sync mypy libs services sim
gate "import-linter" uv run --no-sync lint-imports
gate "pytest $*" uv run --no-sync pytest "$@"
say "all 5 gates passed in $(secs_since "$t_start") s"
