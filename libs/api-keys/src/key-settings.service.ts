import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan, scopedWhere } from '@velvet/access';
import { existingModelCount } from '@velvet/catalog';
import { AdminActivityLog, DomainErrorKind, DomainException, NotFoundError } from '@velvet/common';
import { IsNull, Repository } from 'typeorm';
import { generateKeyMaterial } from './api-key.token';
import { ApiKey } from './entities/api-key.entity';
import { KeyInvalidations } from './key-invalidation';
import { TEAM_DIRECTORY, type TeamDirectory } from './team-directory.port';

export interface KeySettingsChange {
  /** Undefined keeps the value; null removes it (no team, every entitled model, no expiry). */
  teamId?: string | null;
  allowedModelIds?: string[] | null;
  expiresAt?: Date | null;
}

/** How long a rotated-out secret keeps working unless the admin chooses: a day to roll deployments. */
export const DEFAULT_ROTATION_GRACE_S = 24 * 3600;
export const MAX_ROTATION_GRACE_S = 7 * 24 * 3600;

/**
 * What an org admin changes on a key after creating it: its team, its model allow-list, its
 * expiry, and its secret (rotation). Each change is announced, so gateways reload the key at once.
 */
@Injectable()
export class KeySettings {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Optional() private readonly activity?: AdminActivityLog,
    @Optional() private readonly invalidations?: KeyInvalidations,
    @Optional() @Inject(TEAM_DIRECTORY) private readonly teams?: TeamDirectory,
  ) {}

  /** Refuses a team or models that are not this organisation's to use (404 / 400), before anything is written. */
  async assertUsable(organizationId: string, change: KeySettingsChange): Promise<void> {
    if (change.teamId) {
      if (!this.teams) throw new Error('KeySettings needs TEAM_DIRECTORY: import TeamsModule');
      if (!(await this.teams.isTeamOf(this.keys.manager, change.teamId, organizationId)))
        throw new NotFoundError('Team');
    }
    const models = change.allowedModelIds;
    if (models) {
      if (models.length > 200 || new Set(models).size !== models.length)
        throw invalid('allowedModelIds must be distinct model ids (at most 200)');
      if ((await existingModelCount(this.keys.manager, models)) !== models.length)
        throw invalid('allowedModelIds names a model that does not exist');
    }
    if (change.expiresAt && change.expiresAt <= new Date())
      throw new DomainException(
        DomainErrorKind.Invalid,
        'expiry_in_past',
        'expiresAt must be in the future',
      );
  }

  async update(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    id: string,
    change: KeySettingsChange,
  ): Promise<ApiKey> {
    const apiKey = await this.live(ability, organizationId, id);
    await this.assertUsable(organizationId, change);
    if (change.teamId !== undefined) apiKey.teamId = change.teamId;
    if (change.allowedModelIds !== undefined) apiKey.allowedModelIds = change.allowedModelIds;
    if (change.expiresAt !== undefined) apiKey.expiresAt = change.expiresAt;
    await this.keys.manager.transaction(async (tx) => {
      await tx.update(
        ApiKey,
        { id: apiKey.id },
        {
          teamId: apiKey.teamId,
          allowedModelIds: apiKey.allowedModelIds,
          expiresAt: apiKey.expiresAt,
        },
      );
      await this.activity?.record({
        actorUserId,
        organizationId,
        action: 'api_key.updated',
        subjectType: 'ApiKey',
        subjectId: apiKey.id,
        details: {
          teamId: apiKey.teamId,
          allowedModelIds: apiKey.allowedModelIds,
          expiresAt: apiKey.expiresAt?.toISOString() ?? null,
        },
      });
    });
    await this.invalidations?.key(apiKey.id);
    return apiKey;
  }

  /**
   * A new secret for the same key (its team, limits and history stay); the old secret keeps
   * working for `graceSeconds`. A second rotation within a grace period ends the older secret's at once.
   */
  async rotate(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    id: string,
    graceSeconds = DEFAULT_ROTATION_GRACE_S,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    if (
      !Number.isSafeInteger(graceSeconds) ||
      graceSeconds < 0 ||
      graceSeconds > MAX_ROTATION_GRACE_S
    )
      throw invalid(`graceSeconds must be an integer from 0 to ${MAX_ROTATION_GRACE_S}`);
    const apiKey = await this.live(ability, organizationId, id);
    const old = await this.keys.findOneOrFail({
      where: { id: apiKey.id },
      select: ['id', 'lookupId', 'secretHash'],
    });
    const material = generateKeyMaterial();
    const validUntil = new Date(Date.now() + graceSeconds * 1000);
    await this.keys.manager.transaction(async (tx) => {
      // Only if no rotation or revocation slipped in since the read (else 409: read it again).
      const res = await tx.update(
        ApiKey,
        { id: apiKey.id, lookupId: old.lookupId, revokedAt: IsNull() },
        {
          lookupId: material.lookupId,
          secretHash: material.secretHash,
          previousLookupId: old.lookupId,
          previousSecretHash: old.secretHash,
          previousValidUntil: validUntil,
        },
      );
      if (!res.affected)
        throw new DomainException(
          DomainErrorKind.Conflict,
          'api_key_changed',
          'The key was rotated or revoked meanwhile; reload it and try again.',
        );
      await this.activity?.record({
        actorUserId,
        organizationId,
        action: 'api_key.rotated',
        subjectType: 'ApiKey',
        subjectId: apiKey.id,
        details: { previousValidUntil: validUntil.toISOString() },
      });
    });
    await this.invalidations?.key(apiKey.id);
    Object.assign(apiKey, {
      lookupId: material.lookupId,
      previousLookupId: old.lookupId,
      previousValidUntil: validUntil,
    });
    return { apiKey, key: material.key };
  }

  private async live(ability: AppAbility, organizationId: string, id: string): Promise<ApiKey> {
    const where = scopedWhere<ApiKey>(ability, Action.Read, 'ApiKey', { organizationId, id });
    const apiKey = where && (await this.keys.findOne({ where }));
    if (!apiKey) throw new NotFoundError('API key');
    assertCan(ability, Action.Update, 'ApiKey', apiKey);
    if (apiKey.revokedAt)
      throw new DomainException(DomainErrorKind.Conflict, 'api_key_revoked', 'The key is revoked.');
    return apiKey;
  }
}

const invalid = (message: string) =>
  new DomainException(DomainErrorKind.Invalid, 'invalid_key_settings', message);
