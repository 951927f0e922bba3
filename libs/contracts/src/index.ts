export { commitmentPeriods } from './commitment-periods';
export { ContractFactsModule } from './contract-facts.reader';
export { ContractLifecycleService } from './contract-lifecycle.service';
export { ContractReviewService } from './contract-review.service';
export { CONTRACT_ENTITIES } from './contracts.entities';
export { ContractsModule, ContractsWorkerModule } from './contracts.module';
export { ContractsService } from './contracts.service';
export { Contract, ContractRelation, ContractStatus } from './entities/contract.entity';
export { STATEMENT_NOTES, StatementsService } from './statements.service';
