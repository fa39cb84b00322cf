#!/usr/bin/env bash
# The four services as background processes on this machine, each with its own database,
# and the emulators they talk to locally: Shopify (sim/shopify) and a reference ERP (sim/erp).
#   deploy/services.sh start|stop|status
# Needs Kafka and Postgres up (deploy/kafka.sh start, deploy/postgres.sh start).
# Ports: GATEWAY_HTTP_PORT (8080), CATALOG_HTTP_PORT (8091), INVENTORY_HTTP_PORT (8092),
# ORDERS_HTTP_PORT (8093), SHOPIFY_SIM_PORT (8081), ERP_SIM_PORT (8082); values already in
# the environment win.
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SERVICES=(gateway catalog inventory orders shopify_sim erp_sim)
PIDS="$RUN_DIR/pids"
LOGS="$RUN_DIR/logs"
HEALTH_TIMEOUT="${SERVICES_HEALTH_TIMEOUT:-60}"
mkdir -p "$PIDS" "$LOGS"

port_of() {
  local var="${1^^}_HTTP_PORT" default
  case "$1" in shopify_sim | erp_sim) var="${1^^}_PORT" ;; esac
  case "$1" in
    gateway) default=8080 ;;
    catalog) default=8091 ;;
    inventory) default=8092 ;;
    orders) default=8093 ;;
    shopify_sim) default=8081 ;;
    erp_sim) default=8082 ;;
    *) die "unknown service $1" ;;
  esac
  echo "${!var:-$default}"
}

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
# Ours: `uv run --no-sync python -m <svc>` (older pid files named a services.sh wrapper).
alive() { pid_is "$(pid_of "$1")" "-m $1" || pid_is "$(pid_of "$1")" deploy/services.sh; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

healthy() {
  "$REPO/.venv/bin/python" - "http://127.0.0.1:$(port_of "$1")/health" <<'PY' 2>/dev/null
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

start_one() {
  local svc=$1 port
  port=$(port_of "$svc")
  if alive "$svc"; then
    say "$svc already running (pid $(pid_of "$svc"))"
    return 0
  fi
  if port_open "$port"; then
    die "127.0.0.1:$port ($svc) is taken by a process this script did not start"
  fi
  local -a env=(KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS" "${svc^^}_HTTP_PORT=$port")
  if [ "$svc" = shopify_sim ]; then
    env=(-u DATABASE_URL "SHOPIFY_SIM_PORT=$port")  # in-memory shops, demo data seeded
  elif [ "$svc" = erp_sim ]; then
    # its own database; the demo company's change events go to the gateway
    env=(-u DATABASE_URL "ERP_SIM_PORT=$port" "ERP_SIM_DATABASE_URL=$PG_BASE_URL/erp"
      "ERP_SIM_EVENT_URL=${ERP_SIM_EVENT_URL:-http://127.0.0.1:$(port_of gateway)/erp/demo/events}")
  elif [ "$svc" = gateway ]; then
    # no database; the demo tenant, with the emulators' published demo secrets
    env=(-u DATABASE_URL "${env[@]}"
      "GATEWAY_TENANTS_FILE=${GATEWAY_TENANTS_FILE:-$REPO/deploy/tenants.demo.toml}"
      "GATEWAY_TENANT_DEMO_SHOPIFY_SECRETS=${GATEWAY_TENANT_DEMO_SHOPIFY_SECRETS:-demo_app_secret}"
      "GATEWAY_TENANT_DEMO_ERP_SECRETS=${GATEWAY_TENANT_DEMO_ERP_SECRETS:-demo_erp_event_secret}")
  elif [ "$svc" = orders ]; then
    # the demo tenant's policy and its ERP and Shopify credentials (the emulators' demo ones)
    env+=(DATABASE_URL="$PG_BASE_URL/$svc"
      "ORDERS_TENANTS_FILE=${ORDERS_TENANTS_FILE:-$REPO/deploy/tenants.demo.toml}"
      "ORDERS_TENANT_DEMO_ERP_API_KEY=${ORDERS_TENANT_DEMO_ERP_API_KEY:-erp_demo_api_key}"
      "ORDERS_TENANT_DEMO_SHOPIFY_TOKEN=${ORDERS_TENANT_DEMO_SHOPIFY_TOKEN:-shpat_demo_access_token}")
  else
    env+=(DATABASE_URL="$PG_BASE_URL/$svc")
  fi
  printf -- '--- %s: deploy/services.sh start\n' "$(date -u +%FT%TZ)" >>"$LOGS/$svc.log"
  # setsid: its own process group (uv plus the python it spawns), outliving this shell.
  # In a non-interactive shell the child is no group leader, so setsid execs in place
  # and $! is uv's pid, which is also the group id.
  env "${env[@]}" setsid uv run --no-sync python -m "$svc" \
    >>"$LOGS/$svc.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$svc.pid"
  STARTED+=("$svc")
}

wait_healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) svc pending=("$@") left
  while [ ${#pending[@]} -gt 0 ]; do
    left=()
    for svc in "${pending[@]}"; do
      if healthy "$svc"; then continue; fi
      if ! alive "$svc" || [ $SECONDS -ge $deadline ]; then
        echo "--- last lines of ${LOGS#"$REPO"/}/$svc.log ---" >&2
        # this run's lines only (each start writes a "--- <time>: ..." line first)
        awk '/^--- .*deploy\/services.sh start$/ {n = 0} {line[n++] = $0}
             END {for (i = (n > 30 ? n - 30 : 0); i < n; i++) print line[i]}' \
          "$LOGS/$svc.log" >&2
        if alive "$svc"; then
          echo "error: $svc did not answer /health on port $(port_of "$svc") within ${HEALTH_TIMEOUT} s" >&2
        else
          echo "error: $svc exited before answering /health" >&2
        fi
        return 1
      fi
      left+=("$svc")
    done
    pending=("${left[@]+"${left[@]}"}")
    if [ ${#pending[@]} -gt 0 ]; then sleep 0.5; fi
  done
}

table() {
  local svc base
  printf '\n%-10s %-30s %-31s %s\n' service health metrics log
  for svc in "${SERVICES[@]}"; do
    case "$svc" in shopify_sim | erp_sim) continue ;; esac
    base="http://127.0.0.1:$(port_of "$svc")"
    printf '%-10s %-30s %-31s %s\n' "$svc" "$base/health" "$base/metrics" "${LOGS#"$REPO"/}/$svc.log"
  done
  base="http://127.0.0.1:$(port_of shopify_sim)"
  printf '\n%-10s %s/admin/api/2026-10/graphql.json\n' shopify "$base"
  printf '%-10s shop demo.myshopify.com, token shpat_demo_access_token, merchant actions %s/_sim/\n' '' "$base"
  base="http://127.0.0.1:$(port_of erp_sim)"
  printf '%-10s %s/v1/ (company demo, API key erp_demo_api_key), operator actions %s/_erp/\n' erp "$base" "$base"
  printf '\n%-10s %s\n' kafka "$KAFKA_BOOTSTRAP_SERVERS"
  printf '%-10s %s/{%s}\n\n' postgres "$PG_BASE_URL" "$(IFS=,; echo "${PG_DATABASES[*]}")"
}

start() {
  [ -x "$REPO/.venv/bin/python" ] || bash "$REPO/deploy/bootstrap.sh"
  cd "$REPO"
  STARTED=()
  local svc
  for svc in "${SERVICES[@]}"; do start_one "$svc"; done
  if ! wait_healthy "${SERVICES[@]}"; then
    for svc in "${STARTED[@]+"${STARTED[@]}"}"; do stop_one "$svc"; done
    die "services did not start; the ones this run started are stopped again"
  fi
  say "services healthy"
  subscribe_demo_shop
  table
}

# The demo shop's webhooks go to the gateway, as an installed app would register them
# (repeatable: subscriptions that exist are reported as such).
subscribe_demo_shop() {
  local out
  if ! out=$(SHOPIFY_ACCESS_TOKEN=shpat_demo_access_token uv run --no-sync syncctl webhooks register \
    --tenant demo --shop-domain demo.myshopify.com \
    --api-url "http://127.0.0.1:$(port_of shopify_sim)" \
    --callback "http://127.0.0.1:$(port_of gateway)/webhooks/shopify" 2>&1); then
    printf '%s\n' "$out" >&2
    die "could not subscribe the demo shop's webhooks to the gateway"
  fi
  say "demo shop webhooks -> gateway: ${out##*: }"
}

children() {  # direct children of $1
  if command -v pgrep >/dev/null; then
    pgrep -P "$1" || true
  else
    cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d' || true
  fi
}

tree() {  # $1 and every descendant
  local p c
  for p in "$@"; do
    echo "$p"
    for c in $(children "$p"); do tree "$c"; done
  done
}

any_alive() {
  local p
  for p in "$@"; do if kill -0 "$p" 2>/dev/null; then return 0; fi; done
  return 1
}

stop_one() {
  local svc=$1 pid
  pid=$(pid_of "$svc")
  if ! alive "$svc"; then rm -f "$PIDS/$svc.pid"; return 0; fi
  local -a procs
  mapfile -t procs < <(tree "$pid")
  # SIGTERM to uv only: it forwards the signal to python. A second SIGTERM straight to
  # python would make uvicorn skip its graceful shutdown.
  kill -TERM "$pid" 2>/dev/null || true
  local orphans_signalled=0
  for _ in $(seq 1 60); do
    any_alive "${procs[@]}" || break
    # The launcher is gone but something it started is not: signal that directly, once.
    if [ "$orphans_signalled" = 0 ] && ! kill -0 "$pid" 2>/dev/null; then
      kill -TERM "${procs[@]}" 2>/dev/null || true
      orphans_signalled=1
    fi
    sleep 0.5
  done
  if any_alive "${procs[@]}"; then
    say "$svc still running 30 s after SIGTERM; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "${procs[@]}" 2>/dev/null || true
  fi
  rm -f "$PIDS/$svc.pid"
  say "$svc stopped"
}

stop() {
  local svc
  for svc in "${SERVICES[@]}"; do stop_one "$svc" & done
  wait
}

status() {
  local svc port
  for svc in "${SERVICES[@]}"; do
    port=$(port_of "$svc")
    if alive "$svc"; then
      if healthy "$svc"; then
        echo "$svc: healthy (pid $(pid_of "$svc"), http://127.0.0.1:$port)"
      else
        echo "$svc: running, not healthy (pid $(pid_of "$svc"), http://127.0.0.1:$port)"
      fi
    else
      echo "$svc: stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
