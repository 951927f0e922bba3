import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * A fingerprint of whole tables' contents, computed by PostgreSQL: every row's text, in a fixed
 * order, hashed. It changes with any insert, update or delete, however it was written (the
 * portal, a migration, an operator's SQL), so a process that keeps a snapshot of a few small tables
 * and must see changes within a second can ask for this one short value each second and read and
 * hydrate the rows only when it moved. Reading them each time through the ORM cost an idle
 * gateway more CPU than anything else it does (docs/performance.md, "Fifteenth session").
 */
export class TablesFingerprint {
  /** The fingerprint read before the last load that succeeded (null before the first). */
  private loadedFrom: string | null = null;

  constructor(private readonly tables: readonly Repository<ObjectLiteral>[]) {}

  /**
   * Runs `load` unless the tables are as they were before the last load. The fingerprint is read
   * *before* the load, so a change landing between the two is loaded twice, never missed; a load
   * that fails is tried again on the next call.
   */
  async loadIfChanged(load: () => Promise<void>): Promise<void> {
    const fingerprint = await this.read();
    if (fingerprint === this.loadedFrom) return;
    await load();
    this.loadedFrom = fingerprint;
  }

  private async read(): Promise<string> {
    const parts = this.tables.map((repo) => {
      const table = `"${repo.metadata.tableName.replaceAll('"', '""')}"`;
      return `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ${table} t)`;
    });
    const rows: { fingerprint: string }[] = await this.tables[0].query(
      `SELECT concat_ws(',', ${parts.join(', ')}) AS fingerprint`,
    );
    return rows[0].fingerprint;
  }
}
