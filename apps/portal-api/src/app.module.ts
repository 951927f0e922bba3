import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from '@velvet/access';
import { ApiKeysModule } from '@velvet/api-keys';
import { AuthModule } from '@velvet/auth';
import { loggerOptions } from '@velvet/common';
import { dataSourceOptions } from '@velvet/database';
import { OrganizationsModule } from '@velvet/organizations';
import { QueueModule } from '@velvet/queue';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthController } from './auth/auth.controller';
import type { PortalEnv } from './env';
import { HealthController } from './health/health.controller';
import { DomainExceptionFilter } from './http/domain-exception.filter';
import { OrganizationsController } from './organizations/organizations.controller';
import { StaffController } from './staff/staff.controller';

@Module({})
export class PortalApiModule {
  static forRoot(env: PortalEnv): DynamicModule {
    return {
      module: PortalApiModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.LOG_LEVEL, 'portal-api')),
        TypeOrmModule.forRoot({ ...dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-portal-api' }) }),
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX }),
        ThrottlerModule.forRoot([{ name: 'login', ttl: 60_000, limit: env.LOGIN_RATE_LIMIT_PER_MINUTE }]),
        TerminusModule,
        AuthModule.forRoot({
          jwtSecret: env.JWT_SECRET,
          accessTokenTtl: env.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtl: env.REFRESH_TOKEN_TTL_SECONDS,
        }),
        OrganizationsModule,
        ApiKeysModule,
      ],
      controllers: [AuthController, OrganizationsController, ApiKeysController, StaffController, HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
      ],
    };
  }
}
