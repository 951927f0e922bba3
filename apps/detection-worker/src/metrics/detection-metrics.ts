import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  histogram,
  METRICS_REGISTRY,
  type ReadinessProbe,
  type ReadinessReport,
  storeReadiness,
} from '@velvet/common';
import { DetectionRunProcessor } from '@velvet/detection';
import { REDIS } from '@velvet/queue';
import type { Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

const RUN_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Detection run duration and outcome, from the BullMQ worker's own events: nothing inside the run. */
@Injectable()
export class DetectionMetrics implements OnApplicationBootstrap, ReadinessProbe {
  private readonly runs;
  private lastRunAt: number | null = null;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly moduleRef: ModuleRef,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    this.runs = histogram(
      registry,
      'velvet_detection_run_duration_seconds',
      'Detection runs by outcome (completed or failed)',
      ['outcome'] as const,
      RUN_BUCKETS,
    );
  }

  onApplicationBootstrap(): void {
    let worker;
    try {
      worker = this.moduleRef.get(DetectionRunProcessor, { strict: false }).worker;
    } catch {
      return; // no BullMQ worker in this context (an evaluation drives runs directly)
    }
    const observe = (outcome: string) => (job: Job | undefined) => {
      this.lastRunAt = Date.now();
      if (job?.processedOn) this.runs.observe({ outcome }, (Date.now() - job.processedOn) / 1000);
    };
    worker.on('completed', observe('completed'));
    worker.on('failed', observe('failed'));
  }

  async report(): Promise<ReadinessReport> {
    const stores = await storeReadiness({ database: this.db, redis: this.redis });
    const lastRunAgeMs = this.lastRunAt === null ? null : Date.now() - this.lastRunAt;
    return { ...stores, snapshots: { lastRunAgeMs } };
  }
}
