#!/usr/bin/env bash
# Installs Debian's Prometheus (2.42) and Alertmanager (0.25) for promtool and amtool, which check and
# unit-test the alert rules in infra/prometheus/rules and the routing of alertmanager.yml. Idempotent:
# does nothing when both are installed.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  take_lock
  command -v promtool >/dev/null && command -v amtool >/dev/null || apt_install prometheus prometheus-alertmanager
fi
promtool --version 2>&1 | head -n 1 >&2 || die "promtool is installed but does not start"
amtool --version 2>&1 | head -n 1 >&2 || die "amtool is installed but does not start"
