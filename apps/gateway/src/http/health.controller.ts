import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LimitsService, METERING_REDIS } from '@velvet/metering';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { ModelCatalog } from '../catalog/model-catalog';

/**
 * Liveness and readiness: PostgreSQL and Redis answer. Also how old the in-memory snapshots are
 * (catalog, limit overrides): their refreshes keep serving the last good copy when they fail, so a
 * growing age is how an operator sees a refresh that keeps failing.
 */
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(METERING_REDIS) private readonly redis: IORedis,
    private readonly catalog: ModelCatalog,
    private readonly limits: LimitsService,
  ) {}

  @Get()
  async check(@Res() reply: FastifyReply): Promise<void> {
    const probe = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'up';
      } catch {
        return 'down';
      }
    };
    const [database, redis] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => this.redis.ping())]);
    const ok = database === 'up' && redis === 'up';
    const snapshots = { catalogAgeMs: this.catalog.snapshotAgeMs(), limitOverridesAgeMs: this.limits.snapshotAgeMs() };
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', database, redis, snapshots });
  }
}
