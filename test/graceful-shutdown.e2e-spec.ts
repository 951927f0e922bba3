import { redisOptions } from '@velvet/queue';
import IORedis from 'ioredis';
import { Client } from 'pg';
import {
  client,
  type RunningGateway,
  refreshCatalog,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

describe('graceful shutdown: SIGTERM finishes the calls in flight', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ SIMULATOR_TOKEN_DELAY_MS: '40' });
  });
  afterAll(async () => {
    await gw?.database.drop();
  });

  it('a stream in flight when the gateway closes runs to its end and is metered; new connections are refused', async () => {
    await seedTiers(gw);
    await seedModel(gw, { slug: 'slow-sim' });
    await refreshCatalog(gw);
    const org = await seedOrg(gw);
    const stream = await client(gw, org.key).chat.completions.create({
      model: 'slow-sim',
      stream: true,
      max_tokens: 25,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'write a long answer' }],
    });
    const chunks = [];
    let closing: Promise<void> | null = null;
    for await (const chunk of stream) {
      chunks.push(chunk);
      // the process got SIGTERM (main.ts runs the same close) after the first token
      closing ??= gw.app.close();
    }
    const last = chunks.filter((c) => c.choices[0]?.finish_reason)[0];
    expect(last?.choices[0].finish_reason).toBeDefined();
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    await closing;
    await expect(fetch(`${gw.url}/health/live`)).rejects.toThrow();
    // The call was settled before the process let go of Redis: its usage record is in PostgreSQL,
    // or still in the usage stream for the next gateway to store (at-least-once, idempotent).
    const pg = new Client({ connectionString: gw.database.url });
    const redis = new IORedis(redisOptions(gw.env.REDIS_URL));
    try {
      await pg.connect();
      const { rows } = await pg.query(
        'SELECT request_id FROM usage_records WHERE organization_id = $1',
        [org.organizationId],
      );
      const pending = await redis.xlen(`${gw.env.QUEUE_PREFIX}:gw:usage`);
      expect(rows.length + pending).toBe(1);
    } finally {
      await pg.end();
      redis.disconnect();
    }
  });
});
