import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DateTimeProperty, MicrosProperty } from '../http/openapi-views';

/** One threshold of one monthly cap crossed, and where the alert went. */
export class BudgetAlertView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ enum: ['organization', 'team', 'api_key'], enumName: 'BudgetScope' })
  scope: 'organization' | 'team' | 'api_key';
  @ApiProperty({ format: 'uuid' })
  scopeId: string;
  @ApiProperty({ description: 'The calendar month (UTC), `YYYYMM`' })
  period: string;
  @ApiProperty({ type: 'integer', description: 'Percent of the cap: 50, 80 or 100' })
  threshold: number;
  @MicrosProperty()
  capMicros: bigint;
  @MicrosProperty()
  spentMicros: bigint;
  @DateTimeProperty()
  createdAt: Date;
  @DateTimeProperty({ nullable: true })
  emailedAt: Date | null;
  @DateTimeProperty({ nullable: true })
  webhookDeliveredAt: Date | null;
}

/** Response schema of the organisation's budget-alert settings, with the latest alerts. */
export class BudgetAlertSettingsView {
  @ApiProperty({ type: String, nullable: true })
  webhookUrl: string | null;
  @ApiProperty()
  webhookSecretSet: boolean;
  @ApiProperty({ type: [BudgetAlertView], description: 'The latest alerts, newest first' })
  recent: BudgetAlertView[];
}

/** The webhook as set; the signing secret only in the answer that made it. */
export class BudgetWebhookView {
  @ApiProperty({ type: String, nullable: true })
  webhookUrl: string | null;
  @ApiPropertyOptional({ description: 'The signing secret (`whsec_…`), shown once' })
  webhookSecret?: string;
}
