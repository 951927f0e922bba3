#!/usr/bin/env bash
# Local defaults for the demo. A JWT secret is made once per checkout and kept in .velvet/ (git-ignored).
mkdir -p .velvet
if [ ! -f .velvet/jwt-secret ]; then
  node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64url'))" > .velvet/jwt-secret
fi
# The audit log's tree-head signing key (Ed25519, PKCS#8 DER, base64), made once per checkout like the JWT secret.
if [ ! -f .velvet/audit-signing-key ]; then
  node -e "const {generateKeyPairSync}=require('crypto');process.stdout.write(generateKeyPairSync('ed25519').privateKey.export({format:'der',type:'pkcs8'}).toString('base64'))" > .velvet/audit-signing-key
fi
export NODE_ENV=${NODE_ENV:-development}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/velvet}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export QUEUE_PREFIX=${QUEUE_PREFIX:-velvet}
export JWT_SECRET=${JWT_SECRET:-$(cat .velvet/jwt-secret)}
export PORTAL_API_PORT=${PORTAL_API_PORT:-3000}
export GATEWAY_PORT=${GATEWAY_PORT:-3001}
export WEB_DIST_DIR=${WEB_DIST_DIR:-$PWD/apps/web/dist}
export AUDIT_SIGNING_KEY=${AUDIT_SIGNING_KEY:-$(cat .velvet/audit-signing-key)}
