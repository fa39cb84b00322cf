# Sourced by the deploy scripts: where things live and the addresses everyone uses.
# Every default yields to a value already in the environment.
# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${SHOPSYNC_RUN_DIR:-$REPO/.run}"      # pids, logs, Kafka data (gitignored)
CACHE_DIR="${SHOPSYNC_CACHE_DIR:-$REPO/.cache}" # Kafka jars from Maven Central (gitignored)

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
PGPORT="${PGPORT:-5432}"
PG_USER=shopsync
PG_PASSWORD=shopsync
# One database per consumer service, one for the reference ERP, one for the tests.
# deploy/postgres-init.sql creates the same role and databases (postgres.sh and compose).
PG_DATABASES=(catalog inventory orders erp shopsync_test)

export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"
export PG_BASE_URL="${PG_BASE_URL:-postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PGPORT}"
export DATABASE_URL="${DATABASE_URL:-$PG_BASE_URL/shopsync_test}"

# `pip install --user uv` lands in ~/.local/bin.
export PATH="${HOME:+$HOME/.local/bin:}$PATH"
mkdir -p "$RUN_DIR"

say() {
  if [ -t 2 ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt-get install, with a single `apt-get update` per script run and only when needed.
_apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
  if [ "$_apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    _apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# True when $1 is a live process whose command line contains $2 (guards against a stale
# pid file whose number the kernel has since given to something else).
pid_is() {
  local pid=$1 needle=$2
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$needle"
}
