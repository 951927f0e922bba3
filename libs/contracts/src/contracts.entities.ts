import { ContractApproval } from './entities/contract-approval.entity';
import { ContractTransition } from './entities/contract-transition.entity';
import { Contract } from './entities/contract.entity';

export const CONTRACT_ENTITIES = [Contract, ContractApproval, ContractTransition];
