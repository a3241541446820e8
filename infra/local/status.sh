#!/usr/bin/env bash
# One line per service: state (healthy / running but not answering / stopped), port, pid, version.
# Exits non-zero unless every service is healthy, so scripts can use it as a readiness check.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local service port pid state version all_healthy=1
  printf '%-9s %-9s %-6s %-8s %s\n' SERVICE STATE PORT PID VERSION
  for service in "${SERVICES[@]}"; do
    port=$(service_port "$service")
    pid=$(our_pid "$service" || port_pid "$port" || true)
    if "${service}_healthy" >/dev/null 2>&1; then
      state=healthy
    elif [[ -n $pid ]]; then
      state=running all_healthy=0
    else
      state=stopped all_healthy=0
    fi
    version=$("${service}_version" || true)
    printf '%-9s %-9s %-6s %-8s %s\n' "$service" "$state" "$port" "${pid:--}" "${version:-not installed}"
  done
  ((all_healthy))
}

main "$@"
