#!/usr/bin/env bash
# Stops the servers this checkout started (make infra-down). Data under .data/ is kept; delete that
# directory for a clean slate. Servers started from another checkout are reported and left alone.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_service() {
  local service=$1 pid port
  port=$(service_port "$service")
  if ! pid=$(our_pid "$service"); then
    rm -f "$(pid_file "$service")"
    if port_in_use "$port"; then
      log "$service: port $port is served by pid $(port_pid "$port"), not started from this checkout; left running"
    else
      log "$service: not running"
    fi
    return 0
  fi
  log "$service: stopping pid $pid"
  case $service in
    # Fast shutdown: roll back open transactions and disconnect clients instead of waiting for them.
    postgres) kill -INT "$pid" 2>/dev/null || true; terminate "$service" "$pid" 30 ;;
    # Controlled shutdown moves leadership and flushes logs; it takes a few seconds.
    kafka) terminate "$service" "$pid" 60 ;;
    *) terminate "$service" "$pid" 20 ;;
  esac
  rm -f "$(pid_file "$service")"
  log "$service: stopped"
}

main() {
  take_lock
  local i
  # Reverse start order: clients of the others (none today) would go first.
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    stop_service "${SERVICES[i]}"
  done
}

main "$@"
