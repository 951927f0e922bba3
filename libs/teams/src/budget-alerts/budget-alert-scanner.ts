import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { cappedScopeSpend } from '@velvet/metering';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  BUDGET_ALERTS_OPTIONS,
  BudgetAlertJob,
  type BudgetAlertsOptions,
  DELIVERY_ATTEMPTS,
  THRESHOLDS,
} from './budget-alerts.options';

export const periodOf = (d: Date) =>
  `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Compares each cap the org admins set with this month's spend, records each threshold crossed
 * once (a unique row per scope, month and threshold: a second scan, another process, a retry
 * insert nothing), and queues its deliveries. Deliveries not yet made are queued again by every
 * scan under the same job ids, so an alert recorded by a process that died before queueing still goes out.
 */
@Injectable()
export class BudgetAlertScanner {
  private readonly logger = new Logger(BudgetAlertScanner.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.BudgetAlerts) private readonly queue: Queue,
    @Inject(BUDGET_ALERTS_OPTIONS) private readonly options: BudgetAlertsOptions,
  ) {}

  async scan(now = new Date()): Promise<number> {
    const period = periodOf(now);
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const rows = await cappedScopeSpend(this.db.manager, from);
    let recorded = 0;
    for (const r of rows) {
      const cap = BigInt(r.cap);
      const spent = BigInt(r.spent);
      for (const t of THRESHOLDS) {
        if (spent * 100n < cap * BigInt(t)) continue;
        const inserted = (await this.db.query(
          `INSERT INTO budget_alerts (organization_id, scope, scope_id, period, threshold, cap_micros, spent_micros)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
          [r.organization_id, r.scope, r.scope_id, period, t, r.cap, r.spent],
        )) as unknown[];
        recorded += inserted.length;
      }
    }
    await this.queuePending(period);
    if (recorded) this.logger.log(`${recorded} budget alert(s) recorded for ${period}`);
    return recorded;
  }

  private async queuePending(period: string): Promise<void> {
    const pending = (await this.db.query(
      `SELECT id, emailed_at IS NULL AS email, webhook_delivered_at IS NULL AS webhook
         FROM budget_alerts WHERE period = $1 AND (emailed_at IS NULL OR webhook_delivered_at IS NULL)`,
      [period],
    )) as { id: string; email: boolean; webhook: boolean }[];
    const opts = {
      attempts: DELIVERY_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.options.retryBackoffMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    };
    const jobs = pending.flatMap((p) => [
      ...(p.email ? [{ name: BudgetAlertJob.Email, id: p.id }] : []),
      ...(p.webhook ? [{ name: BudgetAlertJob.Webhook, id: p.id }] : []),
    ]);
    if (!jobs.length) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: j.name,
        data: { alertId: j.id },
        // one job per alert and channel, whoever queues it
        opts: { ...opts, jobId: `${j.name}-${j.id}` },
      })),
    );
  }
}
