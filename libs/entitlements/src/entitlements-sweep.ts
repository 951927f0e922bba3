import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import {
  ALL_ORGANIZATIONS,
  EVALUATE_ENTITLEMENTS_JOB,
  type EvaluateEntitlementsPayload,
} from './entitlements.constants';

/** Spend leaves the trailing window with time alone: every organisation is re-evaluated periodically. */
export const ENTITLEMENTS_SWEEP_EVERY_MS = 5 * 60_000;

@Injectable()
export class EntitlementsSweep implements OnModuleInit {
  constructor(
    @InjectQueue(QueueName.Entitlements) private readonly queue: Queue<EvaluateEntitlementsPayload>,
  ) {}

  async onModuleInit(): Promise<void> {
    // idempotent: every worker upserts the same scheduler
    await this.queue.upsertJobScheduler(
      'entitlements-sweep',
      { every: ENTITLEMENTS_SWEEP_EVERY_MS },
      {
        name: EVALUATE_ENTITLEMENTS_JOB,
        data: { organizationId: ALL_ORGANIZATIONS, reason: 'periodic sweep' },
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
      },
    );
  }
}
