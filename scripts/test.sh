#!/usr/bin/env bash
# Every test: unit specs, then integration and end-to-end suites against real PostgreSQL and Redis.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh || exit 1
npm run --silent typecheck || exit 1
npm run --silent lint || exit 1
npm run --silent typecheck:web || exit 1
bash scripts/ensure-chromium.sh || exit 1
# Go's sumdb/note and sumdb/tlog check the audit log's checkpoint and tiles (test/audit-tlog.e2e-spec.ts).
bash scripts/ensure-go-verifier.sh || exit 1

mkdir -p .velvet
status=0
npx jest --selectProjects unit --ci --json --outputFile=.velvet/jest-unit.json || status=1
npx jest --selectProjects e2e --ci --maxWorkers=2 --json --outputFile=.velvet/jest-e2e.json || status=1

# Audit faults (issue 5): SIGKILLs the worker and restarts the local Redis and PostgreSQL, so it runs
# alone, after the suites (~2 min). VELVET_SKIP_FAULTS=1 skips it on a machine shared with other work.
if [ "${VELVET_SKIP_FAULTS:-0}" != "1" ]; then
  if npm run --silent test:faults > .velvet/faults.log 2>&1; then echo "audit fault test: passed"; else status=1; tail -40 .velvet/faults.log; echo "audit fault test: FAILED"; fi
fi

# One plain closing line over both runs, for people and for CI.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of [".velvet/jest-unit.json", ".velvet/jest-e2e.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit $status
