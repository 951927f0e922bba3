import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import {
  DETECTION_JOB_OPTIONS,
  DETECTION_RUN_JOB,
  DETECTION_SWEEP_EVERY_MS,
  type DetectionRunPayload,
} from './detection.jobs';

/** The periodic pass over the latest window; every worker upserts the same scheduler (idempotent). */
@Injectable()
export class DetectionSweep implements OnModuleInit {
  constructor(
    @InjectQueue(QueueName.Detection) private readonly queue: Queue<DetectionRunPayload>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'detection-sweep',
      { every: DETECTION_SWEEP_EVERY_MS },
      { name: DETECTION_RUN_JOB, data: {}, opts: DETECTION_JOB_OPTIONS },
    );
  }
}
