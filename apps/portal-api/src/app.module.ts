import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from '@velvet/access';
import { ApiKeysModule } from '@velvet/api-keys';
import { AuditReaderModule, AuditProducerModule } from '@velvet/audit';
import { AuthModule } from '@velvet/auth';
import { CATALOG_LISTENER, CatalogModule, type CatalogListener } from '@velvet/catalog';
import { loggerOptions } from '@velvet/common';
import { ContractFactsModule, ContractsModule } from '@velvet/contracts';
import { dataSourceOptions } from '@velvet/database';
import { DetectionModule } from '@velvet/detection';
import { ALL_ORGANIZATIONS, EntitlementEngine, EntitlementsModule } from '@velvet/entitlements';
import { CustomerLimitsModule } from '@velvet/metering';
import { OrganizationsModule } from '@velvet/organizations';
import { QueueModule, redisSettings } from '@velvet/queue';
import { BudgetAlertsModule, TeamsModule } from '@velvet/teams';
import { LoggerModule } from 'nestjs-pino';
import { MetricsModule } from '@velvet/common';
import type { DestinationStream } from 'pino';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { TransparencyLogController } from './audit/transparency-log.controller';
import { AuthController, COOKIE_POLICY } from './auth/auth.controller';
import { CatalogController } from './catalog/catalog.controller';
import { ContractsController } from './contracts/contracts.controller';
import { EntitlementsController } from './entitlements/entitlements.controller';
import { StatementsModule } from './statements/statements.module';
import type { PortalEnv } from './env';
import { HealthController } from './health/health.controller';
import { DetectionController } from './detection/detection.controller';
import { ThrottlesController } from './detection/throttles.controller';
import { PortalExceptionFilter } from './http/portal-exception.filter';
import { OrganizationsController } from './organizations/organizations.controller';
import { InvitationsController } from './organizations/invitations.controller';
import { StaffController } from './staff/staff.controller';
import { SpendModule } from './spend/spend.module';
import { PUBLIC_BASE_URL } from './sso/sso-base-url';
import { SsoLoginController } from './sso/sso-login.controller';
import { ScimController } from './scim/scim.controller';
import { ScimTokensController } from './scim/scim-tokens.controller';
import { ScimGroupsController } from './scim/scim-groups.controller';
import { ScimTokenGuard } from './scim/scim-auth';
import { SsoSettingsController } from './sso/sso-settings.controller';
import { BudgetAlertsController } from './teams/budget-alerts.controller';
import { LimitsController } from './teams/limits.controller';
import { TeamsController } from './teams/teams.controller';
import { WebPortalModule } from './web/web-portal.module';

@Module({})
export class PortalApiModule {
  static forRoot(env: PortalEnv, logDestination?: DestinationStream): DynamicModule {
    return {
      module: PortalApiModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.LOG_LEVEL, 'portal-api', logDestination)),
        MetricsModule.forRoot({
          app: 'portal-api',
          port: env.METRICS_PORT,
          host: env.METRICS_HOST,
          token: env.METRICS_TOKEN,
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-portal-api' }),
        }),
        QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
        TerminusModule,
        AuthModule.forRoot({
          jwtSecret: env.JWT_SECRET,
          accessTokenTtl: env.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtl: env.REFRESH_TOKEN_TTL_SECONDS,
          limits: {
            signupPerAddressPerHour: env.SIGNUP_RATE_LIMIT_PER_ADDRESS_PER_HOUR,
            signupGlobalPerHour: env.SIGNUP_RATE_LIMIT_GLOBAL_PER_HOUR,
            loginPerAddressPerMinute: env.LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
            loginPerAccountPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
          },
        }),
        OrganizationsModule,
        ApiKeysModule,
        TeamsModule,
        // the org admin's limits (their team check is the teams lib's TEAM_DIRECTORY port)
        CustomerLimitsModule,
        // the scan and deliveries run in apps/worker
        BudgetAlertsModule.forApi({
          allowPrivateWebhookTargets: env.BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE,
        }),
        // contracts & entitlements; AuditProducerModule provides the AdminActivityLog they record to
        AuditProducerModule.forRoot(),
        AuditReaderModule,
        EntitlementsModule,
        // the contracts lib's side of the entitlements port (CONTRACT_FACTS)
        ContractFactsModule,
        CatalogModule.forRoot({
          imports: [EntitlementsModule],
          providers: [
            {
              // a tier or status change alters who may call a model: every entitlement cache reloads
              provide: CATALOG_LISTENER,
              inject: [EntitlementEngine],
              useFactory: (engine: EntitlementEngine): CatalogListener => ({
                catalogChanged: () => engine.announce(ALL_ORGANIZATIONS),
              }),
            },
          ],
        }),
        ContractsModule,
        DetectionModule,
        SpendModule,
        StatementsModule,
        WebPortalModule.forRoot(env.WEB_DIST_DIR),
      ],
      controllers: [
        AuthController,
        OrganizationsController,
        InvitationsController,
        ApiKeysController,
        StaffController,
        HealthController,
        AuditController,
        TransparencyLogController,
        CatalogController,
        ContractsController,
        EntitlementsController,
        DetectionController,
        ThrottlesController,
        SsoSettingsController,
        SsoLoginController,
        ScimController,
        ScimTokensController,
        ScimGroupsController,
        TeamsController,
        LimitsController,
        BudgetAlertsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: PortalExceptionFilter },
        ScimTokenGuard,
        { provide: PUBLIC_BASE_URL, useValue: env.PORTAL_PUBLIC_URL?.replace(/\/+$/, '') },
        {
          provide: COOKIE_POLICY,
          useValue: {
            secure: env.NODE_ENV === 'production',
            maxAgeSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
          },
        },
      ],
    };
  }
}
