#!/usr/bin/env bash
# Local defaults for the demo. A JWT secret is made once per checkout and kept in .velvet/ (git-ignored).
mkdir -p .velvet
if [ ! -f .velvet/jwt-secret ]; then
  node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64url'))" > .velvet/jwt-secret
fi
export NODE_ENV=${NODE_ENV:-development}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/velvet}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export QUEUE_PREFIX=${QUEUE_PREFIX:-velvet}
export JWT_SECRET=${JWT_SECRET:-$(cat .velvet/jwt-secret)}
export PORTAL_API_PORT=${PORTAL_API_PORT:-3000}
export GATEWAY_PORT=${GATEWAY_PORT:-3001}
export WEB_DIST_DIR=${WEB_DIST_DIR:-$PWD/apps/web/dist}
