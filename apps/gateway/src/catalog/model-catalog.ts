import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { encoderFor, Model, ModelStatus, ModelTier } from '@velvet/catalog';
import { TablesFingerprint } from '@velvet/common';
import { Repository } from 'typeorm';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';

export interface CatalogEntry {
  model: Model;
  /** The tier is gated (premium, flagship...): calls need an entitlement and an audit record. */
  gated: boolean;
}

/**
 * The active catalog, held in memory and checked every cache TTL (models and tiers are a few
 * rows), so resolving `model` never queries the database and unknown names cannot load it. Each
 * check asks PostgreSQL for the two tables' fingerprint and reloads them only when it changed.
 */
@Injectable()
export class ModelCatalog implements OnModuleInit, OnModuleDestroy {
  private bySlug = new Map<string, CatalogEntry>();
  private timer: NodeJS.Timeout | null = null;
  /** When the catalog last loaded; a failing reload keeps serving the previous one, which then ages. */
  private refreshedAt: number | null = null;
  private readonly logger = new Logger('ModelCatalog');
  private readonly fingerprint: TablesFingerprint;
  /** Changes identity on every reload that changed something, so derived caches can key on it. */
  version = 0;

  constructor(
    @InjectRepository(Model) private readonly models: Repository<Model>,
    @InjectRepository(ModelTier) private readonly tiers: Repository<ModelTier>,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {
    this.fingerprint = new TablesFingerprint([models, tiers]);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () =>
        void this.refresh().catch((error: Error) => {
          this.logger.warn(`model catalog refresh failed: ${error.message}`);
        }),
      this.env.GATEWAY_CACHE_TTL_MS,
    ).unref();
  }

  /** How old the catalog snapshot is (null before the first load), for /health. */
  snapshotAgeMs(now = Date.now()): number | null {
    return this.refreshedAt === null ? null : now - this.refreshedAt;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get(slug: string): CatalogEntry | undefined {
    return this.bySlug.get(slug);
  }

  all(): CatalogEntry[] {
    return [...this.bySlug.values()];
  }

  async refresh(): Promise<void> {
    const checkedAt = Date.now();
    await this.fingerprint.loadIfChanged(() => this.load());
    this.refreshedAt = checkedAt;
  }

  private async load(): Promise<void> {
    const [models, tiers] = await Promise.all([
      this.models.find({ where: { status: ModelStatus.Active } }),
      this.tiers.find(),
    ]);
    const gated = new Map(tiers.map((t) => [t.name, t.gated]));
    const next = new Map<string, CatalogEntry>();
    // Unknown tier: treat as gated, so a misconfigured model fails closed.
    for (const model of models) {
      next.set(model.slug, { model, gated: gated.get(model.tier) ?? true });
      encoderFor(model.tokenizer); // built once per encoding (a few hundred ms), here rather than on a call
    }
    const signature = (m: Map<string, CatalogEntry>) =>
      JSON.stringify([...m.values()].map((e) => [e.model.id, e.model.updatedAt, e.gated]));
    if (signature(next) !== signature(this.bySlug)) this.version++;
    this.bySlug = next;
  }
}
