import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { counter, METRICS_REGISTRY } from '@velvet/common';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

export const PARTITION_UPKEEP_INTERVAL_MS = 3_600_000;

/**
 * Creates the coming months' partitions of the history tables and drops those past their
 * retention (velvet_partitions_maintain, docs/scaling.md), at start and hourly. Both audit workers
 * run it; the function serialises them on an advisory lock, so the second finds nothing to do.
 */
@Injectable()
export class PartitionUpkeep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PartitionUpkeep.name);
  private timer: NodeJS.Timeout | null = null;
  private readonly changes;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.changes = counter(
      registry,
      'velvet_partitions_changed_total',
      'History partitions created or dropped by the upkeep',
      ['table', 'action'] as const,
    );
  }

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), PARTITION_UPKEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async run(): Promise<void> {
    try {
      const rows: { parent: string; action: string; partition_name: string }[] =
        await this.db.query(`SELECT * FROM velvet_partitions_maintain()`);
      for (const r of rows) {
        this.changes.inc({ table: r.parent, action: r.action });
        this.logger.log(`${r.action} partition ${r.partition_name}`);
      }
    } catch (error) {
      // the next run retries; the DEFAULT partition takes rows meanwhile
      this.logger.warn(`partition upkeep failed: ${(error as Error).message}`);
    }
  }
}
