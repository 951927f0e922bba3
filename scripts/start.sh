#!/usr/bin/env bash
# Brings up the whole product on this machine with a seeded demo: services, schema, seed, apps.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
source scripts/dev-env.sh
npm run --silent build
node dist/scripts/setup-db.js
node dist/scripts/seed-demo.js

cat <<INFO

  Velvet Rope is starting.
    web portal        http://127.0.0.1:${PORTAL_API_PORT}/app/
    portal API        http://127.0.0.1:${PORTAL_API_PORT}/            (OpenAPI: /docs)
    gateway           http://127.0.0.1:${GATEWAY_PORT}/v1          (OpenAI-compatible)
    audit log         http://127.0.0.1:${PORTAL_API_PORT}/audit-log/checkpoint   (C2SP checkpoint and tiles, public)

  Demo logins (password: velvet-demo-password)
    platform admin     admin@velvet.example
    account managers   am1@velvet.example, am2@velvet.example
    security reviewer  security@velvet.example
    Acme Corp admin    alice@acme.example
    Globex admin       bob@globex.example

INFO

# The gateway keeps GC on its request thread (docs/performance.md, "Garbage collection"). Two
# worker processes, one filling an audit batch while the other's is written, each with a young
# generation big enough for the jobs it holds (docs/audit.md). Only the workers get the path of the
# audit signing key (mode 0600); the portal, the gateway and detection never see it. Detection runs in
# its own process, never on the audit writer's CPU (docs/detection.md).
#
# Supervised (scripts/supervisor): a process that exits is started again after a backoff while the
# others keep serving; Ctrl-C / SIGTERM stops them all gracefully. Each process has a private
# Prometheus listener on loopback (METRICS_PORT_BASE + 0..4; docs/scaling.md, "Operations").
METRICS_PORT_BASE=${METRICS_PORT_BASE:-9300}
cat > .velvet/Procfile <<PROCS
api: env METRICS_PORT=$((METRICS_PORT_BASE + 0)) node dist/apps/portal-api/src/main.js
gateway: env METRICS_PORT=$((METRICS_PORT_BASE + 1)) AUDIT_RECEIPT_KEY_FILE='$AUDIT_RECEIPT_KEY_FILE' node --single-threaded-gc dist/apps/gateway/src/main.js
worker1: env METRICS_PORT=$((METRICS_PORT_BASE + 2)) AUDIT_SIGNING_KEY_FILE='$AUDIT_SIGNING_KEY_FILE' node --max-semi-space-size=64 dist/apps/worker/src/main.js
worker2: env METRICS_PORT=$((METRICS_PORT_BASE + 3)) AUDIT_SIGNING_KEY_FILE='$AUDIT_SIGNING_KEY_FILE' node --max-semi-space-size=64 dist/apps/worker/src/main.js
detection: env METRICS_PORT=$((METRICS_PORT_BASE + 4)) node dist/apps/detection-worker/src/main.js
PROCS
echo "  metrics (loopback)  http://127.0.0.1:${METRICS_PORT_BASE}-$((METRICS_PORT_BASE + 4))/metrics   (api, gateway, worker1, worker2, detection)"
echo
exec node dist/scripts/supervise.js .velvet/Procfile
