import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyPrincipal } from '@velvet/access';
import { ApiKeysService, parseKey } from '@velvet/api-keys';
import { Organization, OrganizationStatus } from '@velvet/organizations';
import { Repository } from 'typeorm';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';

interface Entry {
  at: number;
  principal: ApiKeyPrincipal | null;
  organizationActive: boolean;
}

/** After this long a cached key is not served even while its refresh is pending. */
const STALE_LIMIT_MS = 30_000;
const MAX_ENTRIES = 50_000;

/**
 * API-key authentication without a query per call: results (good and bad keys alike) are cached
 * by the key's SHA-256 for the cache TTL (1 s by default); a fresh-enough entry is served while a
 * single background refresh runs, so revoking a key takes effect within about a second.
 */
@Injectable()
export class KeyAuthenticator {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeysService,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  async authenticate(authorization: string | undefined): Promise<ApiKeyPrincipal> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const parsed = token ? parseKey(token) : null;
    if (!token || !parsed) throw OpenAIError.invalidKey();
    const now = Date.now();
    let entry = this.cache.get(parsed.secretHash);
    if (!entry || now - entry.at > STALE_LIMIT_MS) entry = await this.load(token, parsed.secretHash);
    else if (now - entry.at > this.env.GATEWAY_CACHE_TTL_MS) void this.load(token, parsed.secretHash).catch(() => undefined);
    if (!entry.principal) throw OpenAIError.invalidKey();
    if (!entry.organizationActive) {
      throw new OpenAIError(403, 'invalid_request_error', 'organization_disabled', 'This organisation is disabled; contact your account manager.');
    }
    this.touch(entry.principal.apiKeyId, now);
    return entry.principal;
  }

  private load(token: string, hash: string): Promise<Entry> {
    let p = this.pending.get(hash);
    if (!p) {
      p = this.fetch(token)
        .then((entry) => {
          if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
          this.cache.set(hash, entry);
          return entry;
        })
        .finally(() => this.pending.delete(hash));
      this.pending.set(hash, p);
    }
    return p;
  }

  private async fetch(token: string): Promise<Entry> {
    const at = Date.now();
    let key;
    try {
      key = await this.keys.authenticate(token);
    } catch {
      throw OpenAIError.unavailable('The gateway cannot verify API keys right now; retry shortly.');
    }
    if (!key) return { at, principal: null, organizationActive: false };
    const org = await this.organizations.findOne({ where: { id: key.organizationId }, select: ['id', 'status'] });
    return {
      at,
      organizationActive: org?.status === OrganizationStatus.Active,
      principal: { kind: 'api_key', apiKeyId: key.id, organizationId: key.organizationId, createdByUserId: key.createdBy },
    };
  }

  /** last_used_at bookkeeping, at most once a minute per key, off the response path. */
  private touch(apiKeyId: string, now: number): void {
    if (now - (this.touched.get(apiKeyId) ?? 0) < 60_000) return;
    this.touched.set(apiKeyId, now);
    void this.keys.touch(apiKeyId).catch(() => undefined);
  }
}
