#!/usr/bin/env bash
# Installs what the project needs and is missing, then syncs the Python environment.
# Idempotent: on a machine that has everything it only runs `uv sync --frozen`.
#   needs: python3 + uv, Java 17+ and Maven (Kafka from Maven Central), PostgreSQL (Debian)
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

java_ok() {
  command -v java >/dev/null || return 1
  local v
  v=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  [ "${v%%.*}" -ge 17 ] 2>/dev/null
}
pg_ok() {
  command -v pg_ctlcluster >/dev/null && command -v pg_lsclusters >/dev/null \
    && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

need=()
command -v python3 >/dev/null || need+=(python3)
java_ok || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
pg_ok || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
java_ok || die "java 17+ is still missing after apt-get install"
pg_version=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1 | cut -d/ -f5)
mvn_version=$(mvn -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '/^Apache Maven/ {print $3; exit}')
say "java $(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}'), maven $mvn_version, postgresql $pg_version"

if ! command -v uv >/dev/null; then
  if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip; fi
  say "pip install uv"
  # Debian 12 marks its Python externally managed (PEP 668): pip then wants the flag.
  python3 -m pip install -q --root-user-action=ignore uv 2>/dev/null \
    || python3 -m pip install -q --root-user-action=ignore --break-system-packages uv
  hash -r
  command -v uv >/dev/null || die "uv was installed but is not on PATH"
fi

cd "$REPO"
if [ -f uv.lock ]; then
  say "uv sync --frozen ($(uv --version))"
  uv sync --frozen --quiet
else
  say "uv sync ($(uv --version); no uv.lock yet)"
  uv sync --quiet
fi
say "bootstrap done"
