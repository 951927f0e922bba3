import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@velvet/api-keys';
import { AuditProducerModule } from '@velvet/audit';
import { Model, ModelTier } from '@velvet/catalog';
import { dataSourceOptions } from '@velvet/database';
import { ContractFactsModule } from '@velvet/contracts';
import {
  EntitlementCache,
  EntitlementsModule,
  usageIngestWithEvaluations,
} from '@velvet/entitlements';
import { MeteringModule } from '@velvet/metering';
import { Organization } from '@velvet/organizations';
import { QueueModule, redisSettings } from '@velvet/queue';
import { MetricsModule } from '@velvet/common';
import { GatewayGauges } from './metrics/gateway-gauges';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ModelAccess } from './access/model-access';
import { KeyAuthenticator } from './auth/key-authenticator';
import { ModelCatalog } from './catalog/model-catalog';
import { CallAdmission } from './chat/call-admission';
import { CallReaper } from './chat/call-reaper';
import { CallRecorder } from './chat/call-recorder';
import { ChatCompletionsService } from './chat/chat-completions.service';
import type { GatewayEnv } from './env';
import { GATEWAY_ENV, MODEL_ENTITLEMENTS } from './gateway.tokens';
import { HealthController } from './http/health.controller';
import { ModelsController } from './http/models.controller';
import { OpenAIErrorFilter } from './http/openai-error.filter';
import { UPSTREAM_SECRETS, UpstreamRegistry } from './upstream/upstream.registry';
import { RefusalExplainer } from './access/refusal-explainer';
import { LimitChangesSubscriber } from './access/limit-changes.subscriber';
import { OrganizationEntitlementsController } from './http/organization-entitlements.controller';
import { ResponsesController } from './http/responses.controller';
import { EmbeddingsController } from './http/embeddings.controller';
import { CompletionsController } from './http/completions.controller';
import { ModerationsController } from './http/moderations.controller';
import { ResponseStore } from './responses/response-store';
import { ResponsesService } from './responses/responses.service';
import { CorsPreflightController } from './http/cors-preflight.controller';
import { CorsOrigins } from './cors/cors-origins';
import { CorsHook } from './cors/cors';
import { ReceiptIssuer } from './receipts/receipt-issuer';
import { ReceiptsController } from './receipts/receipts.controller';

const limitOrNull = (v: number | undefined) => (v === undefined ? null : v);

@Module({})
export class GatewayModule {
  static forRoot(env: GatewayEnv, secrets: Record<string, string | undefined>): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MetricsModule.forRoot({
          app: 'gateway',
          port: env.METRICS_PORT,
          host: env.METRICS_HOST,
          token: env.METRICS_TOKEN,
        }),
        TypeOrmModule.forRoot(
          dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-gateway' }),
        ),
        TypeOrmModule.forFeature([Organization, Model, ModelTier]),
        QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
        AuditProducerModule.forRoot(),
        EntitlementsModule,
        ContractFactsModule, // refusal explanations evaluate the unlock rules
        ApiKeysModule,
        MeteringModule.forRoot({
          ...redisSettings(env),
          prefix: env.QUEUE_PREFIX,
          defaults: {
            orgRequestsPerMinute: limitOrNull(env.GATEWAY_ORG_RPM),
            orgTokensPerMinute: limitOrNull(env.GATEWAY_ORG_TPM),
            orgSpendCapMicros: env.GATEWAY_ORG_SPEND_CAP_MICROS
              ? BigInt(env.GATEWAY_ORG_SPEND_CAP_MICROS)
              : null,
            keyRequestsPerMinute: limitOrNull(env.GATEWAY_KEY_RPM),
            keyTokensPerMinute: limitOrNull(env.GATEWAY_KEY_TPM),
            keySpendCapMicros: env.GATEWAY_KEY_SPEND_CAP_MICROS
              ? BigInt(env.GATEWAY_KEY_SPEND_CAP_MICROS)
              : null,
          },
        }),
        // The worker consumes the usage stream; a gateway only when asked (a test without a worker).
        ...(env.GATEWAY_INGEST_USAGE === 'true'
          ? [
              usageIngestWithEvaluations({
                ...redisSettings(env),
                prefix: env.QUEUE_PREFIX,
              }),
            ]
          : []),
      ],
      controllers: [
        ModelsController,
        HealthController,
        OrganizationEntitlementsController,
        ResponsesController,
        EmbeddingsController,
        CompletionsController,
        ModerationsController,
        CorsPreflightController,
        ReceiptsController,
      ],
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        { provide: UPSTREAM_SECRETS, useValue: secrets },
        { provide: MODEL_ENTITLEMENTS, useExisting: EntitlementCache },
        { provide: APP_FILTER, useClass: OpenAIErrorFilter },
        KeyAuthenticator,
        ModelCatalog,
        ModelAccess,
        LimitChangesSubscriber,
        RefusalExplainer,
        UpstreamRegistry,
        CallAdmission,
        CallRecorder,
        CallReaper,
        ChatCompletionsService,
        GatewayMetrics,
        GatewayGauges,
        ResponseStore,
        ResponsesService,
        CorsOrigins,
        CorsHook,
        ReceiptIssuer,
      ],
    };
  }
}
