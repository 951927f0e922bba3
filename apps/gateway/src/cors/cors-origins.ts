import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';

/** How often the allowed origins are reloaded (an organisation's change reaches every gateway within this). */
const RELOAD_MS = 5_000;

/**
 * Each organisation's allowed browser origins (`organizations.cors_allowed_origins`, set by its
 * admin in the portal), held in process and reloaded every few seconds with one query, so a
 * preflight is answered with no query and no key check: a preflight carries no key, so it is
 * answered for any origin some organisation allows, and the real request then gets CORS headers
 * only if the key's own organisation allows its origin.
 */
@Injectable()
export class CorsOrigins implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CorsOrigins.name);
  private byOrg = new Map<string, Set<string>>();
  private any = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly reloadMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.reloadMs = Math.min(RELOAD_MS, Math.max(env.GATEWAY_CACHE_TTL_MS, 100));
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.reloadMs).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    try {
      const rows = (await this.db.query(
        `SELECT id, cors_allowed_origins AS origins FROM organizations WHERE status = 'active' AND cardinality(cors_allowed_origins) > 0`,
      )) as { id: string; origins: string[] }[];
      const byOrg = new Map<string, Set<string>>();
      const any = new Set<string>();
      for (const r of rows) {
        const set = new Set(r.origins.map((o) => o.toLowerCase()));
        byOrg.set(r.id, set);
        for (const o of set) any.add(o);
      }
      this.byOrg = byOrg;
      this.any = any;
    } catch (error) {
      // Keep the last known lists: CORS only relaxes the browser's own rule, and keys are still checked.
      this.logger.warn({ err: error }, 'CORS origins not reloaded');
    }
  }

  /** Whether any organisation allows this origin (the preflight's question). */
  allowedByAny(origin: string): boolean {
    return this.any.has(origin.toLowerCase());
  }

  allowedFor(organizationId: string, origin: string): boolean {
    return this.byOrg.get(organizationId)?.has(origin.toLowerCase()) ?? false;
  }
}
