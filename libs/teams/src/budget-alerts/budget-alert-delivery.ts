import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { activeAdminEmails } from '@velvet/organizations';
import { createTransport, type Transporter } from 'nodemailer';
import { IsNull, type DataSource } from 'typeorm';
import { BudgetAlert, BudgetAlertSettings } from './budget-alert.entities';
import { BUDGET_ALERTS_OPTIONS, type BudgetAlertsOptions } from './budget-alerts.options';
import { WEBHOOK_TARGETS, type WebhookTargets } from './webhook-target';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs: the timestamp bounds replays. */
export function signWebhook(secret: string, body: string, at = Date.now()): string {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const describeScope = (a: BudgetAlert) =>
  a.scope === 'organization'
    ? 'the organisation'
    : a.scope === 'team'
      ? `team ${a.scopeId}`
      : `API key ${a.scopeId}`;

/**
 * Sends one alert by one channel; throws to be retried (BullMQ backoff). Marks it delivered only
 * after the SMTP server or the webhook accepted it, and skips one already marked: a retry after a
 * lost mark can send twice, never zero times.
 */
@Injectable()
export class BudgetAlertDelivery {
  private readonly logger = new Logger(BudgetAlertDelivery.name);
  private readonly mail: Transporter | null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(BUDGET_ALERTS_OPTIONS) private readonly options: BudgetAlertsOptions,
    @Inject(WEBHOOK_TARGETS) private readonly targets: WebhookTargets,
  ) {
    this.mail = options.smtpUrl ? createTransport(options.smtpUrl) : null;
  }

  async email(alertId: string): Promise<void> {
    const alert = await this.db
      .getRepository(BudgetAlert)
      .findOneBy({ id: alertId, emailedAt: IsNull() });
    if (!alert) return;
    const admins = await activeAdminEmails(this.db.manager, alert.organizationId);
    if (!this.mail) this.logger.warn(`budget alert ${alert.id}: no SMTP_URL, e-mail skipped`);
    else if (admins.length) {
      await this.mail.sendMail({
        from: this.options.mailFrom,
        to: admins,
        subject: `Budget alert: ${alert.threshold}% of the monthly cap of ${describeScope(alert)}`,
        text:
          `Spend of ${describeScope(alert)} reached ${alert.threshold}% of its monthly cap in ${alert.period}: ` +
          `${alert.spentMicros} of ${alert.capMicros} micro-units.` +
          (alert.threshold === 100
            ? ' Calls are refused until the cap is raised or the month ends.'
            : ''),
      });
    }
    await this.db.getRepository(BudgetAlert).update({ id: alert.id }, { emailedAt: new Date() });
  }

  async webhook(alertId: string): Promise<void> {
    const alert = await this.db
      .getRepository(BudgetAlert)
      .findOneBy({ id: alertId, webhookDeliveredAt: IsNull() });
    if (!alert) return;
    const settings = await this.db
      .getRepository(BudgetAlertSettings)
      .createQueryBuilder('s')
      .addSelect('s.webhookSecret')
      .where('s.organization_id = :id', { id: alert.organizationId })
      .getOne();
    if (settings?.webhookUrl && settings.webhookSecret) {
      const body = JSON.stringify({
        id: alert.id,
        type: 'budget.threshold_reached',
        organizationId: alert.organizationId,
        scope: alert.scope,
        scopeId: alert.scopeId,
        period: alert.period,
        thresholdPercent: alert.threshold,
        capMicros: alert.capMicros.toString(),
        spentMicros: alert.spentMicros.toString(),
        createdAt: alert.createdAt.toISOString(),
      });
      const status = await this.targets
        .post(
          new URL(settings.webhookUrl),
          {
            'content-type': 'application/json',
            'velvet-signature': signWebhook(settings.webhookSecret, body),
            'velvet-event-id': alert.id,
          },
          body,
          WEBHOOK_TIMEOUT_MS,
        )
        .catch((e: Error) => {
          // a refused address is retried too: its DNS may be corrected; the reason goes to the log
          this.logger.warn(`budget alert ${alert.id}: webhook not delivered: ${e.message}`);
          throw e;
        });
      if (status < 200 || status >= 300) throw new Error(`webhook answered ${status}`);
    }
    // no webhook configured: nothing to deliver, and nothing later (a webhook set afterwards gets later alerts)
    await this.db
      .getRepository(BudgetAlert)
      .update({ id: alert.id }, { webhookDeliveredAt: new Date() });
  }
}
