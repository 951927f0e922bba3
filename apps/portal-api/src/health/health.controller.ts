import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '@velvet/access';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';

/** The process answers; how long it has run. */
export class LivenessView {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
  @ApiProperty({ type: 'integer' })
  uptimeSeconds: number;
}

/**
 * Liveness (`/health/live`: the process answers) apart from readiness (`/health/ready`, and
 * `/health` as before: PostgreSQL and Redis answer). The portal keeps no in-process snapshot
 * (every read goes to PostgreSQL), so it has no snapshot age to report.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.ready();
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      () => this.redisCheck(),
    ]);
  }

  @Public()
  @Get('live')
  @ApiOkResponse({ type: LivenessView })
  live(): LivenessView {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  private async redisCheck() {
    const indicator = this.indicators.check('redis');
    try {
      await this.redis.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
