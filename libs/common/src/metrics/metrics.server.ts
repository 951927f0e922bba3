import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Readiness as the app sees it: which dependency is down and how old each in-process snapshot is. */
export interface ReadinessReport {
  ready: boolean;
  [detail: string]: unknown;
}

export interface MetricsServerOptions {
  port: number;
  host: string;
  /** Bearer token Prometheus must send; required when the listener is not on loopback. */
  token?: string;
  registry: Registry;
  /** Workers have no HTTP app of their own: their liveness and readiness are served here too. */
  readiness?: () => Promise<ReadinessReport>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `/metrics` on a listener of its own, never on the public port of the portal or the gateway: the
 * series name routes, models and refusal reasons, which is operator knowledge. Bound to loopback
 * by default; elsewhere (a container network) only with a bearer token.
 */
export async function startMetricsServer(o: MetricsServerOptions): Promise<Server> {
  if (!o.token && !LOOPBACK.has(o.host)) {
    throw new Error(
      `METRICS_TOKEN is required when the metrics listener is not on loopback (METRICS_HOST=${o.host})`,
    );
  }
  const expected = o.token ? digest(`Bearer ${o.token}`) : null;
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/health/live') return send(res, 200, 'application/json', '{"status":"ok"}');
      // Probes (an orchestrator's, compose's) need no token: they tell up/down and ages, nothing more.
      if (path === '/health/ready' && o.readiness) {
        const report = await o
          .readiness()
          .catch((e: Error) => ({ ready: false, error: e.message }));
        return send(res, report.ready ? 200 : 503, 'application/json', JSON.stringify(report));
      }
      if (path !== '/metrics') return send(res, 404, 'text/plain', 'not found\n');
      if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        return send(res, 401, 'text/plain', 'unauthorized\n');
      }
      send(res, 200, o.registry.contentType, await o.registry.metrics());
    })().catch(() => send(res, 500, 'text/plain', 'metrics failed\n'));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return server;
}

export const portOf = (server: Server): number => (server.address() as AddressInfo).port;
