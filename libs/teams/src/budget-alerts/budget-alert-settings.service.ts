import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan } from '@velvet/access';
import { DomainErrorKind, DomainException } from '@velvet/common';
import { Repository } from 'typeorm';
import { BudgetAlert, BudgetAlertSettings } from './budget-alert.entities';
import { WEBHOOK_TARGETS, type WebhookTargets } from './webhook-target';

export interface BudgetAlertSettingsView {
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  /** The latest alerts, newest first. */
  recent: BudgetAlert[];
}

/** The org admin's webhook for budget alerts (the admins' e-mail needs no setting). */
@Injectable()
export class BudgetAlertSettingsService {
  constructor(
    @InjectRepository(BudgetAlertSettings)
    private readonly settings: Repository<BudgetAlertSettings>,
    @InjectRepository(BudgetAlert) private readonly alerts: Repository<BudgetAlert>,
    @Inject(WEBHOOK_TARGETS) private readonly targets: WebhookTargets,
  ) {}

  async get(ability: AppAbility, organizationId: string): Promise<BudgetAlertSettingsView> {
    assertCan(ability, Action.Read, 'Budget', { organizationId });
    const s = await this.settings
      .createQueryBuilder('s')
      .addSelect('s.webhookSecret')
      .where('s.organization_id = :organizationId', { organizationId })
      .getOne();
    const recent = await this.alerts.find({
      where: { organizationId },
      order: { createdAt: 'DESC' },
      take: 50,
    });
    return { webhookUrl: s?.webhookUrl ?? null, webhookSecretSet: !!s?.webhookSecret, recent };
  }

  /** Sets the URL; a new signing secret is made (and returned, once) unless one exists and `rotateSecret` is false. */
  async setWebhook(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    url: string | null,
    rotateSecret = false,
  ): Promise<{ webhookUrl: string | null; webhookSecret?: string }> {
    assertCan(ability, Action.Update, 'Budget', { organizationId });
    if (url !== null) assertWebhookUrl(url, this.targets);
    const existing = await this.settings
      .createQueryBuilder('s')
      .addSelect('s.webhookSecret')
      .where('s.organization_id = :organizationId', { organizationId })
      .getOne();
    const secret =
      url !== null && (rotateSecret || !existing?.webhookSecret)
        ? `whsec_${randomBytes(32).toString('base64url')}`
        : undefined;
    await this.settings.upsert(
      {
        organizationId,
        webhookUrl: url,
        webhookSecret: url === null ? null : (secret ?? existing?.webhookSecret ?? null),
        updatedBy: actorUserId,
      },
      ['organizationId'],
    );
    return { webhookUrl: url, ...(secret ? { webhookSecret: secret } : {}) };
  }
}

function assertWebhookUrl(url: string, targets: WebhookTargets): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (
    !parsed ||
    // control characters (NUL included) never belong in a URL we call
    // eslint-disable-next-line no-control-regex -- they are what it refuses
    /[\u0000-\u001f\u007f]/.test(url) ||
    !['https:', 'http:'].includes(parsed.protocol) ||
    url.length > 2000 ||
    parsed.username
  )
    throw new DomainException(
      DomainErrorKind.Invalid,
      'invalid_webhook_url',
      'The webhook URL must be an http(s) URL without credentials, at most 2000 characters.',
    );
  if (targets.isRefusedHost(new URL(url)))
    throw new DomainException(
      DomainErrorKind.Invalid,
      'webhook_url_not_public',
      'The webhook URL must name a public host: loopback, private and link-local addresses are refused.',
    );
}
