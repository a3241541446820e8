#!/usr/bin/env bash
# The ML services run natively, detached, each on its own port with .env.example (then .env)
# as its environment: what `make up` starts after the infrastructure, `make down` stops, `make logs`
# follows and `make status` reports. A service whose src/main.ts does not exist yet is skipped.
# Usage: infra/local/services.sh up | down | status | logs
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# name:port, in start order (the registry and features first: serving and training read them).
APP_SERVICES=(registry-server:5000 feature-server:6566 trainer:8003 ml-serving:8002 model-monitor:8004)
APP_HEALTH_TIMEOUT_S=${APP_HEALTH_TIMEOUT_S:-120}

app_name() { echo "${1%%:*}"; }
app_port() { echo "${1##*:}"; }
app_entry() { echo "$REPO_ROOT/services/$1/src/main.ts"; }
app_healthy() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; }
app_ready() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }

app_pid() {
  local file=$RUN_DIR/$1.pid pid
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(app_entry "$1")" || return 1
  echo "$pid"
}

start_app() {
  local name=$1 port=$2 entry
  entry=$(app_entry "$name")
  if [[ ! -f $entry ]]; then
    log "$name: not built yet ($entry missing); skipped"
    return 0
  fi
  if app_healthy "$port"; then
    log "$name: already running on port $port"
    return 0
  fi
  port_in_use "$port" && die "$name: port $port is held by pid $(port_pid "$port"), which does not answer /healthz"
  log "$name: starting on 127.0.0.1:$port"
  # .env.example first, then the user's .env; PORT last, since every service reads the same files.
  (
    cd "$REPO_ROOT"
    set -a
    # shellcheck source=/dev/null
    source .env.example
    if [[ -f .env ]]; then source .env; fi
    PORT=$port
    set +a
    spawn "$name" node --conditions=source --import tsx "$entry"
  )
  local deadline=$((SECONDS + APP_HEALTH_TIMEOUT_S))
  until app_healthy "$port"; do
    pid=$(app_pid "$name") || fail_service "$name" "the process exited during start-up"
    ((SECONDS < deadline)) || fail_service "$name" "/healthz not answering after ${APP_HEALTH_TIMEOUT_S}s"
    sleep 0.5
  done
  log "$name: healthy"
}

up() {
  local entry
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  for entry in "${APP_SERVICES[@]}"; do start_app "$(app_name "$entry")" "$(app_port "$entry")"; done
}

down() {
  local i entry name pid
  for ((i = ${#APP_SERVICES[@]} - 1; i >= 0; i--)); do
    entry=${APP_SERVICES[i]}
    name=$(app_name "$entry")
    if pid=$(app_pid "$name"); then
      log "$name: stopping pid $pid"
      terminate "$name" "$pid" 20
      log "$name: stopped"
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
}

status() {
  local entry name port pid state all=1
  for entry in "${APP_SERVICES[@]}"; do
    name=$(app_name "$entry") port=$(app_port "$entry")
    pid=$(app_pid "$name" || port_pid "$port" || true)
    if app_ready "$port"; then state=ready
    elif app_healthy "$port"; then state=healthy all=0
    elif [[ ! -f $(app_entry "$name") ]]; then state=absent
    elif [[ -n $pid ]]; then state=running all=0
    else state=stopped all=0
    fi
    printf '%-16s %-9s %-6s %s\n' "$name" "$state" "$port" "${pid:--}"
  done
  ((all))
}

logs() {
  local entry files=()
  for entry in "${APP_SERVICES[@]}"; do
    [[ -f $LOG_DIR/$(app_name "$entry").log ]] && files+=("$LOG_DIR/$(app_name "$entry").log")
  done
  ((${#files[@]} > 0)) || die "no service logs under $LOG_DIR yet: make up first"
  exec tail -n 50 -F "${files[@]}"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) logs ;;
  *) die "usage: $0 up | down | status | logs" ;;
esac
