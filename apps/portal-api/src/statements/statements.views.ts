import { ApiProperty } from '@nestjs/swagger';
import { ContractStatus } from '@velvet/contracts';
import { DateProperty, MicrosProperty, StringListProperty } from '../http/openapi-views';
import { UsageBreakdownLineView } from '../spend/usage.views';

/** Response schemas of the statement routes: per commitment period, spend against the minimum. */

export class PeriodStatementView {
  @ApiProperty({ type: 'integer' })
  index: number;
  @DateProperty()
  start: string;
  @DateProperty({ description: 'Exclusive' })
  end: string;
  @ApiProperty({
    enum: ['closed', 'open'],
    description: 'open: the shortfall is what is owed so far',
  })
  state: 'closed' | 'open';
  @MicrosProperty()
  minimumMicros: bigint;
  @MicrosProperty({ description: 'Each micro of spend counts against one commitment only' })
  spentMicros: bigint;
  @MicrosProperty()
  shortfallMicros: bigint;
  @ApiProperty()
  currency: string;
  @ApiProperty()
  summary: string;
}

export class ContractStatementsView {
  @ApiProperty({ format: 'uuid' })
  contractId: string;
  @ApiProperty({ type: [PeriodStatementView] })
  periods: PeriodStatementView[];
  @StringListProperty({ description: 'How spend and prices become the figures' })
  notes: readonly string[];
}

export class OrganizationStatementsView extends ContractStatementsView {
  @ApiProperty()
  tier: string;
  @ApiProperty({ enum: ContractStatus, enumName: 'ContractStatus' })
  status: ContractStatus;
  @ApiProperty()
  currency: string;
}

export class PeriodDetailView {
  @ApiProperty({ format: 'uuid' })
  contractId: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  tier: string;
  @ApiProperty({ type: PeriodStatementView })
  period: PeriodStatementView;
  @ApiProperty({
    type: [UsageBreakdownLineView],
    description: 'Billed usage of the period per model and key',
  })
  usage: UsageBreakdownLineView[];
}
