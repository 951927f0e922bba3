import { dataSourceOptions } from '@velvet/database';
import { createTestDatabase, type TestDatabase } from '@velvet/testing';
import { DataSource } from 'typeorm';
import { ACCEPTED_SCHEMA_DIFFERENCES } from './support/schema-drift.accepted';

/**
 * Entities and migrations describe the same tables twice; this catches them drifting apart. On a
 * database cloned from the migrated template, TypeORM's schema builder (what `synchronize` would
 * run) may propose only the listed, deliberate differences.
 */
describe('entity/migration drift', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    // As the owner role: it may read every table's definition (the builder only reads; nothing runs).
    dataSource = await new DataSource(
      dataSourceOptions({ url: database.ownerUrl, poolSize: 2 }),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('proposes no change to the migrated schema beyond the accepted differences', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    const proposed = upQueries.map((q) => q.query.trim()).sort();
    const accepted = Object.values(ACCEPTED_SCHEMA_DIFFERENCES).flat();
    expect(proposed.filter((q) => !accepted.includes(q))).toEqual([]);
    // A difference someone fixed must leave the list, so the list stays exact.
    expect(accepted.filter((q) => !proposed.includes(q))).toEqual([]);
  });

  it('would notice an entity column the migrations do not have', async () => {
    const metadata = dataSource.getMetadata('api_keys');
    const column = metadata.findColumnWithPropertyName('name')!;
    const original = column.databaseName;
    column.databaseName = 'drift_probe';
    try {
      const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
      expect(upQueries.map((q) => q.query)).toEqual(
        expect.arrayContaining([expect.stringContaining('"drift_probe"')]),
      );
    } finally {
      column.databaseName = original;
    }
  });
});
