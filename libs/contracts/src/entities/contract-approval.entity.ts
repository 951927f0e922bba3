import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One account manager's approval of one submission round of a contract. */
@Entity({ name: 'contract_approvals' })
export class ContractApproval {
  @PrimaryColumn({ name: 'contract_id', type: 'uuid' })
  contractId: string;

  @PrimaryColumn({ type: 'integer' })
  round: number;

  @PrimaryColumn({ name: 'approver_id', type: 'uuid' })
  approverId: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', default: () => 'now()' })
  approvedAt: Date;
}
