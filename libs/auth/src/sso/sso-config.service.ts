import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Action, assertCan, Role, type AppAbility } from '@velvet/access';
import { DomainErrorKind, DomainException } from '@velvet/common';
import { DataSource } from 'typeorm';
import { AUTH_OPTIONS, type AuthOptions } from '../auth.options';
import { SsoConnection, SsoProtocol } from './entities/sso-connection.entity';
import { SsoDomain } from './entities/sso-domain.entity';
import { SecretBox } from './secret-box';
import { ssoError, SsoErrorCode } from './sso.errors';

export interface SsoConnectionInput {
  protocol: SsoProtocol;
  enabled?: boolean;
  ssoRequired?: boolean;
  issuer: string;
  clientId?: string;
  /** Write-only: kept when omitted on an update. */
  clientSecret?: string;
  samlEntryPoint?: string;
  samlIdpCert?: string;
  defaultRole?: Role;
  groupRoles?: Record<string, Role>;
}

export interface SsoSettings {
  connection: (Omit<SsoConnection, 'clientSecretSealed'> & { clientSecretSet: boolean }) | null;
  domains: SsoDomain[];
}

const CUSTOMER_ROLES = new Set<string>([Role.OrgAdmin, Role.OrgMember]);
const notFound = () =>
  new DomainException(DomainErrorKind.NotFound, 'not_found', 'Organisation not found');

/** The org admin's side: the identity provider and the claimed e-mail domains (verified by provider staff). */
@Injectable()
export class SsoConfigService {
  readonly box: SecretBox;

  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.box = new SecretBox(options.jwtSecret);
  }

  async get(ability: AppAbility, organizationId: string): Promise<SsoSettings> {
    this.visible(ability, organizationId);
    const connection = await this.dataSource
      .getRepository(SsoConnection)
      .createQueryBuilder('c')
      .addSelect('c.clientSecretSealed')
      .where('c.organizationId = :organizationId', { organizationId })
      .getOne();
    const domains = await this.dataSource
      .getRepository(SsoDomain)
      .find({ where: { organizationId }, order: { domain: 'ASC' } });
    if (!connection) return { connection: null, domains };
    const { clientSecretSealed, ...rest } = connection;
    return { connection: { ...rest, clientSecretSet: clientSecretSealed !== null }, domains };
  }

  async put(
    ability: AppAbility,
    organizationId: string,
    input: SsoConnectionInput,
  ): Promise<SsoSettings> {
    this.visible(ability, organizationId);
    assertCan(ability, Action.Update, 'SsoConnection', { organizationId });
    validate(input);
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SsoConnection);
      const existing = await repo
        .createQueryBuilder('c')
        .addSelect('c.clientSecretSealed')
        .setLock('pessimistic_write')
        .where('c.organizationId = :organizationId', { organizationId })
        .getOne();
      const oidc = input.protocol === SsoProtocol.Oidc;
      const sealed = input.clientSecret
        ? this.box.seal(input.clientSecret)
        : existing?.protocol === SsoProtocol.Oidc
          ? existing.clientSecretSealed
          : null;
      if (oidc && !sealed)
        throw ssoError(
          SsoErrorCode.Invalid,
          'clientSecret is required for an OpenID Connect connection',
        );
      await repo.save(
        repo.create({
          organizationId,
          protocol: input.protocol,
          enabled: input.enabled ?? existing?.enabled ?? true,
          ssoRequired: input.ssoRequired ?? existing?.ssoRequired ?? false,
          issuer: input.issuer,
          clientId: oidc ? input.clientId! : null,
          clientSecretSealed: oidc ? sealed : null,
          samlEntryPoint: oidc ? null : input.samlEntryPoint!,
          samlIdpCert: oidc ? null : input.samlIdpCert!,
          defaultRole: input.defaultRole ?? existing?.defaultRole ?? Role.OrgMember,
          groupRoles: input.groupRoles ?? existing?.groupRoles ?? {},
        }),
      );
    });
    return this.get(ability, organizationId);
  }

  async remove(ability: AppAbility, organizationId: string): Promise<void> {
    this.visible(ability, organizationId);
    assertCan(ability, Action.Delete, 'SsoConnection', { organizationId });
    await this.dataSource.getRepository(SsoConnection).delete({ organizationId });
  }

  /** Claims a domain; it is used for sign-in once provider staff verified it. Idempotent for the same organisation. */
  async claimDomain(
    ability: AppAbility,
    organizationId: string,
    rawDomain: string,
  ): Promise<SsoDomain> {
    this.visible(ability, organizationId);
    assertCan(ability, Action.Create, 'SsoDomain', { organizationId });
    const domain = rawDomain.trim().toLowerCase();
    if (!/^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
      throw ssoError(SsoErrorCode.Invalid, 'domain must be a DNS name such as example.com');
    }
    const repo = this.dataSource.getRepository(SsoDomain);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ domain, organizationId })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ domain });
    if (row.organizationId !== organizationId)
      throw ssoError(SsoErrorCode.DomainClaimed, `${domain} is claimed by another organisation`);
    return row;
  }

  async removeDomain(ability: AppAbility, organizationId: string, domain: string): Promise<void> {
    this.visible(ability, organizationId);
    assertCan(ability, Action.Delete, 'SsoDomain', { organizationId });
    await this.dataSource
      .getRepository(SsoDomain)
      .delete({ organizationId, domain: domain.toLowerCase() });
  }

  /** Provider staff confirm the customer owns the domain (as they confirm the organisation itself). */
  async verifyDomain(
    ability: AppAbility,
    organizationId: string,
    domain: string,
    actorUserId: string,
  ): Promise<SsoDomain> {
    assertCan(ability, Action.Review, 'SsoDomain', { organizationId });
    const repo = this.dataSource.getRepository(SsoDomain);
    const row = await repo.findOneBy({ organizationId, domain: domain.toLowerCase() });
    if (!row)
      throw new DomainException(
        DomainErrorKind.NotFound,
        'not_found',
        'Domain not claimed by this organisation',
      );
    if (!row.verifiedAt)
      await repo.update(
        { domain: row.domain },
        { verifiedAt: new Date(), verifiedBy: actorUserId },
      );
    return repo.findOneByOrFail({ domain: row.domain });
  }

  /** Another tenant's settings do not exist, as far as the caller can tell. */
  private visible(ability: AppAbility, organizationId: string): void {
    try {
      assertCan(ability, Action.Read, 'SsoConnection', { organizationId });
    } catch {
      throw notFound();
    }
  }
}

function validate(input: SsoConnectionInput): void {
  const bad = (message: string) => ssoError(SsoErrorCode.Invalid, message);
  if (!Object.values(SsoProtocol).includes(input.protocol))
    throw bad('protocol must be oidc or saml');
  if (input.protocol === SsoProtocol.Oidc) {
    if (!isHttpUrl(input.issuer))
      throw bad('issuer must be the http(s) URL of the OpenID provider');
    if (!input.clientId) throw bad('clientId is required for an OpenID Connect connection');
  } else {
    if (!input.issuer) throw bad('issuer must be the entity ID of the SAML identity provider');
    if (!input.samlEntryPoint || !isHttpUrl(input.samlEntryPoint))
      throw bad('samlEntryPoint must be the http(s) SSO URL of the IdP');
    if (
      !input.samlIdpCert ||
      !/^[A-Za-z0-9+/=\s-]+$/.test(
        input.samlIdpCert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, ''),
      )
    ) {
      throw bad('samlIdpCert must be the IdP signing certificate (PEM or base64)');
    }
  }
  if (input.defaultRole && !CUSTOMER_ROLES.has(input.defaultRole))
    throw bad('defaultRole must be org_admin or org_member');
  for (const [group, role] of Object.entries(input.groupRoles ?? {})) {
    if (!CUSTOMER_ROLES.has(role))
      throw bad(`group ${group} maps to ${String(role)}: only org_admin or org_member`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
