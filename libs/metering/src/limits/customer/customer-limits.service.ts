import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan } from '@velvet/access';
import { isKeyOfOrganization, TEAM_DIRECTORY, type TeamDirectory } from '@velvet/api-keys';
import { AdminActivityLog, DomainErrorKind, DomainException, NotFoundError } from '@velvet/common';
import type { Micros } from '@velvet/common';
import { CustomerLimit } from '../../entities/customer-limit.entity';
import { RateLimit } from '../../entities/rate-limit.entity';
import { loosens } from '../limit-changes';
import { LimitsService } from '../limits.service';
import { Repository } from 'typeorm';
import { type LimitTarget, type LimitValues, limitCeiling, targetWhere } from './limit-values';

/** What an activity record of a limit change is about: the key, the team or the organisation. */
const subjectOf = (organizationId: string, t: LimitTarget) => ({
  subjectType: t.apiKeyId ? 'ApiKey' : t.teamId ? 'Team' : 'Organization',
  subjectId: t.apiKeyId ?? t.teamId ?? organizationId,
});

export interface LimitsOverview {
  organization: CustomerLimit | null;
  teams: CustomerLimit[];
  apiKeys: CustomerLimit[];
  /** The provider's limits on the organisation (contract, security): customer limits cannot exceed them. */
  ceiling: LimitValues;
}

/**
 * Limits an org admin sets for the organisation, a team or a key (monthly spend cap, requests and
 * tokens per minute). They may not exceed what the provider allows the organisation (the provider
 * override in `rate_limits`, set by staff or the security team), and a team's or key's not the
 * organisation's own; the gateway enforces the lowest of all at each level.
 */
@Injectable()
export class CustomerLimitsService {
  constructor(
    @InjectRepository(CustomerLimit) private readonly rows: Repository<CustomerLimit>,
    @InjectRepository(RateLimit) private readonly provider: Repository<RateLimit>,
    private readonly limits: LimitsService,
    @Inject(TEAM_DIRECTORY) private readonly teams: TeamDirectory,
    @Optional() private readonly activity?: AdminActivityLog,
  ) {}

  async overview(ability: AppAbility, organizationId: string): Promise<LimitsOverview> {
    assertCan(ability, Action.Read, 'Budget', { organizationId });
    const rows = await this.rows.find({ where: { organizationId } });
    return {
      organization: rows.find((r) => !r.teamId && !r.apiKeyId) ?? null,
      teams: rows.filter((r) => r.teamId),
      apiKeys: rows.filter((r) => r.apiKeyId),
      ceiling: await this.ceiling(organizationId, null),
    };
  }

  /** Replaces the target's limits (null: no customer limit for that field). */
  async set(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    target: LimitTarget,
    values: LimitValues,
  ): Promise<CustomerLimit> {
    assertCan(ability, Action.Update, 'Budget', { organizationId });
    await this.assertTarget(organizationId, target);
    const ceiling = await this.ceiling(organizationId, target.apiKeyId ?? null);
    const orgOwn = target.teamId || target.apiKeyId ? await this.find(organizationId, {}) : null;
    limitCeiling(values, ceiling, 'the limit the provider allows your organisation');
    if (orgOwn) limitCeiling(values, orgOwn, "the organisation's own limit");
    const existing = await this.find(organizationId, target);
    const row =
      existing ??
      this.rows.create({
        organizationId,
        teamId: target.teamId ?? null,
        apiKeyId: target.apiKeyId ?? null,
      });
    const before = existing && { ...existing };
    Object.assign(row, values, { updatedBy: actorUserId });
    const saved = await this.rows.manager.transaction(async (tx) => {
      const s = await tx.save(row);
      await this.activity?.record({
        actorUserId,
        organizationId,
        action: 'limits.set',
        ...subjectOf(organizationId, target),
        details: {
          requestsPerMinute: s.requestsPerMinute,
          tokensPerMinute: s.tokensPerMinute,
          spendCapMicros: s.spendCapMicros?.toString() ?? null,
        },
      });
      return s;
    });
    // a loosened limit forgives the rate state paid for at the old price
    await this.limits.announceCustomerChange(
      organizationId,
      loosens(before, saved) ? [target] : [],
    );
    return saved;
  }

  async clear(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    target: LimitTarget,
  ): Promise<void> {
    assertCan(ability, Action.Update, 'Budget', { organizationId });
    const existing = await this.find(organizationId, target);
    if (!existing) return;
    await this.rows.manager.transaction(async (tx) => {
      await tx.delete(CustomerLimit, { id: existing.id });
      await this.activity?.record({
        actorUserId,
        organizationId,
        action: 'limits.cleared',
        ...subjectOf(organizationId, target),
        details: {},
      });
    });
    await this.limits.announceCustomerChange(organizationId, [target]);
  }

  /** The provider's limits for the organisation, and for the key if one is named: the lower of both. */
  private async ceiling(organizationId: string, apiKeyId: string | null): Promise<LimitValues> {
    const rows = await this.provider.find({ where: { organizationId } });
    const org = rows.find((r) => !r.apiKeyId);
    const key = apiKeyId ? rows.find((r) => r.apiKeyId === apiKeyId) : undefined;
    const low = <T extends number | bigint>(a?: T | null, b?: T | null): T | null =>
      a == null ? (b ?? null) : b == null ? a : a < b ? a : b;
    return {
      requestsPerMinute: low(org?.requestsPerMinute, key?.requestsPerMinute),
      tokensPerMinute: low(org?.tokensPerMinute, key?.tokensPerMinute),
      spendCapMicros: low<Micros>(org?.spendCapMicros, key?.spendCapMicros),
    };
  }

  private async assertTarget(organizationId: string, t: LimitTarget): Promise<void> {
    if (t.teamId && t.apiKeyId)
      throw new DomainException(
        DomainErrorKind.Invalid,
        'invalid_limit',
        'Name a team or a key, not both.',
      );
    const em = this.rows.manager;
    if (t.teamId && !(await this.teams.isTeamOf(em, t.teamId, organizationId)))
      throw new NotFoundError('Team');
    if (t.apiKeyId && !(await isKeyOfOrganization(em, t.apiKeyId, organizationId)))
      throw new NotFoundError('API key');
  }

  private find(organizationId: string, t: LimitTarget): Promise<CustomerLimit | null> {
    return this.rows.findOne({ where: targetWhere(organizationId, t) });
  }
}
