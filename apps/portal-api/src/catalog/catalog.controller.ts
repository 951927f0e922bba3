import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ParseIdPipe } from '@velvet/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Action, CurrentPrincipal, RequireAbility, type UserPrincipal } from '@velvet/access';
import { type Model, ModelsService, type UpstreamConfig } from '@velvet/catalog';
import { UnlockRulesService } from '@velvet/entitlements';
import {
  CreateModelDto,
  CreateTierDto,
  ListModelsQuery,
  PutUnlockRuleDto,
  UnlockRuleTermsDto,
  UpdateModelDto,
} from './catalog.dto';
import {
  CatalogModelView,
  ModelTierView,
  PutUnlockRuleView,
  RuleChangeImpactView,
  UnlockRuleChangeView,
  UnlockRuleView,
} from './catalog.views';

const micros = (v: string | undefined) => (v === undefined ? undefined : BigInt(v));

const ruleTerms = ({
  minQualifyingSpendMicros,
  dualApprovalAboveMicros,
  ...rest
}: Omit<UnlockRuleTermsDto, 'effectiveAt' | 'grandfatherActiveContracts'>) => ({
  ...rest,
  minQualifyingSpendMicros: micros(minQualifyingSpendMicros),
  dualApprovalAboveMicros: micros(dualApprovalAboveMicros),
});

export const modelView = (m: Model): CatalogModelView => ({
  id: m.id,
  slug: m.slug,
  displayName: m.displayName,
  tier: m.tier,
  inputPriceMicrosPerMTok: m.inputPriceMicrosPerMTok,
  outputPriceMicrosPerMTok: m.outputPriceMicrosPerMTok,
  currency: m.currency,
  // where it is served from, without key material (the config only names an env variable anyway)
  upstream:
    m.upstream.kind === 'simulator'
      ? m.upstream
      : {
          kind: m.upstream.kind,
          baseUrl: m.upstream.baseUrl,
          upstreamModel: m.upstream.upstreamModel,
          responsesApi: m.upstream.responsesApi === true,
        },
  contextWindow: m.contextWindow,
  maxOutputTokens: m.maxOutputTokens,
  tokenizer: m.tokenizer,
  status: m.status,
  updatedAt: m.updatedAt,
});

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(
    private readonly models: ModelsService,
    private readonly rules: UnlockRulesService,
  ) {}

  @RequireAbility(Action.Read, 'Model')
  @Get('catalog/models')
  @ApiOkResponse({ type: [CatalogModelView] })
  async list(@Query() query: ListModelsQuery): Promise<CatalogModelView[]> {
    return (await this.models.list(query.includeRetired ?? false)).map(modelView);
  }

  @RequireAbility(Action.Read, 'Model')
  @Get('catalog/models/:modelId')
  @ApiOkResponse({ type: CatalogModelView })
  async get(@Param('modelId', ParseIdPipe) id: string): Promise<CatalogModelView> {
    return modelView(await this.models.get(id));
  }

  @RequireAbility(Action.Read, 'Model')
  @Get('catalog/tiers')
  @ApiOkResponse({ type: [ModelTierView] })
  tiers(): Promise<ModelTierView[]> {
    return this.models.listTiers();
  }

  @RequireAbility(Action.Create, 'Model')
  @Post('catalog/tiers')
  @ApiCreatedResponse({ type: ModelTierView })
  createTier(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() dto: CreateTierDto,
  ): Promise<ModelTierView> {
    const { reason, ...tier } = dto;
    return this.models.createTier(tier, principal.userId, reason ?? null);
  }

  @RequireAbility(Action.Create, 'Model')
  @Post('catalog/models')
  @ApiCreatedResponse({ type: CatalogModelView })
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() dto: CreateModelDto,
  ): Promise<CatalogModelView> {
    const { reason, ...fields } = dto;
    const model = await this.models.create(
      {
        ...fields,
        currency: fields.currency ?? 'USD',
        inputPriceMicrosPerMTok: BigInt(fields.inputPriceMicrosPerMTok),
        outputPriceMicrosPerMTok: BigInt(fields.outputPriceMicrosPerMTok),
        upstream: fields.upstream as UpstreamConfig,
      },
      principal.userId,
      reason ?? null,
    );
    return modelView(model);
  }

  @RequireAbility(Action.Update, 'Model')
  @Patch('catalog/models/:modelId')
  @ApiOkResponse({ type: CatalogModelView })
  async update(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('modelId', ParseIdPipe) id: string,
    @Body() dto: UpdateModelDto,
  ): Promise<CatalogModelView> {
    const { reason, inputPriceMicrosPerMTok, outputPriceMicrosPerMTok, upstream, ...rest } = dto;
    const model = await this.models.update(
      id,
      {
        ...rest,
        inputPriceMicrosPerMTok: micros(inputPriceMicrosPerMTok),
        outputPriceMicrosPerMTok: micros(outputPriceMicrosPerMTok),
        upstream: upstream as UpstreamConfig | undefined,
      },
      principal.userId,
      reason ?? null,
    );
    return modelView(model);
  }

  @RequireAbility(Action.Read, 'UnlockRule')
  @Get('unlock-rules')
  @ApiOkResponse({ type: [UnlockRuleView] })
  listRules(): Promise<UnlockRuleView[]> {
    return this.rules.list();
  }

  @RequireAbility(Action.Read, 'UnlockRule')
  @Get('unlock-rules/:tier')
  @ApiOkResponse({ type: UnlockRuleView })
  getRule(@Param('tier') tier: string): Promise<UnlockRuleView> {
    return this.rules.get(tier);
  }

  /** A new version of the rule, now or at `effectiveAt`, optionally grandfathering organisations with active contracts. */
  @RequireAbility(Action.Update, 'UnlockRule')
  @Put('unlock-rules/:tier')
  @ApiOkResponse({ type: PutUnlockRuleView })
  async putRule(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('tier') tier: string,
    @Body() dto: PutUnlockRuleDto,
  ): Promise<PutUnlockRuleView> {
    const { reason, expectedVersion, effectiveAt, grandfatherActiveContracts, ...rest } = dto;
    const { rule, change } = await this.rules.put(
      tier,
      ruleTerms(rest),
      principal.userId,
      reason,
      expectedVersion,
      {
        effectiveAt: effectiveAt === undefined ? undefined : new Date(effectiveAt),
        grandfather: grandfatherActiveContracts ?? false,
      },
    );
    return { ...rule, change };
  }

  /** Who would gain, lose, or be grandfathered if these terms applied now; changes nothing. */
  @RequireAbility(Action.Update, 'UnlockRule')
  @Post('unlock-rules/:tier/preview')
  @ApiOkResponse({ type: RuleChangeImpactView })
  @HttpCode(200)
  previewRule(
    @Param('tier') tier: string,
    @Body() dto: UnlockRuleTermsDto,
  ): Promise<RuleChangeImpactView> {
    const { effectiveAt: _at, grandfatherActiveContracts, ...rest } = dto;
    return this.rules.preview(tier, ruleTerms(rest), grandfatherActiveContracts ?? false);
  }

  @RequireAbility(Action.Read, 'UnlockRule')
  @Get('unlock-rules/:tier/changes')
  @ApiOkResponse({ type: [UnlockRuleChangeView] })
  ruleChanges(@Param('tier') tier: string): Promise<UnlockRuleChangeView[]> {
    return this.rules.history(tier);
  }
}
