import { DataSource } from 'typeorm';

/**
 * A digest of every row of every table: equal before and after a refused request proves the
 * request changed nothing, whatever tables a route might touch.
 */
export async function databaseFingerprint(dataSource: DataSource): Promise<string> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const parts = await Promise.all(
    tables.map(async ({ name }) => {
      const [row] = await dataSource.query(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${name} t`,
      );
      return `${name}:${row.h}`;
    }),
  );
  return parts.join(',');
}
