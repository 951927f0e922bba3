import { ApiProperty } from '@nestjs/swagger';
import { ContractRelation, ContractStatus } from '@velvet/contracts';
import { DateProperty, DateTimeProperty, MicrosProperty, pageOf } from '../http/openapi-views';

/** Response schemas of the contract routes. */

const status = () => ApiProperty({ enum: ContractStatus, enumName: 'ContractStatus' });

/** A contract as every route shows it (never the review bookkeeping or the request key). */
export class ContractView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  tier: string;
  @MicrosProperty({ description: 'Minimum spend per period, micros of `currency`' })
  minSpendMicros: bigint;
  @ApiProperty({ type: 'integer' })
  periodMonths: number;
  @DateProperty()
  termStart: string;
  @DateProperty({
    description: 'Inclusive: the contract lapses at the start of the next day (UTC)',
  })
  termEnd: string;
  @ApiProperty()
  currency: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Days prompt and completion texts may be kept while active; none when null',
  })
  textRetentionDays: number | null;
  @status()
  status: ContractStatus;
  @ApiProperty({ type: 'integer' })
  requiredApprovals: number;
  @ApiProperty({ format: 'uuid' })
  requestedBy: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  amendedBy: string | null;
  @ApiProperty({ type: String, nullable: true })
  notes: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  replacesContractId: string | null;
  @ApiProperty({ enum: ContractRelation, enumName: 'ContractRelation', nullable: true })
  relation: ContractRelation | null;
  @ApiProperty({ type: 'integer' })
  version: number;
  @DateTimeProperty()
  createdAt: Date;
  @DateTimeProperty()
  updatedAt: Date;
}

export const ContractPage = pageOf(ContractView);

/** Another open contract of the organisation for the tier whose term overlaps. */
export class OverlappingContractView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @status()
  status: ContractStatus;
  @ApiProperty()
  tier: string;
  @DateProperty()
  termStart: string;
  @DateProperty()
  termEnd: string;
  @MicrosProperty()
  minSpendMicros: bigint;
  @ApiProperty()
  currency: string;
  @ApiProperty({ description: 'Binding and not the one replaced: approval will be refused' })
  blocking: boolean;
  @ApiProperty({ description: 'The contract under review amends or replaces this one' })
  replaced: boolean;
}

/** On creation: the terms, and what else already covers these dates. */
export class CreatedContractView extends ContractView {
  @ApiProperty({ type: [OverlappingContractView] })
  overlapping: OverlappingContractView[];
}

export class ContractApprovalView {
  @ApiProperty({ format: 'uuid' })
  approverId: string;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @DateTimeProperty()
  approvedAt: Date;
}

/** GET /contracts/:id: with the current review round's approvals. */
export class ContractDetailView extends CreatedContractView {
  @ApiProperty({ type: [ContractApprovalView] })
  approvals: ContractApprovalView[];
}

/** After an approval: the contract and how many approvals its round has now. */
export class ApprovedContractView extends ContractView {
  @ApiProperty({ type: 'integer' })
  approvals: number;
}

export class ContractTransitionView {
  @ApiProperty()
  id: string;
  @ApiProperty({ format: 'uuid' })
  contractId: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ type: String, nullable: true })
  fromStatus: string | null;
  @ApiProperty()
  toStatus: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorUserId: string | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @DateTimeProperty()
  occurredAt: Date;
}
