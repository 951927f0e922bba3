import type { QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * How one history table is partitioned: by month on a timestamptz column the rows never change.
 * PostgreSQL requires every unique key of a partitioned table to include the partition column,
 * so each key is given here with it; every `ON CONFLICT` on the table must name the same columns.
 */
export interface MonthlyPartitioning {
  table: string;
  column: string;
  primaryKey: string[];
  uniques?: { name: string; columns: string[] }[];
  /** An identity column: partitioned tables have none before PostgreSQL 17, so it becomes a sequence default. */
  identity?: string;
  /** Partitions whose range ended this long ago are dropped by velvet_partitions_maintain(); null keeps all. */
  retention: string | null;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/**
 * Rebuilds `table` as a table partitioned by month on `column`, with the same columns, CHECKs,
 * defaults, indexes, foreign keys and app-role grants, one partition per month that holds rows
 * (plus the next three) and a DEFAULT partition so an insert never fails for want of a partition.
 * Rows are copied: fine for the sizes a migration meets here; for a table of billions see
 * docs/scaling.md ("Partitioned history": attach the old table as one partition instead).
 * Registers the table for velvet_partitions_maintain().
 */
export async function partitionByMonth(runner: QueryRunner, p: MonthlyPartitioning): Promise<void> {
  const t = q(p.table);
  const legacy = `${p.table}_unpartitioned`;
  const triggers = await runner.query(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
    [p.table],
  );
  if (triggers.length)
    throw new Error(
      `${p.table} has triggers (${triggers.map((r: { tgname: string }) => r.tgname).join(', ')}): partition it by hand`,
    );
  const referencedBy = await runner.query(
    `SELECT conname FROM pg_constraint WHERE confrelid = $1::regclass`,
    [p.table],
  );
  if (referencedBy.length)
    throw new Error(`${p.table} is referenced by foreign keys: partition it by hand`);
  // What must be rebuilt on the new table: plain indexes and foreign keys, as PostgreSQL prints them.
  const indexes: { def: string }[] = await runner.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisunique`,
    [p.table],
  );
  const foreignKeys: { name: string; def: string }[] = await runner.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
    [p.table],
  );
  const grants: { privilege_type: string }[] = await runner.query(
    `SELECT privilege_type FROM information_schema.role_table_grants WHERE table_schema = 'public' AND table_name = $1 AND grantee = $2`,
    [p.table, APP_ROLE],
  );
  const [{ next }] = p.identity
    ? await runner.query(`SELECT COALESCE(MAX(${q(p.identity)}), 0) + 1 AS next FROM ${t}`)
    : [{ next: null }];

  // the identity's sequence takes the name the new sequence gets
  if (p.identity)
    await runner.query(`ALTER TABLE ${t} ALTER COLUMN ${q(p.identity)} DROP IDENTITY`);
  await runner.query(`ALTER TABLE ${t} RENAME TO ${q(legacy)}`);
  await runner.query(
    `CREATE TABLE ${t} (LIKE ${q(legacy)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (${q(p.column)})`,
  );
  if (p.identity) {
    const seq = `${p.table}_${p.identity}_seq`;
    await runner.query(
      `CREATE SEQUENCE ${q(seq)} AS bigint START WITH ${Number(next)} OWNED BY ${t}.${q(p.identity)}`,
    );
    await runner.query(
      `ALTER TABLE ${t} ALTER COLUMN ${q(p.identity)} SET DEFAULT nextval('${seq}')`,
    );
    await runner.query(`GRANT USAGE, SELECT ON SEQUENCE ${q(seq)} TO ${APP_ROLE}`);
  }
  await runner.query(`CREATE TABLE ${q(`${p.table}_default`)} PARTITION OF ${t} DEFAULT`);
  await runner.query(
    `INSERT INTO history_partitioning (parent, partition_column, retention) VALUES ($1, $2, $3::interval)`,
    [p.table, p.column, p.retention],
  );
  // A partition for every month that has rows and the months ahead, so the copy lands in them.
  const months: { m: string }[] = await runner.query(
    `SELECT DISTINCT date_trunc('month', ${q(p.column)}, 'UTC') AS m FROM ${q(legacy)}`,
  );
  for (const { m } of months)
    await runner.query(`SELECT velvet_partition_ensure($1, $2::timestamptz)`, [p.table, m]);
  await runner.query(`SELECT velvet_partitions_maintain()`);
  await runner.query(`INSERT INTO ${t} SELECT * FROM ${q(legacy)}`);
  await runner.query(`DROP TABLE ${q(legacy)}`);

  await runner.query(
    `ALTER TABLE ${t} ADD CONSTRAINT ${q(`${p.table}_pkey`)} PRIMARY KEY (${p.primaryKey.map(q).join(', ')})`,
  );
  for (const u of p.uniques ?? []) {
    if (!u.columns.includes(p.column))
      throw new Error(`${p.table}: unique key ${u.name} must include ${p.column}`);
    await runner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT ${q(u.name)} UNIQUE (${u.columns.map(q).join(', ')})`,
    );
  }
  // captured before the rename: they name the table as it is called again now
  for (const { def } of indexes) await runner.query(def);
  for (const fk of foreignKeys)
    await runner.query(`ALTER TABLE ${t} ADD CONSTRAINT ${q(fk.name)} ${fk.def}`);
  if (grants.length)
    await runner.query(
      `GRANT ${grants.map((g) => g.privilege_type).join(', ')} ON ${t} TO ${APP_ROLE}`,
    );
}
