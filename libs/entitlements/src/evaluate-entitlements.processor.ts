import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Job } from 'bullmq';
import { ALL_ORGANIZATIONS, type EvaluateEntitlementsPayload } from './entitlements.constants';
import { EntitlementEngine } from './entitlement-engine.service';

/** Runs in the worker app: re-evaluates one organisation (or all of them) and announces changes. */
@Processor(QueueName.Entitlements, { concurrency: 4 })
export class EvaluateEntitlementsProcessor extends WorkerHost {
  private readonly logger = new Logger(EvaluateEntitlementsProcessor.name);

  constructor(private readonly engine: EntitlementEngine) {
    super();
  }

  async process(job: Job<EvaluateEntitlementsPayload>): Promise<unknown> {
    const { organizationId, reason } = job.data;
    if (organizationId === ALL_ORGANIZATIONS) {
      const changed = await this.engine.evaluateAll(reason);
      this.logger.log({ reason, changed }, 'evaluated all organisations');
      return { changed };
    }
    return this.engine.evaluate(organizationId, reason);
  }
}
