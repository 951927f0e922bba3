import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdminActivityLog, type Micros, NotFoundError } from '@velvet/common';
import type { DataSource } from 'typeorm';
import { CATALOG_LISTENER, type CatalogListener } from './catalog-listener';
import { CatalogException } from './catalog.exception';
import { Model, ModelStatus, type UpstreamConfig } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';
import type { TokenizerEncoding } from './tokens/encodings';

export interface ModelInput {
  slug: string;
  displayName: string;
  tier: string;
  inputPriceMicrosPerMTok: Micros;
  outputPriceMicrosPerMTok: Micros;
  currency: string;
  upstream: UpstreamConfig;
  contextWindow?: number;
  maxOutputTokens?: number;
  tokenizer?: TokenizerEncoding;
  status?: ModelStatus;
}

export type ModelChanges = Partial<Omit<ModelInput, 'slug'>>;

export interface TierInput {
  name: string;
  displayName: string;
  rank: number;
  gated: boolean;
}

const isUniqueViolation = (e: unknown) =>
  (e as { driverError?: { code?: string } })?.driverError?.code === '23505';

/** Validates the upstream shape beyond the DTO: a base URL that is http(s), never a key in the config. */
export function assertUpstream(upstream: UpstreamConfig): void {
  if (upstream.kind === 'simulator') return;
  try {
    const url = new URL(upstream.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw CatalogException.invalidUpstream('upstream.baseUrl must be an http(s) URL');
  }
  if (!upstream.upstreamModel)
    throw CatalogException.invalidUpstream('upstream.upstreamModel is required');
}

/** The catalog: platform admins add models, change prices, tiers and status; every change is logged. */
@Injectable()
export class ModelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    @Optional() @Inject(CATALOG_LISTENER) private readonly listener?: CatalogListener,
  ) {}

  list(includeRetired = false): Promise<Model[]> {
    return this.dataSource.getRepository(Model).find({
      where: includeRetired ? {} : { status: ModelStatus.Active },
      order: { tier: 'ASC', slug: 'ASC' },
    });
  }

  async get(id: string): Promise<Model> {
    const model = await this.dataSource.getRepository(Model).findOne({ where: { id } });
    if (!model) throw new NotFoundError('Model');
    return model;
  }

  findActiveBySlug(slug: string): Promise<Model | null> {
    return this.dataSource
      .getRepository(Model)
      .findOne({ where: { slug, status: ModelStatus.Active } });
  }

  listTiers(): Promise<ModelTier[]> {
    return this.dataSource.getRepository(ModelTier).find({ order: { rank: 'ASC' } });
  }

  /** A new tier. A gated tier stays locked for everyone until the platform admin gives it an unlock rule. */
  async createTier(
    input: TierInput,
    actorUserId: string | null,
    reason: string | null,
  ): Promise<ModelTier> {
    try {
      const tier = await this.dataSource.transaction(async (em) => {
        const saved = await em.save(em.create(ModelTier, input));
        await this.activity.record({
          actorUserId,
          organizationId: null,
          action: 'model_tier.created',
          subjectType: 'Model',
          subjectId: saved.name,
          reason,
          details: { ...input },
        });
        return saved;
      });
      await this.listener?.catalogChanged();
      return tier;
    } catch (error) {
      if (isUniqueViolation(error)) throw CatalogException.tierTaken();
      throw error;
    }
  }

  async create(
    input: ModelInput,
    actorUserId: string | null,
    reason: string | null,
  ): Promise<Model> {
    assertUpstream(input.upstream);
    try {
      const model = await this.dataSource.transaction(async (em) => {
        if (!(await em.exists(ModelTier, { where: { name: input.tier } })))
          throw CatalogException.unknownTier(input.tier);
        const saved = await em.save(em.create(Model, input));
        await this.activity.record({
          actorUserId,
          organizationId: null,
          action: 'model.created',
          subjectType: 'Model',
          subjectId: saved.id,
          reason,
          details: { slug: saved.slug, tier: saved.tier, ...prices(saved) },
        });
        return saved;
      });
      await this.listener?.catalogChanged();
      return model;
    } catch (error) {
      if (isUniqueViolation(error)) throw CatalogException.slugTaken(input.slug);
      throw error;
    }
  }

  async update(
    id: string,
    changes: ModelChanges,
    actorUserId: string | null,
    reason: string | null,
  ): Promise<Model> {
    if (changes.upstream) assertUpstream(changes.upstream);
    const model = await this.dataSource.transaction(async (em) => {
      const existing = await em.findOne(Model, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!existing) throw new NotFoundError('Model');
      if (changes.tier && !(await em.exists(ModelTier, { where: { name: changes.tier } })))
        throw CatalogException.unknownTier(changes.tier);
      const before = { tier: existing.tier, status: existing.status, ...prices(existing) };
      for (const [k, v] of Object.entries(changes))
        if (v !== undefined) (existing as unknown as Record<string, unknown>)[k] = v;
      const saved = await em.save(existing);
      await this.activity.record({
        actorUserId,
        organizationId: null,
        action: 'model.updated',
        subjectType: 'Model',
        subjectId: id,
        reason,
        details: { before, after: { tier: saved.tier, status: saved.status, ...prices(saved) } },
      });
      return saved;
    });
    // a tier or status change alters who may call it
    await this.listener?.catalogChanged();
    return model;
  }
}

const prices = (m: Model) => ({
  inputPriceMicrosPerMTok: m.inputPriceMicrosPerMTok.toString(),
  outputPriceMicrosPerMTok: m.outputPriceMicrosPerMTok.toString(),
  currency: m.currency,
});
