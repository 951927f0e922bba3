import { ApiProperty } from '@nestjs/swagger';
import { DateTimeProperty } from '../http/openapi-views';

/** Response schema of an organisation's premium suspension (open while `restoredAt` is null). */
export class SuspensionView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  reason: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  suspendedBy: string | null;
  @DateTimeProperty()
  suspendedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  restoredBy: string | null;
  @ApiProperty({ type: String, nullable: true })
  restoreReason: string | null;
  @DateTimeProperty({ nullable: true })
  restoredAt: Date | null;
}

export class SuspensionOutcomeView extends SuspensionView {
  @ApiProperty({ description: 'False when the organisation was already suspended (a retry)' })
  created: boolean;
}
