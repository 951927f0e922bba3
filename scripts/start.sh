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
exec npx concurrently --kill-others --names api,gateway,worker1,worker2,detection --prefix-colors blue,magenta,green,green,yellow \
  "node dist/apps/portal-api/src/main.js" \
  "AUDIT_RECEIPT_KEY_FILE='$AUDIT_RECEIPT_KEY_FILE' node --single-threaded-gc dist/apps/gateway/src/main.js" \
  "AUDIT_SIGNING_KEY_FILE='$AUDIT_SIGNING_KEY_FILE' node --max-semi-space-size=64 dist/apps/audit-worker/src/main.js" \
  "AUDIT_SIGNING_KEY_FILE='$AUDIT_SIGNING_KEY_FILE' node --max-semi-space-size=64 dist/apps/audit-worker/src/main.js" \
  "node dist/apps/detection-worker/src/main.js"
