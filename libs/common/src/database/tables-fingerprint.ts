import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * A fingerprint of whole tables' contents, computed by PostgreSQL: every row's text, in a fixed
 * order, hashed. It changes with any insert, update or delete, however it was written (the
 * portal, a migration, an operator's SQL), so a process that keeps a snapshot of a few small tables
 * and must see changes within a second can ask for this one short value each second and read and
 * hydrate the rows only when it moved. Reading them each time through the ORM cost an idle
 * gateway more CPU than anything else it does (docs/performance.md, "Fifteenth session").
 *
 * A snapshot loaded after the fingerprint was read is at least as new as it: store the fingerprint
 * read *before* the load, and a change that lands between the two is loaded twice, never missed.
 */
export async function tablesFingerprint(
  tables: readonly Repository<ObjectLiteral>[],
): Promise<string> {
  const parts = tables.map((repo) => {
    const table = `"${repo.metadata.tableName.replaceAll('"', '""')}"`;
    return `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ${table} t)`;
  });
  const rows: { fingerprint: string }[] = await tables[0].query(
    `SELECT concat_ws(',', ${parts.join(', ')}) AS fingerprint`,
  );
  return rows[0].fingerprint;
}
