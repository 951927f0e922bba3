import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AdminActivityLog } from '@velvet/common';
import { AuditAdminActivityLog } from './admin-activity-log.service';
import {
  AUDIT_PRODUCER_OPTIONS,
  AuditProducer,
  type AuditProducerOptions,
} from './producer/audit.producer';

const providers = (options: AuditProducerOptions) => [
  { provide: AUDIT_PRODUCER_OPTIONS, useValue: options },
  AuditProducer,
  { provide: AdminActivityLog, useClass: AuditAdminActivityLog },
];

/**
 * The producing side of the audit log for every app: `AuditProducer` (premium calls) and the
 * `AdminActivityLog` implementation (admin actions). Needs `QueueModule.forRoot` in the app.
 */
@Global()
@Module({
  providers: providers({}),
  exports: [AuditProducer, AdminActivityLog],
})
export class AuditProducerModule {
  static forRoot(options: AuditProducerOptions = {}): DynamicModule {
    return {
      module: AuditProducerModule,
      global: true,
      providers: providers(options),
      exports: [AuditProducer, AdminActivityLog],
    };
  }
}
