#!/usr/bin/env bash
# Local defaults for the demo. Secrets are made once per checkout and kept in .velvet/ (git-ignored).
mkdir -p .velvet
if [ ! -f .velvet/jwt-secret ]; then
  node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64url'))" > .velvet/jwt-secret
fi
# The audit log's signing key (Ed25519, PKCS#8 DER, base64), readable by its owner only. Only the
# audit worker is given its path (scripts/start.sh); the portal and the gateway never see it.
if [ ! -f .velvet/audit-signing-key ]; then
  (umask 077 && node -e "const {generateKeyPairSync}=require('crypto');process.stdout.write(generateKeyPairSync('ed25519').privateKey.export({format:'der',type:'pkcs8'}).toString('base64'))" > .velvet/audit-signing-key)
fi
chmod 600 .velvet/audit-signing-key
# The gateway's receipt key (signs customers' receipts; not the log's key), given to the gateway alone.
if [ ! -f .velvet/audit-receipt-key ]; then
  (umask 077 && node -e "const {generateKeyPairSync}=require('crypto');process.stdout.write(generateKeyPairSync('ed25519').privateKey.export({format:'der',type:'pkcs8'}).toString('base64'))" > .velvet/audit-receipt-key)
fi
chmod 600 .velvet/audit-receipt-key
export NODE_ENV=${NODE_ENV:-development}
# Least privilege (docs/audit.md): the apps connect as velvet_app, migrations run as velvet_owner,
# and only setup-db uses the superuser, to create those roles.
export DATABASE_ADMIN_URL=${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export DATABASE_MIGRATION_URL=${DATABASE_MIGRATION_URL:-postgres://velvet_owner@127.0.0.1:5432/velvet}
export DATABASE_URL=${DATABASE_URL:-postgres://velvet_app@127.0.0.1:5432/velvet}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export QUEUE_PREFIX=${QUEUE_PREFIX:-velvet}
export JWT_SECRET=${JWT_SECRET:-$(cat .velvet/jwt-secret)}
export PORTAL_API_PORT=${PORTAL_API_PORT:-3000}
export GATEWAY_PORT=${GATEWAY_PORT:-3001}
export WEB_DIST_DIR=${WEB_DIST_DIR:-$PWD/apps/web/dist}
export AUDIT_LOG_ORIGIN=${AUDIT_LOG_ORIGIN:-127.0.0.1:${PORTAL_API_PORT}/audit-log}
# Not exported: scripts/start.sh hands it to the audit worker processes alone.
AUDIT_SIGNING_KEY_FILE=${AUDIT_SIGNING_KEY_FILE:-$PWD/.velvet/audit-signing-key}
AUDIT_RECEIPT_KEY_FILE=${AUDIT_RECEIPT_KEY_FILE:-$PWD/.velvet/audit-receipt-key}
