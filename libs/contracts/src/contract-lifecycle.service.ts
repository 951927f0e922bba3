import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdminActivityLog } from '@velvet/common';
import { EntitlementsScheduler, ImmediateEvaluation } from '@velvet/entitlements';
import type { DataSource } from 'typeorm';
import { ContractRetentionService } from './contract-retention.service';
import { utcToday } from './contract-terms';
import { moveContract } from './contract-transitions';
import { Contract, ContractStatus } from './entities/contract.entity';

const BATCH = 200;

export interface LifecycleOutcome {
  activated: string[];
  expired: string[];
}

/** Moves contracts on their dates: approved -> active on term start, active (or approved) -> expired after term end. */
@Injectable()
export class ContractLifecycleService {
  private readonly logger = new Logger(ContractLifecycleService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly entitlements: EntitlementsScheduler,
    private readonly retention: ContractRetentionService,
    private readonly immediate: ImmediateEvaluation,
  ) {}

  /** Idempotent and safe to run concurrently: rows are claimed with SKIP LOCKED and re-checked. */
  async run(now = new Date()): Promise<LifecycleOutcome> {
    const today = utcToday(now);
    const outcome: LifecycleOutcome = { activated: [], expired: [] };
    const organizations = new Set<string>();
    const expiredOrganizations: string[] = [];
    // batches, each its own short transaction, until nothing is due
    for (let claimed = BATCH; claimed === BATCH;) {
      claimed = await this.dataSource.transaction(async (em) => {
        const due = await em
          .createQueryBuilder(Contract, 'c')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .where(
            `(c.status = 'approved' AND c.term_start <= :today) OR (c.status = 'active' AND c.term_end < :today)`,
            { today },
          )
          .orderBy('c.term_start')
          .limit(BATCH)
          .getMany();
        for (const contract of due) {
          if (contract.termEnd < today) {
            // an approved contract whose whole term passed unnoticed expires without ever being active
            await moveContract(
              em,
              this.activity,
              contract,
              ContractStatus.Expired,
              null,
              `term ended ${contract.termEnd}`,
            );
            outcome.expired.push(contract.id);
            expiredOrganizations.push(contract.organizationId);
          } else {
            await moveContract(
              em,
              this.activity,
              contract,
              ContractStatus.Active,
              null,
              `term started ${contract.termStart}`,
            );
            outcome.activated.push(contract.id);
          }
          organizations.add(contract.organizationId);
        }
        return due.length;
      });
    }
    const expiredIn = new Set(expiredOrganizations);
    for (const organizationId of organizations) {
      // an expiry removes access: pushed at once like a suspension; an activation may take the queue
      if (expiredIn.has(organizationId))
        await this.immediate.apply(organizationId, 'contract expired');
      else await this.entitlements.requestEvaluation(organizationId, 'contract lifecycle');
      await this.retention.sync(organizationId);
    }
    if (organizations.size) this.logger.log(outcome, 'contract lifecycle');
    return outcome;
  }
}
