/** Every BullMQ queue of the product. Job names and payloads live beside their processors. */
export enum QueueName {
  Entitlements = 'entitlements',
  Contracts = 'contracts',
  Audit = 'audit',
  /** Signed tree heads and text purges of the audit log (scheduled). */
  AuditMaintenance = 'audit-maintenance',
  Detection = 'detection',
  Maintenance = 'maintenance',
  /** Budget alerts: the periodic scan, and each e-mail and webhook delivery (retried with backoff). */
  BudgetAlerts = 'budget-alerts',
}
