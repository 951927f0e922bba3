import { Injectable } from '@nestjs/common';
import { type AdminAction, AdminActivityLog } from '@velvet/common';
import { AuditProducer } from './producer/audit.producer';

/** Admin actions go through the same queue and worker as premium calls, into the same log. */
@Injectable()
export class AuditAdminActivityLog extends AdminActivityLog {
  constructor(private readonly producer: AuditProducer) {
    super();
  }

  record(action: AdminAction): Promise<void> {
    return this.producer.recordAdminAction(action);
  }
}
