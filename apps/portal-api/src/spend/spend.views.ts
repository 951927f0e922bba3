import { ApiProperty } from '@nestjs/swagger';
import { DateProperty, MicrosProperty } from '../http/openapi-views';

/** Response schemas of the spend routes (exact micro-unit sums as decimal strings). */

export class DailySpendView {
  @DateProperty({ description: 'UTC day' })
  day: string;
  @MicrosProperty({ description: 'Billed calls that day, all tiers' })
  costMicros: string;
  @MicrosProperty({ description: 'The part on gated (premium) tiers' })
  premiumCostMicros: string;
}

export class SpendBreakdownRowView {
  @ApiProperty({ type: String, nullable: true })
  modelSlug: string | null;
  @ApiProperty()
  tier: string;
  @ApiProperty({ format: 'uuid' })
  apiKeyId: string;
  @ApiProperty({ type: String, nullable: true })
  apiKeyName: string | null;
  @ApiProperty({ type: 'integer' })
  calls: number;
  @ApiProperty({ pattern: '^[0-9]+$' })
  inputTokens: string;
  @ApiProperty({ pattern: '^[0-9]+$' })
  outputTokens: string;
  @MicrosProperty()
  costMicros: string;
}
