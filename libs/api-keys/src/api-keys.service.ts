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
  /** A team of the same organisation (checked by `KeySettings.assertTeam`). */
  teamId?: string | null;
  allowedModelIds?: string[] | null;
}

/** A live key as presented: with a rotated key's old secret, valid only until its grace ends. */
export interface AuthenticatedKey {
  apiKey: ApiKey;
  /** When this secret stops working (expiry, or the end of a rotation's grace); null: never. */
  validUntil: Date | null;
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
          teamId: input.teamId ?? null,
          allowedModelIds: input.allowedModelIds ?? null,
        }),
      );
      await this.activity?.record({
        actorUserId: principal.userId,
        organizationId,
        action: 'api_key.created',
        subjectType: 'ApiKey',
        subjectId: saved.id,
        details: {
          name: saved.name,
          expiresAt: saved.expiresAt?.toISOString() ?? null,
          teamId: saved.teamId,
          allowedModelIds: saved.allowedModelIds,
        },
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
    return (await this.authenticatePresented(presented, now))?.apiKey ?? null;
  }

  /**
   * The live key a presented secret belongs to, and until when that secret is good: the current
   * secret until the key expires, a rotated-out one until the end of its grace period too.
   */
  async authenticatePresented(
    presented: string,
    now = new Date(),
  ): Promise<AuthenticatedKey | null> {
    const parsed = parseKey(presented);
    if (!parsed) return null;
    const apiKey = await this.keys
      .createQueryBuilder('k')
      .addSelect(['k.secretHash', 'k.previousSecretHash'])
      .where('k.lookup_id = :id OR k.previous_lookup_id = :id', { id: parsed.lookupId })
      .getOne();
    if (!apiKey || apiKey.revokedAt) return null;
    let validUntil = apiKey.expiresAt;
    if (apiKey.lookupId !== parsed.lookupId) {
      const grace = apiKey.previousValidUntil;
      if (!apiKey.previousSecretHash || !sameHash(apiKey.previousSecretHash, parsed.secretHash))
        return null;
      if (!grace || grace <= now) return null;
      if (!validUntil || grace < validUntil) validUntil = grace;
    } else if (!sameHash(apiKey.secretHash, parsed.secretHash)) return null;
    if (validUntil && validUntil <= now) return null;
    return { apiKey, validUntil };
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
