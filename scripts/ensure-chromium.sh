#!/usr/bin/env bash
# The browser tests drive Debian's chromium through playwright-core; install it once if it is missing.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update
  $SUDO apt-get install -y chromium
fi
