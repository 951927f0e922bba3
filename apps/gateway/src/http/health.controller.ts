import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LimitsService, METERING_REDIS } from '@velvet/metering';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { ModelCatalog } from '../catalog/model-catalog';

const probe = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
    return 'up';
  } catch {
    return 'down';
  }
};

/**
 * Liveness (`/health/live`: the process answers; restart it if not) apart from readiness
 * (`/health/ready`, and `/health` as before: PostgreSQL and Redis answer; send it traffic only if so).
 * Readiness also gives the age of every in-memory snapshot (catalog, limit overrides): their
 * refreshes keep serving the last good copy when they fail, so a growing age is how an operator
 * sees a refresh that keeps failing.
 */
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(METERING_REDIS) private readonly redis: IORedis,
    private readonly catalog: ModelCatalog,
    private readonly limits: LimitsService,
  ) {}

  @Get('live')
  async live(@Res() reply: FastifyReply): Promise<void> {
    await reply.status(200).send({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  }

  @Get()
  async check(@Res() reply: FastifyReply): Promise<void> {
    await this.ready(reply);
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [database, redis] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    const ok = database === 'up' && redis === 'up';
    const snapshots = {
      catalogAgeMs: this.catalog.snapshotAgeMs(),
      limitOverridesAgeMs: this.limits.snapshotAgeMs(),
    };
    await reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'error', database, redis, snapshots });
  }
}
