#!/usr/bin/env bash
# Installs Debian's Chromium for the registry UI's browser tests and bench (playwright-core drives
# /usr/bin/chromium; `npx playwright install` cannot download browsers here). Idempotent: does
# nothing when chromium is already installed. Prints the browser's version.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v chromium >/dev/null; then
  take_lock
  command -v chromium >/dev/null || apt_install chromium
fi
# chromium's wrapper script prints shell noise on some machines; the binary's version line is what counts.
chromium --version 2>/dev/null | head -n 1 >&2 || die "chromium is installed but does not start"
