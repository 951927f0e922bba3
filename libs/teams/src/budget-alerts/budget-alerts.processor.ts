import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueName } from '@velvet/queue';
import type { Job, Queue } from 'bullmq';
import { BudgetAlertDelivery } from './budget-alert-delivery';
import { BudgetAlertScanner } from './budget-alert-scanner';
import {
  BUDGET_ALERTS_OPTIONS,
  BudgetAlertJob,
  type BudgetAlertsOptions,
} from './budget-alerts.options';

/** The periodic scan and each delivery; a delivery that throws is retried with backoff. */
@Processor(QueueName.BudgetAlerts, { concurrency: 4 })
export class BudgetAlertsProcessor extends WorkerHost {
  constructor(
    private readonly scanner: BudgetAlertScanner,
    private readonly delivery: BudgetAlertDelivery,
  ) {
    super();
  }

  async process(job: Job<{ alertId?: string }>): Promise<unknown> {
    switch (job.name as BudgetAlertJob) {
      case BudgetAlertJob.Scan:
        return this.scanner.scan();
      case BudgetAlertJob.Email:
        return this.delivery.email(job.data.alertId!);
      case BudgetAlertJob.Webhook:
        return this.delivery.webhook(job.data.alertId!);
    }
  }
}

/** Registers the repeatable scan (idempotent: every process upserts the same scheduler). */
@Injectable()
export class BudgetAlertsSchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QueueName.BudgetAlerts) private readonly queue: Queue,
    @Inject(BUDGET_ALERTS_OPTIONS) private readonly options: BudgetAlertsOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'budget-alerts-scan',
      { every: this.options.scanEveryMs },
      {
        name: BudgetAlertJob.Scan,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
      },
    );
  }
}
