import { Client } from 'pg';
import { startAuditWorker, waitFor } from './support/audit-worker';
import {
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

const TABLES = ['usage_records', 'audit_text', 'detection_risk_scores'];

/** The partition a row lives in. */
const partitionOf = async (
  db: RunningGateway['db'],
  table: string,
  where: string,
  params: unknown[],
) =>
  (await db.query(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE ${where}`, params)).map(
    (r: { p: string }) => r.p,
  );

describe('partitioned history: monthly partitions, upkeep by the app role, retention as partition drops, idempotency kept', () => {
  let gw: RunningGateway;
  let owner: Client;

  beforeAll(async () => {
    gw = await startGateway({ GATEWAY_INGEST_USAGE: 'false' });
    owner = new Client({ connectionString: gw.database.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await gw?.close();
  });

  it('partitions by month with a default partition, and partitions ahead of now', async () => {
    const rows = await gw.db.query(
      `SELECT c.relname, p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = ANY($1) ORDER BY 1`,
      [TABLES],
    );
    expect(rows).toEqual(
      TABLES.slice()
        .sort()
        .map((relname) => ({ relname, partstrat: 'r' })),
    );
    const [{ ahead }] = await gw.db.query(
      `SELECT count(*)::int AS ahead FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'usage_records'::regclass AND c.relname IN ($1, $2)`,
      [
        `usage_records_p${monthOf(new Date())}`,
        `usage_records_p${monthOf(addMonths(new Date(), 3))}`,
      ],
    );
    expect(ahead).toBe(2);
    expect(
      await gw.db.query(`SELECT to_regclass('usage_records_default') IS NOT NULL AS ok`),
    ).toEqual([{ ok: true }]);
  });

  it('a usage row outside every partition lands in DEFAULT, moves to its month on upkeep, and a redelivery still writes nothing', async () => {
    await seedTiers(gw);
    const modelId = await seedModel(gw, { slug: 'partition-model' });
    const org = await seedOrg(gw);
    const insert = () =>
      gw.db.query(
        `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens, cost_micros,
                                    currency, latency_ms, status, occurred_at)
         VALUES ('old-call-1', $1, $2, $3, 'standard', 1, 1, 3, 'USD', 5, 'succeeded', '2019-03-15T10:00:00Z')
         ON CONFLICT (request_id, occurred_at) DO NOTHING`,
        [org.organizationId, org.apiKeyId, modelId],
      );
    await insert();
    expect(await partitionOf(gw.db, 'usage_records', `request_id = 'old-call-1'`, [])).toEqual([
      'usage_records_default',
    ]);
    // the app role runs the upkeep (SECURITY DEFINER), though it has no DDL of its own
    const done = await gw.db.query(`SELECT * FROM velvet_partitions_maintain()`);
    expect(done).toContainEqual({
      parent: 'usage_records',
      action: 'created',
      partition_name: 'usage_records_p201903',
    });
    expect(await partitionOf(gw.db, 'usage_records', `request_id = 'old-call-1'`, [])).toEqual([
      'usage_records_p201903',
    ]);
    await insert();
    expect(
      await gw.db.query(
        `SELECT count(*)::int AS n FROM usage_records WHERE request_id = 'old-call-1'`,
      ),
    ).toEqual([{ n: 1 }]);
    // a second upkeep has nothing to do
    expect(
      (await gw.db.query(`SELECT * FROM velvet_partitions_maintain()`)).filter(
        (r: { parent: string }) => r.parent === 'usage_records',
      ),
    ).toEqual([]);
  });

  it('the completion band index partitions by day (UTC midnights, a week ahead, kept as long as the log), and an old day moves out of DEFAULT on upkeep', async () => {
    const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
    const today = new Date();
    const inAWeek = new Date(today.getTime() + 7 * 86_400_000);
    expect(
      await gw.db.query(
        `SELECT partition_width, retention FROM history_partitioning WHERE parent = 'audit_completion_bands'`,
      ),
    ).toEqual([{ partition_width: 'day', retention: null }]);
    // the upkeep runs in UTC whatever the caller's zone: a day is 24 hours even across a DST change
    await owner.query(`SET TimeZone = 'Europe/Berlin'`);
    await owner.query(`SELECT * FROM velvet_partitions_maintain()`);
    await owner.query(`SET TimeZone = 'UTC'`);
    const bounds = await owner.query(
      `SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_completion_bands'::regclass AND c.relname IN ($1, $2)`,
      [`audit_completion_bands_p${day(today)}`, `audit_completion_bands_p${day(inAWeek)}`],
    );
    expect(bounds.rows).toHaveLength(2);
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const next = (d: Date) => iso(new Date(d.getTime() + 86_400_000));
    expect(bounds.rows).toContainEqual({
      relname: `audit_completion_bands_p${day(today)}`,
      bound: `FOR VALUES FROM ('${iso(today)} 00:00:00+00') TO ('${next(today)} 00:00:00+00')`,
    });

    await gw.db.query(
      `INSERT INTO audit_completion_bands (seq, occurred_at, bands) VALUES (900000, '2019-03-15T23:30:00Z', '{1,2}')`,
    );
    expect(await partitionOf(gw.db, 'audit_completion_bands', 'seq = 900000', [])).toEqual([
      'audit_completion_bands_default',
    ]);
    expect(await gw.db.query(`SELECT * FROM velvet_partitions_maintain()`)).toContainEqual({
      parent: 'audit_completion_bands',
      action: 'created',
      partition_name: 'audit_completion_bands_p20190315',
    });
    expect(await partitionOf(gw.db, 'audit_completion_bands', 'seq = 900000', [])).toEqual([
      'audit_completion_bands_p20190315',
    ]);
    // a writer of past days (history synthesis, an import) makes their partitions first, within bounds
    expect(
      await gw.db.query(
        `SELECT velvet_partitions_cover('audit_completion_bands', '2019-03-14T12:00Z', '2019-03-15T12:00Z') AS made`,
      ),
    ).toEqual([{ made: 1 }]);
    await expect(
      gw.db.query(
        `SELECT velvet_partitions_cover('audit_completion_bands', '2000-01-01Z', '2002-01-01Z')`,
      ),
    ).rejects.toThrow(/more than 400 partitions/);
    await expect(
      gw.db.query(`SELECT velvet_partitions_cover('organizations', now(), now())`),
    ).rejects.toThrow(/not a partitioned history table/);
    // the apps only append to it, like to the log: through the parent, a partition made by the
    // upkeep, a partition made by cover, or DEFAULT
    for (const table of [
      'audit_completion_bands',
      'audit_completion_bands_p20190315',
      'audit_completion_bands_p20190314',
      'audit_completion_bands_default',
    ]) {
      await expect(gw.db.query(`DELETE FROM ${table} WHERE seq = 900000`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(
        gw.db.query(`UPDATE ${table} SET bands = '{1}' WHERE seq = 900000`),
      ).rejects.toThrow(/permission denied/);
    }
    // while a partition of a table the apps may change takes that grant too
    const {
      rows: [textPartition],
    } = await owner.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_text'::regclass AND c.relname <> 'audit_text_default' LIMIT 1`,
    );
    const { rows: may } = await owner.query(
      `SELECT has_table_privilege('velvet_app', $1, 'DELETE') AS delete`,
      [textPartition.relname],
    );
    expect(may).toEqual([{ delete: true }]);
    await owner.query(`DELETE FROM audit_completion_bands WHERE seq = 900000`);
  });

  it('retention drops whole partitions: expired audit texts at once, detection scores once older than the configured interval', async () => {
    await gw.db.query(
      `INSERT INTO audit_text (event_id, seq, organization_id, prompt_text, completion_text, expires_at)
       VALUES ('ev-expired', 1, gen_random_uuid(), 'p', 'c', '2020-01-10Z'), ('ev-live', 2, gen_random_uuid(), 'p', 'c', now() + interval '40 days')`,
    );
    const insertScore = (windowEnd: string) =>
      gw.db.query(
        `INSERT INTO detection_risk_scores (subject_type, subject_id, organization_id, window_start, window_end, calls, score, level, detectors)
         VALUES ('organization', gen_random_uuid(), gen_random_uuid(), $1::timestamptz - interval '1 hour', $1, 1, 0.1, 'low', '{}')`,
        [windowEnd],
      );
    await insertScore('2019-06-01T12:00:00Z');
    await insertScore(new Date().toISOString());
    // retention is the owner's setting, not the app's
    await expect(
      gw.db.query(`UPDATE history_partitioning SET retention = '1 day'`),
    ).rejects.toThrow(/permission denied/);
    await expect(
      gw.db.query(`SELECT velvet_partition_ensure('organizations', now())`),
    ).rejects.toThrow(/permission denied/);
    await owner.query(
      `UPDATE history_partitioning SET retention = '2 years' WHERE parent = 'detection_risk_scores'`,
    );

    const done = await gw.db.query(`SELECT * FROM velvet_partitions_maintain()`);
    expect(done).toEqual(
      expect.arrayContaining([
        { parent: 'audit_text', action: 'dropped', partition_name: 'audit_text_p202001' },
        {
          parent: 'detection_risk_scores',
          action: 'dropped',
          partition_name: 'detection_risk_scores_p201906',
        },
      ]),
    );
    expect(
      (await gw.db.query(`SELECT event_id FROM audit_text ORDER BY 1`)).map(
        (r: { event_id: string }) => r.event_id,
      ),
    ).toEqual(['ev-live']);
    expect(await gw.db.query(`SELECT count(*)::int AS n FROM detection_risk_scores`)).toEqual([
      { n: 1 },
    ]);
    // the usage history has no retention: its 2019 partition stays
    expect(await partitionOf(gw.db, 'usage_records', `request_id = 'old-call-1'`, [])).toEqual([
      'usage_records_p201903',
    ]);
  });

  it('the audit worker runs the upkeep when it starts', async () => {
    await gw.db.query(
      `INSERT INTO detection_risk_scores (subject_type, subject_id, organization_id, window_start, window_end, calls, score, level, detectors)
       VALUES ('organization', gen_random_uuid(), gen_random_uuid(), '2018-02-01T00:00Z', '2018-02-01T01:00Z', 1, 0.1, 'low', '{}')`,
    );
    await owner.query(
      `UPDATE history_partitioning SET retention = NULL WHERE parent = 'detection_risk_scores'`,
    );
    const worker = await startAuditWorker(gw.database.url, gw.env.QUEUE_PREFIX);
    try {
      await waitFor('the 2018 partition', async () =>
        (
          await partitionOf(gw.db, 'detection_risk_scores', `window_end < '2019-01-01'`, [])
        ).includes('detection_risk_scores_p201802'),
      );
    } finally {
      await worker.close();
    }
  });
});

function addMonths(d: Date, n: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

function monthOf(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
