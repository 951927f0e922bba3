import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DetectionRunProcessor, DetectionRunService } from '@velvet/detection';
import { QueueName, redisOptions } from '@velvet/queue';
import { Worker, type ConnectionOptions } from 'bullmq';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadWorkerEnv } from '../../../apps/worker/src/env';
import { createWorkerApp } from '../../../apps/worker/src/worker-app';
import { loadGatewayEnv } from '../../../apps/gateway/src/env';
import { createGatewayApp } from '../../../apps/gateway/src/gateway-app';
import { startPortal, type RunningPortal } from '../../support/portal';
import { buildWeb } from './web-build';

export interface WebStack {
  portal: RunningPortal;
  /** Where a browser opens the portal, e.g. http://127.0.0.1:PORT */
  url: string;
  /** The OpenAI-compatible gateway, when started. */
  gatewayUrl?: string;
  close(): Promise<void>;
}

/** The real portal API serving a fresh build of the web portal, over a fresh database and queue prefix. */
export async function startWebStack(overrides: Record<string, string> = {}): Promise<WebStack> {
  const dist = buildWeb();
  const portal = await startPortal({ WEB_DIST_DIR: dist, ...overrides });
  return {
    portal,
    url: portal.url,
    async close() {
      await portal.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Detection runs are processed by the worker once it registers them; until then, by a BullMQ worker here. */
async function detectionRunner(
  portal: RunningPortal,
  worker: INestApplicationContext,
): Promise<Worker | null> {
  try {
    worker.get(DetectionRunProcessor, { strict: false });
    return null;
  } catch {
    return new Worker(
      QueueName.Detection,
      (job) => new DetectionRunProcessor(portal.app.get(DetectionRunService)).process(job),
      {
        connection: redisOptions(portal.env.REDIS_URL) as ConnectionOptions,
        prefix: portal.env.QUEUE_PREFIX,
      },
    );
  }
}

/** The whole product: portal API + web, gateway and worker, sharing one fresh database and queue prefix. */
export async function startFullStack(): Promise<WebStack> {
  const web = await startWebStack();
  const { portal } = web;
  const shared = {
    NODE_ENV: 'test',
    DATABASE_URL: portal.env.DATABASE_URL,
    REDIS_URL: portal.env.REDIS_URL,
    QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
    LOG_LEVEL: 'silent',
  };
  const gateway: NestFastifyApplication = await createGatewayApp(
    loadGatewayEnv({
      ...shared,
      GATEWAY_PORT: '0',
      GATEWAY_CACHE_TTL_MS: '200',
      PORTAL_PUBLIC_URL: portal.url,
    }),
    {},
  );
  await gateway.listen(0, '127.0.0.1');
  const worker = await createWorkerApp(
    loadWorkerEnv({ ...shared, AUDIT_TREE_HEAD_INTERVAL_MS: '300' }),
  );
  await worker.init();
  const detection = await detectionRunner(portal, worker);
  const { port } = gateway.getHttpServer().address() as AddressInfo;
  return {
    ...web,
    gatewayUrl: `http://127.0.0.1:${port}`,
    async close() {
      await detection?.close();
      await worker.close();
      await gateway.close();
      await web.close();
    },
  };
}
