import { Registry } from 'prom-client';
import { portOf, startMetricsServer } from './metrics.server';

describe('startMetricsServer', () => {
  it('refuses a listener off loopback without a token', async () => {
    await expect(
      startMetricsServer({ port: 0, host: '0.0.0.0', registry: new Registry() }),
    ).rejects.toThrow('METRICS_TOKEN is required');
  });

  it('serves probes without the token and /metrics only with it', async () => {
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      token: 'a-long-enough-token',
      registry: new Registry(),
      readiness: async () => ({ ready: false, database: 'down' }),
    });
    try {
      const url = `http://127.0.0.1:${portOf(server)}`;
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect([ready.status, await ready.json()]).toEqual([503, { ready: false, database: 'down' }]);
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect(
        (
          await fetch(`${url}/metrics`, {
            headers: { authorization: 'Bearer a-long-enough-token' },
          })
        ).status,
      ).toBe(200);
      expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
