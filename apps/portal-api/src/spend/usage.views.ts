import { ApiProperty } from '@nestjs/swagger';
import type { UsageGranularity, UsageGroupBy } from '@velvet/metering';
import { MicrosProperty } from '../http/openapi-views';

/** Response schemas of the usage analytics routes: counts are numbers, tokens and money decimal strings. */

const TokensProperty = () => ApiProperty({ type: String, pattern: '^[0-9]+$' });

export class UsageFiguresView {
  @ApiProperty({ type: 'integer', description: 'Calls served, whatever their outcome' })
  requests: number;
  @ApiProperty({ type: 'integer', description: 'Calls that delivered nothing: not billed' })
  failed: number;
  @ApiProperty({
    type: 'integer',
    description: 'Calls cut mid-stream: billed for what was delivered',
  })
  partial: number;
  @TokensProperty()
  inputTokens: string;
  @TokensProperty()
  outputTokens: string;
  @MicrosProperty({ description: 'Cost of billed calls' })
  costMicros: string;
  @ApiProperty({ type: 'integer', description: 'Calls the gateway refused' })
  refusals: number;
}

export class UsageTotalView extends UsageFiguresView {
  @ApiProperty()
  currency: string;
}

export class UsagePointView extends UsageTotalView {
  @ApiProperty({
    description: 'Start of the bucket: `YYYY-MM-DD` (day) or an ISO instant (hour), UTC',
  })
  bucket: string;
  @ApiProperty({ type: String, nullable: true, description: "The group's model, key or team id" })
  groupId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Model slug, key name or team name' })
  groupLabel: string | null;
}

export class RefusalCountView {
  @ApiProperty()
  reason: string;
  @ApiProperty({ type: 'integer' })
  refusals: number;
}

export class UsageReportView {
  @ApiProperty({ description: 'First UTC day, YYYY-MM-DD' })
  from: string;
  @ApiProperty({ description: 'Last UTC day, YYYY-MM-DD, included' })
  to: string;
  @ApiProperty({ enum: ['day', 'hour'], enumName: 'UsageGranularity' })
  granularity: UsageGranularity;
  @ApiProperty({ enum: ['none', 'model', 'key', 'team'], enumName: 'UsageGroupBy' })
  groupBy: UsageGroupBy;
  @ApiProperty({ type: [UsagePointView] })
  points: UsagePointView[];
  @ApiProperty({ type: [UsageTotalView], description: 'Per currency' })
  totals: UsageTotalView[];
  @ApiProperty({ type: [RefusalCountView] })
  refusalsByReason: RefusalCountView[];
}

/** One model × key (× team) line over the whole range. */
export class UsageBreakdownLineView extends UsageTotalView {
  @ApiProperty({ format: 'uuid' })
  modelId: string;
  @ApiProperty({ type: String, nullable: true })
  modelSlug: string | null;
  @ApiProperty({ format: 'uuid' })
  apiKeyId: string;
  @ApiProperty({ type: String, nullable: true })
  apiKeyName: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  teamId: string | null;
  @ApiProperty({ type: String, nullable: true })
  teamName: string | null;
  @ApiProperty({ type: [RefusalCountView] })
  refusalsByReason: RefusalCountView[];
}
