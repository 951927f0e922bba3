import { Injectable, Logger } from '@nestjs/common';
import { EntitlementEngine } from './entitlement-engine.service';
import { EntitlementsScheduler } from './entitlements.scheduler';

/**
 * The push path for changes that REMOVE access (suspension, contract termination, expiry):
 * evaluate inline and announce on pub/sub before the caller answers, so the gateway refuses within
 * the pub/sub latency instead of after the queue's coalescing delay. The queue is the fallback if
 * the inline evaluation fails.
 */
@Injectable()
export class ImmediateEvaluation {
  private readonly logger = new Logger(ImmediateEvaluation.name);

  constructor(
    private readonly engine: EntitlementEngine,
    private readonly scheduler: EntitlementsScheduler,
  ) {}

  async apply(organizationId: string, reason: string): Promise<void> {
    try {
      await this.engine.evaluate(organizationId, reason);
    } catch (error) {
      this.logger.warn({ organizationId, err: error }, 'inline evaluation failed; queued instead');
      await this.scheduler.requestEvaluation(organizationId, reason);
    }
  }
}
