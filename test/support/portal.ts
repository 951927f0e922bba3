import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { createPortalApp } from '../../apps/portal-api/src/portal-app';
import { loadPortalEnv, type PortalEnv } from '../../apps/portal-api/src/env';
import { startTestApp, type RunningTestApp } from './test-app';

export type RunningPortal = RunningTestApp<NestExpressApplication, PortalEnv>;

/** A real portal API on a random loopback port, over its own database and queue prefix. */
export async function startPortal(
  overrides: Record<string, string> = {},
  logDestination?: DestinationStream,
): Promise<RunningPortal> {
  return startTestApp(
    (base) =>
      loadPortalEnv({
        ...base,
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
        PORTAL_API_PORT: '0',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
        SIGNUP_RATE_LIMIT_PER_ADDRESS_PER_HOUR: '100000',
        SIGNUP_RATE_LIMIT_GLOBAL_PER_HOUR: '100000',
        ...overrides,
      }),
    (env) => createPortalApp(env, logDestination),
  );
}
