import { redisOptions } from '@velvet/queue';
import IORedis from 'ioredis';
import { startAuditWorker, waitFor } from './support/audit-worker';
import {
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

/** A usage-stream entry as the settlement script writes it (see libs/metering usage.codec). */
const entry = (
  requestId: string,
  org: { organizationId: string; apiKeyId: string },
  modelId: string,
) =>
  JSON.stringify([
    requestId,
    org.organizationId,
    org.apiKeyId,
    modelId,
    'standard',
    10,
    5,
    '20',
    'USD',
    3,
    'succeeded',
    false,
    Date.now(),
  ]);

describe('usage ingestion (worker) survives a crashed consumer', () => {
  let gw: RunningGateway;
  let redis: IORedis;

  beforeAll(async () => {
    // This gateway serves nothing and ingests nothing: it provides the database and the prefix.
    gw = await startGateway({ GATEWAY_INGEST_USAGE: 'false' });
    redis = new IORedis(redisOptions(gw.env.REDIS_URL));
  });
  afterAll(async () => {
    await redis?.quit();
    await gw?.close();
  });

  it('takes over records a dead consumer read but never stored, once, and skips entries that are not records', async () => {
    await seedTiers(gw);
    const modelId = await seedModel(gw, { slug: 'usage-model' });
    const org = await seedOrg(gw);
    const stream = `${gw.env.QUEUE_PREFIX}:gw:usage`;
    await redis.xgroup('CREATE', stream, 'usage-ingest', '0', 'MKSTREAM');
    await redis.xadd(stream, '*', 'u', entry(`${org.organizationId}:orphan-1`, org, modelId));
    await redis.xadd(stream, '*', 'u', 'not json');
    await redis.xadd(stream, '*', 'u', entry(`${org.organizationId}:orphan-1`, org, modelId));
    // A consumer reads them and dies before storing them: they stay pending in its name.
    const read = (await redis.xreadgroup(
      'GROUP',
      'usage-ingest',
      'dead-gateway',
      'COUNT',
      10,
      'STREAMS',
      stream,
      '>',
    )) as [string, unknown[]][];
    expect(read[0][1]).toHaveLength(3);

    // The worker consumes the usage stream, as deployed.
    const survivor = await startAuditWorker(gw.env.DATABASE_URL, gw.env.QUEUE_PREFIX, {
      USAGE_INGEST_CLAIM_IDLE_MS: '300',
    });
    try {
      const rows = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 1, 8000);
      expect(rows.map((r) => [r.request_id, r.cost_micros])).toEqual([
        [`${org.organizationId}:orphan-1`, '20'],
      ]);
      const deadline = Date.now() + 5000;
      while (
        Number(((await redis.xpending(stream, 'usage-ingest')) as [number])[0]) > 0 &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(((await redis.xpending(stream, 'usage-ingest')) as [number])[0]).toBe(0);
      expect(await redis.xlen(stream)).toBe(0);
      // The charged spend asks the entitlement engine to re-evaluate the organisation (an unlock by
      // spend threshold depends on it), and the worker's engine does.
      const [evaluation] = await waitFor('the spend-triggered evaluation', async () => {
        const r: { reason: string }[] = await gw.db.query(
          `SELECT reason FROM entitlement_evaluations WHERE organization_id = $1 AND reason = 'usage_recorded'`,
          [org.organizationId],
        );
        return r.length ? r : null;
      });
      expect(evaluation.reason).toBe('usage_recorded');
    } finally {
      await survivor.close();
    }
  });
});
