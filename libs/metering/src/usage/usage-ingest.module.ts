import { type DynamicModule, Module } from '@nestjs/common';
import { USAGE_INGEST_OPTIONS, type UsageIngestOptions } from '../metering.options';
import { UsageIngestor } from './usage-ingestor.service';

/**
 * Consumes the gateways' usage stream into `usage_records` (`UsageIngestor`). The worker runs it,
 * off the gateways' event loops; a gateway runs it too only when asked (`GATEWAY_INGEST_USAGE`,
 * for a test without a worker): the consumer group shares the stream, so both can run.
 * `extra` wires an optional `SPEND_LISTENER` provider and the modules it needs.
 */
@Module({})
export class UsageIngestModule {
  static forRoot(
    options: UsageIngestOptions,
    extra: Pick<DynamicModule, 'imports' | 'providers'> = {},
  ): DynamicModule {
    return {
      module: UsageIngestModule,
      imports: extra.imports ?? [],
      providers: [
        { provide: USAGE_INGEST_OPTIONS, useValue: options },
        UsageIngestor,
        ...(extra.providers ?? []),
      ],
      exports: [UsageIngestor],
    };
  }
}
