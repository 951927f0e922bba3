import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Job, Queue } from 'bullmq';
import { ContractLifecycleService, type LifecycleOutcome } from './contract-lifecycle.service';

export const CONTRACT_LIFECYCLE_JOB = 'lifecycle';
/** Activation and expiry happen within this long after midnight UTC of the date. */
export const CONTRACT_LIFECYCLE_EVERY_MS = 60_000;

/** Worker side: applies due activations and expiries. */
@Processor(QueueName.Contracts)
export class ContractLifecycleProcessor extends WorkerHost {
  constructor(private readonly lifecycle: ContractLifecycleService) {
    super();
  }

  process(_job: Job): Promise<LifecycleOutcome> {
    return this.lifecycle.run();
  }
}

/** Registers the repeatable job (idempotent: every worker upserts the same scheduler). */
@Injectable()
export class ContractLifecycleSchedule implements OnModuleInit {
  constructor(@InjectQueue(QueueName.Contracts) private readonly queue: Queue) {}

  async onModuleInit(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'contract-lifecycle',
      { every: CONTRACT_LIFECYCLE_EVERY_MS },
      {
        name: CONTRACT_LIFECYCLE_JOB,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
      },
    );
  }
}
