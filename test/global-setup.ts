import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * Tags the run, and starts PostgreSQL and Redis if they are stopped. (The migrated template database is made
 * by the first suite that asks for one: jest's global setup does not see our path aliases.)
 */
export default function globalSetup(): void {
  // This run's tag in every queue prefix (testQueuePrefix); the workers inherit it.
  process.env.VELVET_TEST_RUN = `r${randomBytes(4).toString('hex')}`;
  execFileSync('bash', [join(__dirname, '../scripts/ensure-services.sh')], { stdio: 'inherit' });
}
