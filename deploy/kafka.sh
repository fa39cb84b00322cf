#!/usr/bin/env bash
# A single-node Apache Kafka 4 (KRaft) from the Maven Central jars; no Docker needed.
#   deploy/kafka.sh fetch|start|stop|restart|status|reset
# start is ready only after a real produce/consume round trip (deploy/kafka_ready.py).
# KAFKA_FRESH=1 deploy/kafka.sh start   wipes the broker's data first.
# Ports: KAFKA_PORT (9092, clients), KAFKA_CONTROLLER_PORT (9093, KRaft controller).
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

LIBS="$CACHE_DIR/kafka/libs"
KDIR="$RUN_DIR/kafka"
DATA="$KDIR/data"
PIDFILE="$KDIR/kafka.pid"
LOG="$KDIR/kafka.log"
CONF="$KDIR/server.properties"
HEAP="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"

pid() { cat "$PIDFILE" 2>/dev/null || true; }
running() { pid_is "$(pid)" kafka.Kafka; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  if compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then return 0; fi
  command -v mvn >/dev/null || bash "$REPO/deploy/bootstrap.sh"
  say "resolving Apache Kafka from Maven Central into .cache/kafka/libs (once)"
  mkdir -p "$LIBS"
  mvn -B -q -Dstyle.color=never -f "$REPO/deploy/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$CACHE_DIR/kafka/fetch.log" 2>&1 \
    || { cat "$CACHE_DIR/kafka/fetch.log" >&2; die "maven could not resolve Kafka"; }
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null || die "maven resolved no kafka_2.13 jar"
}

ready() {  # ready <timeout-s> [pid]: a produce/consume round trip through the broker
  [ -x "$REPO/.venv/bin/python" ] || bash "$REPO/deploy/bootstrap.sh"
  local -a args=(--timeout "$1")
  if [ -n "${2:-}" ]; then args+=(--pid "$2"); fi
  (cd "$REPO" && KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
    uv run --no-sync python deploy/kafka_ready.py "${args[@]}")
}

configure() {
  mkdir -p "$DATA"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$DATA|g" \
      "$REPO/deploy/kafka/server.properties.in" > "$CONF"
  if [ ! -f "$DATA/meta.properties" ]; then
    local id
    id=$(java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    [ -n "$id" ] || die "kafka.tools.StorageTool random-uuid printed nothing"
    say "formatting KRaft storage (cluster id $id)"
    java -cp "$LIBS/*" kafka.tools.StorageTool format --standalone --ignore-formatted \
      -t "$id" -c "$CONF" >"$KDIR/format.log" 2>&1 \
      || { cat "$KDIR/format.log" >&2; die "kafka storage format failed"; }
  fi
}

start() {
  if [ "${KAFKA_FRESH:-0}" = 1 ]; then reset; fi
  local t0=$SECONDS
  if running; then
    ready 30 "$(pid)" && return 0
    die "kafka (pid $(pid)) runs but does not answer a round trip; see $LOG"
  fi
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "127.0.0.1:$port is taken by a process this script did not start (another broker?)"
    fi
  done
  fetch
  configure
  say "starting kafka on 127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
  printf -- '--- %s: deploy/kafka.sh start\n' "$(date -u +%FT%TZ)" >>"$LOG"
  # setsid: the broker gets its own session, so it outlives this shell and make's Ctrl-C.
  # shellcheck disable=SC2086  # $HEAP holds several JVM flags
  setsid java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$REPO/deploy/kafka/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$CONF" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  if ! ready "$READY_TIMEOUT" "$(pid)"; then
    echo "--- errors and last lines of $LOG ---" >&2
    grep -E '^\[[^]]*\] (ERROR|FATAL)|^Caused by' "$LOG" | tail -n 5 >&2 || true
    tail -n 15 "$LOG" >&2
    stop
    die "kafka did not become ready"
  fi
  say "kafka ready at 127.0.0.1:$KAFKA_PORT in $((SECONDS - t0)) s (pid $(pid), log $LOG)"
}

stop() {
  if ! running; then rm -f "$PIDFILE"; return 0; fi
  local p; p=$(pid)
  say "stopping kafka (pid $p)"
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$p" 2>/dev/null; then
    say "kafka still running 30 s after SIGTERM; sending SIGKILL"
    kill -KILL "$p" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$PIDFILE"
}

reset() {
  stop
  rm -rf "$KDIR"
  say "kafka data removed (.run/kafka)"
}

status() {
  if running; then
    echo "kafka: running (pid $(pid), 127.0.0.1:$KAFKA_PORT)"
  else
    echo "kafka: stopped"
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  reset) reset ;;
  *) echo "usage: $0 fetch|start|stop|restart|status|reset" >&2; exit 2 ;;
esac
