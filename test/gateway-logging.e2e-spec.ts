import { createInterface } from 'node:readline';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import { type AppProcess, startGatewayProcess } from './support/app-process';
import { waitFor } from './support/audit-worker';

/**
 * The gateway's log, as an operator reads it from the process's stdout: one JSON line per request
 * with the call's id and the client's X-Request-Id, never the key. Lines are written in batches,
 * but a quiet gateway's last line still appears within about a second (not only once more traffic
 * fills the batch).
 */
describe('gateway log lines (e2e)', () => {
  let database: TestDatabase;
  let gateway: AppProcess;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGatewayProcess(
      { DATABASE_URL: database.url, QUEUE_PREFIX: testQueuePrefix(), LOG_LEVEL: 'info' },
      { echoStdout: false },
    );
    createInterface({ input: gateway.child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it("writes a lone request's line within seconds, with its ids and without the key", async () => {
    const key = 'vr_abcdefabcdef_0123456789abcdef0123456789abcdef';
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': 'lone-request-1',
      },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(401);
    const callId = res.headers.get('x-velvet-call-id');
    const line = await waitFor(
      'the request log line',
      async () => lines.find((l) => l.clientRequestId === 'lone-request-1'),
      5000,
    );
    expect(line).toMatchObject({
      msg: 'request',
      requestId: callId,
      method: 'POST',
      url: '/v1/chat/completions',
      status: 401,
    });
    expect(JSON.stringify(lines)).not.toContain(key);
  });
});
