import { Injectable } from '@nestjs/common';
import { AdminActivityLog } from '@velvet/common';
import { LimitsService, type RateLimit } from '@velvet/metering';

/** A throttle as security staff see it: on the whole organisation or one key, and why. */
export interface ThrottleView {
  apiKeyId: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  reason: string;
  actorUserId: string | null;
  createdAt: Date;
}

const view = (r: RateLimit): ThrottleView => ({
  apiKeyId: r.apiKeyId,
  requestsPerMinute: r.requestsPerMinute,
  tokensPerMinute: r.tokensPerMinute,
  reason: r.reason,
  actorUserId: r.actorUserId,
  createdAt: r.createdAt,
});

/**
 * The organisation's current throttles (gateway limit overrides), and lifting one outside a case,
 * with the reason in the audit log. Lifting one that is already gone changes nothing (retries).
 */
@Injectable()
export class ThrottlesService {
  constructor(
    private readonly limits: LimitsService,
    private readonly activity: AdminActivityLog,
  ) {}

  async list(organizationId: string): Promise<ThrottleView[]> {
    return (await this.limits.listOverrides(organizationId)).map(view);
  }

  async lift(organizationId: string, apiKeyId: string | null, actorUserId: string, reason: string) {
    const existing = (await this.limits.listOverrides(organizationId)).find(
      (t) => t.apiKeyId === apiKeyId,
    );
    if (!existing) return { lifted: false };
    await this.limits.clearOverride({ organizationId, apiKeyId, actorUserId, reason });
    await this.activity.record({
      actorUserId,
      organizationId,
      action: 'org.throttle_lifted',
      subjectType: apiKeyId ? 'ApiKey' : 'Organization',
      subjectId: apiKeyId ?? organizationId,
      reason,
      details: {
        requestsPerMinute: existing.requestsPerMinute,
        tokensPerMinute: existing.tokensPerMinute,
      },
    });
    return { lifted: true };
  }
}
