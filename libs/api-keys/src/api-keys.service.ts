import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  Action,
  type AppAbility,
  assertCan,
  scopedWhere,
  type UserPrincipal,
} from '@velvet/access';
import {
  AdminActivityLog,
  DomainErrorKind,
  DomainException,
  NotFoundError,
  sameHash,
} from '@velvet/common';
import { IsNull, Repository } from 'typeorm';
import { generateKeyMaterial, parseKey } from './api-key.token';
import { ApiKey } from './entities/api-key.entity';
import { KeyInvalidations } from './key-invalidation';

export interface NewApiKey {
  name: string;
  expiresAt?: Date | null;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    /** Absent only in CLI scripts without the audit pipeline. */
    @Optional() private readonly activity?: AdminActivityLog,
    @Optional() private readonly invalidations?: KeyInvalidations,
  ) {}

  /** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
  async create(
    ability: AppAbility,
    principal: UserPrincipal,
    organizationId: string,
    input: NewApiKey,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    assertCan(ability, Action.Create, 'ApiKey', { organizationId });
    if (input.expiresAt && input.expiresAt <= new Date()) {
      throw new DomainException(
        DomainErrorKind.Invalid,
        'expiry_in_past',
        'expiresAt must be in the future',
      );
    }
    const material = generateKeyMaterial();
    // The audit entry is accepted before the key commits: no key exists that the log does not know.
    const apiKey = await this.keys.manager.transaction(async (tx) => {
      const saved = await tx.save(
        this.keys.create({
          organizationId,
          name: input.name,
          lookupId: material.lookupId,
          secretHash: material.secretHash,
          createdBy: principal.userId,
          expiresAt: input.expiresAt ?? null,
        }),
      );
      await this.activity?.record({
        actorUserId: principal.userId,
        organizationId,
        action: 'api_key.created',
        subjectType: 'ApiKey',
        subjectId: saved.id,
        details: { name: saved.name, expiresAt: saved.expiresAt?.toISOString() ?? null },
      });
      return saved;
    });
    return { apiKey, key: material.key };
  }

  async list(ability: AppAbility, organizationId: string): Promise<ApiKey[]> {
    const where = scopedWhere<ApiKey>(ability, Action.Read, 'ApiKey', { organizationId });
    if (!where) throw new NotFoundError('Organization');
    return this.keys.find({ where, order: { createdAt: 'DESC' } });
  }

  /** Revoking twice is fine: the second call changes nothing and returns the same key. */
  async revoke(
    ability: AppAbility,
    organizationId: string,
    id: string,
    actorUserId: string | null = null,
  ): Promise<ApiKey> {
    const where = scopedWhere<ApiKey>(ability, Action.Read, 'ApiKey', { organizationId, id });
    const apiKey = where && (await this.keys.findOne({ where }));
    if (!apiKey) throw new NotFoundError('API key');
    assertCan(ability, Action.Delete, 'ApiKey', apiKey);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      await this.keys.manager.transaction(async (tx) => {
        await tx.update(
          ApiKey,
          { id: apiKey.id, revokedAt: IsNull() },
          { revokedAt: apiKey.revokedAt },
        );
        await this.activity?.record({
          actorUserId,
          organizationId,
          action: 'api_key.revoked',
          subjectType: 'ApiKey',
          subjectId: apiKey.id,
          details: { name: apiKey.name },
        });
      });
    }
    // Announced after the commit (and again on a repeated revoke): gateways drop the key at once.
    await this.invalidations?.key(apiKey.id);
    return apiKey;
  }

  /** For the gateway: the live key a presented secret belongs to, or null. */
  async authenticate(presented: string, now = new Date()): Promise<ApiKey | null> {
    const parsed = parseKey(presented);
    if (!parsed) return null;
    const apiKey = await this.keys.findOne({
      where: { lookupId: parsed.lookupId },
      select: [
        'id',
        'organizationId',
        'name',
        'lookupId',
        'secretHash',
        'createdBy',
        'expiresAt',
        'revokedAt',
        'lastUsedAt',
        'createdAt',
      ],
    });
    if (!apiKey || !sameHash(apiKey.secretHash, parsed.secretHash)) return null;
    if (apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt <= now)) return null;
    return apiKey;
  }

  /** Coarse last-used bookkeeping: at most one write per key per minute. */
  async touch(id: string, at = new Date()): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :cutoff)', {
        id,
        cutoff: new Date(at.getTime() - 60_000),
      })
      .execute();
  }
}
