import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts PostgreSQL and Redis if they are stopped. (The migrated template database is made
 * by the first suite that asks for one: jest's global setup does not see our path aliases.)
 */
export default function globalSetup(): void {
  execFileSync('bash', [join(__dirname, '../scripts/ensure-services.sh')], { stdio: 'inherit' });
}
