#!/usr/bin/env bash
# The Temporal dev server (one process, SQLite-backed) on 127.0.0.1:7233, for the payment workflows
# and their tests. Built once with `go install` into the cache dir (a few minutes on 2 cores), then
# reused. Its state lives in .data/temporal/, so started workflows survive a restart.
# Usage: infra/local/temporal.sh up | down | status     (make temporal-up; infra-up/-down/-status call it)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Later tags of the CLI carry a replace directive in go.mod and cannot be go-installed.
TEMPORAL_MODULE=github.com/temporalio/cli
TEMPORAL_VERSION=v1.5.1
TEMPORAL_BIN=$CACHE_DIR/go/bin/temporal
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_HTTP_PORT=${TEMPORAL_HTTP_PORT:-7243}

install_temporal() { go_install_pinned temporal "$TEMPORAL_MODULE" "$TEMPORAL_MODULE/cmd/temporal" "$TEMPORAL_VERSION"; }

# A real gRPC health check against the frontend, answered SERVING once namespaces are loaded.
temporal_healthy() {
  "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 3s 2>/dev/null | grep -q SERVING
}

temporal_pid() {
  local file=$RUN_DIR/temporal.pid pid
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$TEMPORAL_BIN server start-dev" || return 1
  echo "$pid"
}

up() {
  take_lock
  mkdir -p "$DATA_DIR/temporal" "$LOG_DIR" "$RUN_DIR"
  install_temporal
  if temporal_healthy; then
    log "temporal: already running on port $TEMPORAL_PORT"
    return 0
  fi
  if port_in_use "$TEMPORAL_PORT"; then
    local holder
    holder=$(port_pid "$TEMPORAL_PORT")
    # A dev server still loading answers nothing yet; give it the usual start-up time first.
    if [[ -n $(temporal_pid || true) ]]; then
      wait_healthy temporal temporal_healthy "$(temporal_pid)"
      log "temporal: healthy"
      return 0
    fi
    die "temporal: port $TEMPORAL_PORT is held by pid ${holder:-?} ($(ps -o comm= -p "${holder:-0}" 2>/dev/null || echo unknown)), which does not answer as Temporal"
  fi
  log "temporal: starting on 127.0.0.1:$TEMPORAL_PORT"
  spawn temporal "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --http-port "$TEMPORAL_HTTP_PORT" \
    --headless --db-filename "$DATA_DIR/temporal/temporal.db" --log-level warn
  wait_healthy temporal temporal_healthy "$(head -n1 "$RUN_DIR/temporal.pid")"
  log "temporal: healthy"
}

down() {
  take_lock
  local pid
  if ! pid=$(temporal_pid); then
    rm -f "$RUN_DIR/temporal.pid"
    if port_in_use "$TEMPORAL_PORT"; then
      log "temporal: port $TEMPORAL_PORT is served by pid $(port_pid "$TEMPORAL_PORT"), not started from this checkout; left running"
    else
      log "temporal: not running"
    fi
    return 0
  fi
  log "temporal: stopping pid $pid"
  terminate temporal "$pid" 20
  rm -f "$RUN_DIR/temporal.pid"
  log "temporal: stopped"
}

status() {
  local pid state version
  pid=$(temporal_pid || port_pid "$TEMPORAL_PORT" || true)
  if temporal_healthy; then state=healthy
  elif [[ -n $pid ]]; then state=running
  else state=stopped
  fi
  version=$(go_built_version "$TEMPORAL_BIN" "$TEMPORAL_MODULE" || true)
  printf '%-9s %-9s %-6s %-8s %s\n' temporal "$state" "$TEMPORAL_PORT" "${pid:--}" "${version:-not installed}"
  [[ $state == healthy ]]
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up | down | status" ;;
esac
