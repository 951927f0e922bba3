export interface BudgetAlertsOptions {
  /** `smtp://user:pass@host:port`; without it alerts go by webhook only (and the e-mail is logged as skipped). */
  smtpUrl?: string;
  mailFrom: string;
  /** How often spend is compared with the caps. */
  scanEveryMs: number;
  /** First retry delay of a delivery, doubled at each attempt. */
  retryBackoffMs: number;
  /** Deliver webhooks to loopback, private and link-local addresses too: tests and development only. */
  allowPrivateWebhookTargets: boolean;
}

export const BUDGET_ALERTS_OPTIONS = Symbol('BUDGET_ALERTS_OPTIONS');
export const THRESHOLDS = [50, 80, 100] as const;
/** A delivery is tried this many times (backoff 1, 2, 4 … × retryBackoffMs), then kept as failed. */
export const DELIVERY_ATTEMPTS = 8;

export enum BudgetAlertJob {
  Scan = 'scan',
  Email = 'email',
  Webhook = 'webhook',
}
