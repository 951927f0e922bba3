import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Job } from 'bullmq';
import {
  ALL_ORGANIZATIONS,
  APPLY_RULE_CHANGES_JOB,
  type EvaluateEntitlementsPayload,
} from './entitlements.constants';
import { EntitlementEngine } from './entitlement-engine.service';
import { UnlockRulesService } from './unlock-rules.service';

/** Runs in the worker app: re-evaluates one organisation (or all of them) and announces changes. */
@Processor(QueueName.Entitlements, { concurrency: 4 })
export class EvaluateEntitlementsProcessor extends WorkerHost {
  private readonly logger = new Logger(EvaluateEntitlementsProcessor.name);

  constructor(
    private readonly engine: EntitlementEngine,
    private readonly rules: UnlockRulesService,
  ) {
    super();
  }

  async process(job: Job<EvaluateEntitlementsPayload>): Promise<unknown> {
    const { organizationId, reason } = job.data;
    // scheduled rule changes: at their time, and on every sweep in case that job was lost
    if (job.name === APPLY_RULE_CHANGES_JOB || organizationId === ALL_ORGANIZATIONS) {
      const applied = await this.rules.applyDue();
      if (job.name === APPLY_RULE_CHANGES_JOB) {
        const changed = applied ? await this.engine.evaluateAll(reason) : 0;
        return { applied, changed };
      }
    }
    if (organizationId === ALL_ORGANIZATIONS) {
      const changed = await this.engine.evaluateAll(reason);
      this.logger.log({ reason, changed }, 'evaluated all organisations');
      return { changed };
    }
    return this.engine.evaluate(organizationId, reason);
  }
}
