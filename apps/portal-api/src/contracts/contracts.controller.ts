import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { type Page, ParseIdPipe } from '@velvet/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { type Contract, ContractReviewService, ContractsService } from '@velvet/contracts';
import {
  ApproveContractDto,
  CreateContractDto,
  DecisionDto,
  ListContractsQuery,
  UpdateContractDto,
} from './contracts.dto';
import {
  ApprovedContractView,
  ContractDetailView,
  ContractPage,
  ContractTransitionView,
  ContractView,
  CreatedContractView,
} from './contracts.views';

/** A retry of a contract request sends the same key and gets the same contract back. */
const REQUEST_KEY = /^[\x21-\x7e]{1,200}$/;

export const contractView = (c: Contract): ContractView => ({
  id: c.id,
  organizationId: c.organizationId,
  tier: c.tier,
  minSpendMicros: c.minSpendMicros,
  periodMonths: c.periodMonths,
  termStart: c.termStart,
  termEnd: c.termEnd,
  currency: c.currency,
  textRetentionDays: c.textRetentionDays,
  status: c.status,
  requiredApprovals: c.requiredApprovals,
  requestedBy: c.requestedBy,
  amendedBy: c.amendedBy,
  notes: c.notes,
  replacesContractId: c.replacesContractId,
  relation: c.relation,
  version: c.version,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

@ApiTags('contracts')
@Controller()
export class ContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly review: ContractReviewService,
  ) {}

  @RequireAbility(Action.Create, 'Contract')
  @Post('organizations/:orgId/contracts')
  @ApiCreatedResponse({ type: CreatedContractView })
  async create(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: CreateContractDto,
    @Headers('idempotency-key') requestKey?: string,
  ): Promise<CreatedContractView> {
    if (requestKey !== undefined && !REQUEST_KEY.test(requestKey)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const { notes, submit, minSpendMicros, replacesContractId, relation, ...terms } = dto;
    const contract = await this.contracts.create(
      ability,
      principal,
      orgId,
      { ...terms, minSpendMicros: BigInt(minSpendMicros) },
      notes ?? null,
      submit ?? false,
      requestKey ?? null,
      replacesContractId && relation ? { replacesContractId, relation } : null,
    );
    // the requester sees at once which of its contracts this one overlaps
    return { ...contractView(contract), overlapping: await this.contracts.overlapping(contract) };
  }

  @RequireAbility(Action.Read, 'Contract')
  @Get('contracts')
  @ApiOkResponse({ type: ContractPage })
  async list(
    @CurrentAbility() ability: AppAbility,
    @Query() query: ListContractsQuery,
  ): Promise<Page<ContractView>> {
    const page = await this.contracts.list(
      ability,
      { organizationId: query.organizationId, status: query.status },
      query.limit,
      query.offset,
    );
    return { ...page, items: page.items.map(contractView) };
  }

  @RequireAbility(Action.Read, 'Contract')
  @Get('contracts/:contractId')
  @ApiOkResponse({ type: ContractDetailView })
  async get(
    @CurrentAbility() ability: AppAbility,
    @Param('contractId', ParseIdPipe) id: string,
  ): Promise<ContractDetailView> {
    const { contract, approvals, overlapping } = await this.contracts.get(ability, id);
    return {
      ...contractView(contract),
      overlapping,
      approvals: approvals.map((a) => ({
        approverId: a.approverId,
        reason: a.reason,
        approvedAt: a.approvedAt,
      })),
    };
  }

  @RequireAbility(Action.Update, 'Contract')
  @Patch('contracts/:contractId')
  @ApiOkResponse({ type: ContractView })
  async update(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
    @Body() dto: UpdateContractDto,
  ): Promise<ContractView> {
    const { expectedVersion, minSpendMicros, ...rest } = dto;
    const changes = {
      ...rest,
      minSpendMicros: minSpendMicros === undefined ? undefined : BigInt(minSpendMicros),
    };
    return contractView(
      await this.contracts.update(ability, principal, id, changes, expectedVersion),
    );
  }

  @RequireAbility(Action.Update, 'Contract')
  @Post('contracts/:contractId/submit')
  @ApiOkResponse({ type: ContractView })
  @HttpCode(200)
  async submit(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
  ): Promise<ContractView> {
    return contractView(await this.contracts.submit(ability, principal, id));
  }

  @RequireAbility(Action.Review, 'Contract')
  @Post('contracts/:contractId/approve')
  @ApiOkResponse({ type: ApprovedContractView })
  @HttpCode(200)
  async approve(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
    @Body() dto: ApproveContractDto,
  ): Promise<ApprovedContractView> {
    const outcome = await this.review.approve(ability, principal, id, dto.reason ?? null);
    return { ...contractView(outcome.contract), approvals: outcome.approvals };
  }

  @RequireAbility(Action.Review, 'Contract')
  @Post('contracts/:contractId/reject')
  @ApiOkResponse({ type: ContractView })
  @HttpCode(200)
  async reject(
    @CurrentAbility() a: AppAbility,
    @CurrentPrincipal() p: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
    @Body() dto: DecisionDto,
  ): Promise<ContractView> {
    return contractView(await this.review.reject(a, p, id, dto.reason));
  }

  @RequireAbility(Action.Review, 'Contract')
  @Post('contracts/:contractId/request-changes')
  @ApiOkResponse({ type: ContractView })
  @HttpCode(200)
  async requestChanges(
    @CurrentAbility() a: AppAbility,
    @CurrentPrincipal() p: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
    @Body() dto: DecisionDto,
  ): Promise<ContractView> {
    return contractView(await this.review.requestChanges(a, p, id, dto.reason));
  }

  @RequireAbility(Action.Review, 'Contract')
  @Post('contracts/:contractId/terminate')
  @ApiOkResponse({ type: ContractView })
  @HttpCode(200)
  async terminate(
    @CurrentAbility() a: AppAbility,
    @CurrentPrincipal() p: UserPrincipal,
    @Param('contractId', ParseIdPipe) id: string,
    @Body() dto: DecisionDto,
  ): Promise<ContractView> {
    return contractView(await this.review.terminate(a, p, id, dto.reason));
  }

  @RequireAbility(Action.Read, 'Contract')
  @Get('contracts/:contractId/transitions')
  @ApiOkResponse({ type: [ContractTransitionView] })
  transitions(
    @CurrentAbility() ability: AppAbility,
    @Param('contractId', ParseIdPipe) id: string,
  ): Promise<ContractTransitionView[]> {
    return this.contracts.transitions(ability, id);
  }
}
