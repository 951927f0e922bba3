import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';
import { canCreateRoles, ensureRoles } from './roles';

/** The URL of the same server's maintenance database, to create or drop others from. */
function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the database named in `url` unless it exists (owned by `owner` when given). `strategy`
 * FILE_COPY copies a large template's files after a checkpoint instead of writing every block
 * through the WAL (PostgreSQL's default, WAL_LOG, is cheaper for small ones).
 */
export async function ensureDatabase(
  url: string,
  template?: string,
  owner?: string,
  strategy?: 'WAL_LOG' | 'FILE_COPY',
): Promise<void> {
  const client = new Client({ connectionString: adminUrl(url) });
  await client.connect();
  try {
    const name = databaseName(url);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(
        `CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}${strategy ? ` STRATEGY ${strategy}` : ''}${owner ? ` OWNER ${quoteIdent(owner)}` : ''}`,
      );
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl(url) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations; returns the names of those it ran. Run it as the owner role (or, in
 * scratch databases of benchmarks, a superuser): the grants migration needs the app role to exist,
 * so a caller that may create roles creates them first.
 */
export async function migrate(url: string): Promise<string[]> {
  if (await canCreateRoles(url)) await ensureRoles(url);
  const dataSource = new DataSource(
    dataSourceOptions({ url, poolSize: 2, applicationName: 'velvet-migrate' }),
  );
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Today's partitions and those ahead (velvet_partitions_maintain), as a deployment's worker makes
 * them when it starts; for a database copied from a template made on an earlier day, which keeps
 * only the partitions of that day. `url` connects as the owner role.
 */
export async function maintainPartitions(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT velvet_partitions_maintain()');
  } finally {
    await client.end();
  }
}
