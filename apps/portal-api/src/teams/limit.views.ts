import { ApiProperty } from '@nestjs/swagger';
import { DateTimeProperty, MicrosProperty } from '../http/openapi-views';

/** Limits of one level; null: no limit of this kind at this level. */
export class LimitValuesView {
  @ApiProperty({ type: 'integer', nullable: true })
  requestsPerMinute: number | null;
  @ApiProperty({ type: 'integer', nullable: true })
  tokensPerMinute: number | null;
  @MicrosProperty({ nullable: true, description: 'Per calendar month (UTC), in micros' })
  spendCapMicros: bigint | null;
}

/** Response schema of the limits an org admin set for the organisation, a team or a key. */
export class CustomerLimitView extends LimitValuesView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Set: a team’s limits',
  })
  teamId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set: a key’s limits' })
  apiKeyId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  updatedBy: string | null;
  @DateTimeProperty()
  updatedAt: Date;
}

/** Every level's limits of the organisation, and the provider's ceiling they may not exceed. */
export class LimitsOverviewView {
  @ApiProperty({ type: CustomerLimitView, nullable: true })
  organization: CustomerLimitView | null;
  @ApiProperty({ type: [CustomerLimitView] })
  teams: CustomerLimitView[];
  @ApiProperty({ type: [CustomerLimitView] })
  apiKeys: CustomerLimitView[];
  @ApiProperty({
    type: LimitValuesView,
    description: "The provider's limits on the organisation (contract, security)",
  })
  ceiling: LimitValuesView;
}
