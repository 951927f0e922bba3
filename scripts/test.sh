#!/usr/bin/env bash
# Every test: unit specs, then integration and end-to-end suites against real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
npm run --silent typecheck
npx jest --selectProjects unit --ci
npx jest --selectProjects e2e --ci --maxWorkers=2
