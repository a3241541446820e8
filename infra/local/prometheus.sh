#!/usr/bin/env bash
# Installs Debian's Prometheus (2.42) for promtool, which checks and unit-tests the alert rules in
# infra/prometheus/rules. Idempotent: does nothing when promtool is already installed.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v promtool >/dev/null; then
  take_lock
  command -v promtool >/dev/null || apt_install prometheus
fi
promtool --version 2>&1 | head -n 1 >&2 || die "promtool is installed but does not start"
