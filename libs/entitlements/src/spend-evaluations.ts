import { type DynamicModule, Logger } from '@nestjs/common';
import {
  SPEND_LISTENER,
  type SpendListener,
  UsageIngestModule,
  type UsageIngestOptions,
} from '@velvet/metering';
import { EntitlementsModule } from './entitlements.module';
import { EntitlementsScheduler } from './entitlements.scheduler';

const INTERVAL_MS = 250;

/**
 * Asks the entitlement engine to re-evaluate organisations whose spend was just recorded: at once
 * for the first batch, then at most every 250 ms per organisation with a trailing call, so the
 * last spend is always evaluated while a busy organisation costs one queue write per interval.
 */
export class EvaluationThrottle implements SpendListener {
  private readonly logger = new Logger(EvaluationThrottle.name);
  private readonly windows = new Map<string, { dirty: boolean }>();

  constructor(private readonly scheduler: EntitlementsScheduler) {}

  spendRecorded(organizationIds: readonly string[]): void {
    for (const id of organizationIds) {
      const open = this.windows.get(id);
      if (open) open.dirty = true;
      else this.fire(id);
    }
  }

  private fire(id: string): void {
    const window = { dirty: false };
    this.windows.set(id, window);
    this.scheduler
      .requestEvaluation(id, 'usage_recorded')
      .catch((e: Error) => this.logger.warn(`entitlement evaluation request failed: ${e.message}`));
    setTimeout(() => {
      this.windows.delete(id);
      if (window.dirty) this.fire(id);
    }, INTERVAL_MS).unref();
  }
}

/**
 * The usage ingest (`UsageIngestModule`) with its spend listener: an organisation whose spend was
 * just recorded is re-evaluated (an unlock by spend threshold, docs/entitlements.md), throttled.
 */
export const usageIngestWithEvaluations = (options: UsageIngestOptions): DynamicModule =>
  UsageIngestModule.forRoot(options, {
    imports: [EntitlementsModule],
    providers: [
      {
        provide: SPEND_LISTENER,
        inject: [EntitlementsScheduler],
        useFactory: (scheduler: EntitlementsScheduler): SpendListener =>
          new EvaluationThrottle(scheduler),
      },
    ],
  });
