import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import {
  ALL_ORGANIZATIONS,
  APPLY_RULE_CHANGES_JOB,
  EVALUATE_ENTITLEMENTS_JOB,
  EVALUATION_DELAY_MS,
  type EvaluateEntitlementsPayload,
} from './entitlements.constants';

/** Asks the worker to re-evaluate an organisation's entitlements soon; cheap enough to call per request. */
@Injectable()
export class EntitlementsScheduler {
  constructor(
    @InjectQueue(QueueName.Entitlements) private readonly queue: Queue<EvaluateEntitlementsPayload>,
  ) {}

  /**
   * Deduplicated per organisation: while a job waits, further requests are absorbed (it will read
   * the latest spend when it runs); while one runs, exactly one follow-up is kept, so nothing
   * recorded after the running job read its facts is missed.
   */
  async requestEvaluation(organizationId: string, reason: string): Promise<void> {
    await this.queue.add(
      EVALUATE_ENTITLEMENTS_JOB,
      { organizationId, reason },
      {
        delay: EVALUATION_DELAY_MS,
        deduplication: { id: `org:${organizationId}`, keepLastIfActive: true },
        attempts: 5,
        backoff: { type: 'exponential', delay: 200 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    );
  }

  /** Applies a scheduled unlock-rule change at its effective time (the periodic sweep is the fallback). */
  async scheduleRuleChange(changeId: string, effectiveAt: Date): Promise<void> {
    await this.queue.add(
      APPLY_RULE_CHANGES_JOB,
      { organizationId: ALL_ORGANIZATIONS, reason: `unlock rule change ${changeId}` },
      {
        jobId: `rule-change-${changeId}`,
        delay: Math.max(0, effectiveAt.getTime() - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    );
  }
}
