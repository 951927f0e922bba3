#!/usr/bin/env bash
# test/prometheus-scrape.e2e-spec.ts runs Debian's Prometheus against the gateway: install it once
# if missing (without the node exporter it recommends). The package registers a service but starts
# no daemon here; the test runs its own on a free port. Not fatal: the suite skips without it.
set -uo pipefail
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends prometheus \
    || echo "prometheus could not be installed: test/prometheus-scrape.e2e-spec.ts will skip" >&2
fi
exit 0
