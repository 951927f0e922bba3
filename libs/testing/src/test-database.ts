import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  APP_ROLE,
  dropDatabase,
  ensureDatabase,
  ensureRoles,
  maintainPartitions,
  migrate,
  OWNER_ROLE,
  urlAs,
} from '@velvet/database';

export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

const MIGRATIONS_DIR = join(__dirname, '../../database/src/migrations');
/** SQL a migration takes from a lib (the audit log's leaf CHECK, which the signer compares with the installed one). */
const MIGRATION_SOURCES = [join(__dirname, '../../audit/src/integrity/leaf-check.sql.ts')];

/** The template's name changes whenever a migration file does, so a stale schema is never cloned. */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort())
    hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  for (const file of MIGRATION_SOURCES) hash.update(readFileSync(file));
  return `velvet_test_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/** As the server's superuser (create, clone, drop; and tests that tamper with the log). */
const urlFor = (name: string) => `${TEST_SERVER_URL}/${name}`;

function refuseNonTest(name: string): void {
  if (!name.includes('test'))
    throw new Error(`refusing to touch database ${name}: its name lacks "test"`);
}

/** Creates the migrated template once per schema version; safe when several runs race. */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  const admin = new Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(742001)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const building = `${name}_building`;
      await ensureRoles(urlFor('postgres'));
      await dropDatabase(urlFor(building));
      await ensureDatabase(urlFor(building), undefined, OWNER_ROLE);
      // As deployed: the owner role migrates, and its grants travel with every clone of the template.
      await migrate(urlAs(urlFor(building), OWNER_ROLE));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(742001)').catch(() => undefined);
    await admin.end();
  }
  return name;
}

export interface TestDatabase {
  /** As the app role, like the deployed apps: no UPDATE/DELETE on the audit log, no DDL. */
  url: string;
  /** As the owner role (what migrations run as). */
  ownerUrl: string;
  /** As the superuser, for tests that tamper with the database the way an insider could. */
  adminUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one suite, cloned from the template in well under a second. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = `velvet_test_s_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  refuseNonTest(name);
  const adminUrl = urlFor(name);
  // Roles are cluster-wide; a template built by an older checkout may predate them.
  await ensureRoles(urlFor('postgres'));
  await ensureDatabase(adminUrl, template, OWNER_ROLE);
  // The template keeps the partitions of the day it was built, possibly long ago; a deployment's
  // worker runs the upkeep when it starts, so a fresh database gets today's partitions the same way.
  await maintainPartitions(urlAs(adminUrl, OWNER_ROLE));
  return {
    url: urlAs(adminUrl, APP_ROLE),
    ownerUrl: urlAs(adminUrl, OWNER_ROLE),
    adminUrl,
    name,
    drop: () => dropDatabase(adminUrl),
  };
}

/**
 * A Redis key prefix of its own, so suites sharing a Redis never see each other's queues. Under
 * jest it carries the run's tag (`VELVET_TEST_RUN`, set by test/global-setup.ts), so the run's
 * global teardown deletes every key its suites and the apps they started left behind, and none of
 * a concurrent run's.
 */
export const testQueuePrefix = (): string => {
  const run = process.env.VELVET_TEST_RUN;
  return `test-${Date.now().toString(36)}-${run ? `${run}-` : ''}${randomBytes(3).toString('hex')}`;
};
