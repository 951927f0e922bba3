/** Every BullMQ queue of the product. Job names and payloads live beside their processors. */
export enum QueueName {
  Entitlements = 'entitlements',
  Contracts = 'contracts',
  Audit = 'audit',
  Detection = 'detection',
  Maintenance = 'maintenance',
}
