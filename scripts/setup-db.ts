/**
 * Creates the project's database if missing and applies pending migrations, with the role split
 * (libs/database/src/roles.ts): given DATABASE_ADMIN_URL (a superuser), it creates the owner and
 * app roles (passwords taken from DATABASE_MIGRATION_URL and DATABASE_URL), makes the database
 * owned by the owner role (handing over one made before the split), and migrates as the owner
 * (DATABASE_MIGRATION_URL). Without them it migrates as DATABASE_URL, as before.
 */
import { baseEnvSchema, parseEnv } from '@velvet/config';
import {
  APP_ROLE,
  databaseName,
  ensureDatabase,
  ensureRoles,
  migrate,
  OWNER_ROLE,
  transferOwnership,
} from '@velvet/database';
import { z } from 'zod';

const pgUrl = z.url({ protocol: /^postgres(ql)?$/ });
const setupEnvSchema = baseEnvSchema.extend({
  DATABASE_ADMIN_URL: pgUrl.optional(),
  DATABASE_MIGRATION_URL: pgUrl.optional(),
});

const userOf = (url: string) => decodeURIComponent(new URL(url).username);
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password) || undefined;

async function main() {
  const env = parseEnv(setupEnvSchema);
  const migrationUrl = env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL;
  if (env.DATABASE_ADMIN_URL) {
    if (userOf(migrationUrl) !== OWNER_ROLE || userOf(env.DATABASE_URL) !== APP_ROLE) {
      throw new Error(
        `DATABASE_MIGRATION_URL must connect as ${OWNER_ROLE} and DATABASE_URL as ${APP_ROLE}`,
      );
    }
    await ensureRoles(env.DATABASE_ADMIN_URL, {
      owner: passwordOf(migrationUrl),
      app: passwordOf(env.DATABASE_URL),
    });
    const name = databaseName(migrationUrl);
    const adminOfDatabase = new URL(env.DATABASE_ADMIN_URL);
    adminOfDatabase.pathname = `/${encodeURIComponent(name)}`;
    await ensureDatabase(adminOfDatabase.toString(), undefined, OWNER_ROLE);
    await transferOwnership(adminOfDatabase.toString(), name);
  } else {
    await ensureDatabase(migrationUrl);
  }
  const ran = await migrate(migrationUrl);
  console.log(
    ran.length ? `migrations applied: ${ran.join(', ')}` : 'database schema is up to date',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
