/** Creates the project's database if missing and applies pending migrations. */
import { parseEnv, baseEnvSchema } from '@velvet/config';
import { ensureDatabase, migrate } from '@velvet/database';

async function main() {
  const env = parseEnv(baseEnvSchema);
  await ensureDatabase(env.DATABASE_URL);
  const ran = await migrate(env.DATABASE_URL);
  console.log(ran.length ? `migrations applied: ${ran.join(', ')}` : 'database schema is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
