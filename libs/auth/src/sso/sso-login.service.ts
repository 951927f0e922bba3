import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hashPassword, randomToken, sha256Hex } from '@velvet/common';
import { organizationBySlug, OrganizationStatus, User, UserStatus } from '@velvet/organizations';
import { DataSource, IsNull } from 'typeorm';
import { AuthService } from '../auth.service';
import { SsoConnection, SsoProtocol } from './entities/sso-connection.entity';
import { SsoDomain } from './entities/sso-domain.entity';
import { SsoLoginState } from './entities/sso-login-state.entity';
import { OidcAdapter, type OidcSettings } from './oidc.adapter';
import { SamlAdapter, type SamlSettings } from './saml.adapter';
import { SsoConfigService } from './sso-config.service';
import { emailDomain, roleFromGroups, type SsoIdentity } from './sso-identity';
import { ssoError, SsoErrorCode } from './sso.errors';

/** How long a person has to come back from the identity provider. */
const STATE_TTL_MS = 10 * 60_000;

export const SSO_PATHS = {
  oidcCallback: '/auth/sso/oidc/callback',
  samlAcs: '/auth/sso/saml/acs',
  samlMetadata: (organizationId: string) => `/auth/sso/saml/${organizationId}/metadata`,
} as const;

export interface SsoStartRequest {
  email?: string;
  organization?: string;
  loginHint?: string;
}

/**
 * Single sign-on: sends the browser to the organisation's identity provider, checks what comes
 * back (through openid-client / node-saml), and finds or creates (just in time) the user, who then
 * gets the same session as a password login.
 */
@Injectable()
export class SsoLoginService {
  private readonly logger = new Logger(SsoLoginService.name);
  private readonly oidc = new OidcAdapter();
  private readonly saml = new SamlAdapter();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: SsoConfigService,
    private readonly auth: AuthService,
  ) {}

  /** The URL of the identity provider to send the browser to. */
  async start(request: SsoStartRequest, baseUrl: string): Promise<string> {
    const connection = await this.connectionFor(request);
    const state = randomToken();
    const row: Partial<SsoLoginState> = {
      stateHash: sha256Hex(state),
      organizationId: connection.organizationId,
      protocol: connection.protocol,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    };
    let url: string;
    try {
      if (connection.protocol === SsoProtocol.Oidc) {
        const started = await this.oidc.start(
          this.oidcSettings(connection, baseUrl),
          state,
          request.loginHint ?? request.email,
        );
        Object.assign(row, { nonce: started.nonce, codeVerifier: started.codeVerifier });
        url = started.url;
      } else {
        const started = await this.saml.start(this.samlSettings(connection, baseUrl), state);
        row.samlRequestId = started.requestId;
        url = started.url;
      }
    } catch (error) {
      this.logger.warn(
        { organizationId: connection.organizationId, reason: reasonOf(error) },
        'sso start failed',
      );
      throw ssoError(
        SsoErrorCode.Rejected,
        'The identity provider could not be reached or is misconfigured',
      );
    }
    await this.dataSource.getRepository(SsoLoginState).insert(row);
    return url;
  }

  async finishOidc(params: Record<string, string>, baseUrl: string): Promise<User> {
    const state = await this.claimState(params.state, SsoProtocol.Oidc);
    const connection = await this.enabledConnection(state.organizationId);
    const identity = await this.checked(state.organizationId, () =>
      this.oidc.finish(this.oidcSettings(connection, baseUrl), params, {
        state: params.state,
        nonce: state.nonce!,
        codeVerifier: state.codeVerifier!,
      }),
    );
    return this.userFor(connection, identity);
  }

  async finishSaml(samlResponse: string, relayState: string, baseUrl: string): Promise<User> {
    const state = await this.claimState(relayState, SsoProtocol.Saml);
    const connection = await this.enabledConnection(state.organizationId);
    const identity = await this.checked(state.organizationId, () =>
      this.saml.finish(this.samlSettings(connection, baseUrl), samlResponse, state.samlRequestId!),
    );
    return this.userFor(connection, identity);
  }

  async samlMetadata(organizationId: string, baseUrl: string): Promise<string> {
    const connection = await this.enabledConnection(organizationId);
    if (connection.protocol !== SsoProtocol.Saml)
      throw ssoError(SsoErrorCode.NotConfigured, 'This organisation does not use SAML');
    return this.saml.metadata(this.samlSettings(connection, baseUrl));
  }

  /** The state is single-use: the first callback with it consumes it, a replay finds nothing. */
  private async claimState(
    state: string | undefined,
    protocol: SsoProtocol,
  ): Promise<SsoLoginState> {
    if (!state || state.length > 200)
      throw ssoError(
        SsoErrorCode.StateInvalid,
        'Unknown or already used sign-in state; start again',
      );
    const result = await this.dataSource
      .createQueryBuilder()
      .update(SsoLoginState)
      .set({ usedAt: () => 'now()' })
      .where({ stateHash: sha256Hex(state), protocol, usedAt: IsNull() })
      .returning('*')
      .execute();
    const raw = (result.raw as Record<string, unknown>[])[0];
    if (!raw)
      throw ssoError(
        SsoErrorCode.StateInvalid,
        'Unknown or already used sign-in state; start again',
      );
    if (new Date(raw.expires_at as string) <= new Date())
      throw ssoError(SsoErrorCode.StateExpired, 'The sign-in took too long; start again');
    return {
      organizationId: raw.organization_id,
      nonce: raw.nonce,
      codeVerifier: raw.code_verifier,
      samlRequestId: raw.saml_request_id,
    } as SsoLoginState;
  }

  private async checked(
    organizationId: string,
    verify: () => Promise<SsoIdentity>,
  ): Promise<SsoIdentity> {
    try {
      return await verify();
    } catch (error) {
      // the reason (bad signature, wrong issuer, expired...) goes to the log, never a token or assertion
      this.logger.warn({ organizationId, reason: reasonOf(error) }, 'sso response rejected');
      throw ssoError(SsoErrorCode.Rejected, 'The identity provider’s answer was rejected');
    }
  }

  /** Finds the person or creates them just in time; the IdP's groups set the role when one is mapped. */
  private async userFor(connection: SsoConnection, identity: SsoIdentity): Promise<User> {
    const organizationId = connection.organizationId;
    const domain = emailDomain(identity.email);
    const claim = domain
      ? await this.dataSource.getRepository(SsoDomain).findOneBy({ domain, organizationId })
      : null;
    const verified = claim?.verifiedAt != null;
    if (!verified) {
      throw ssoError(
        SsoErrorCode.DomainNotVerified,
        'Your e-mail address is not in a domain this organisation has verified',
      );
    }
    const mapped = roleFromGroups(identity.groups, connection.groupRoles);
    const users = this.dataSource.getRepository(User);
    await users
      .createQueryBuilder()
      .insert()
      .values({
        email: identity.email,
        displayName: identity.displayName ?? identity.email.split('@')[0],
        // no password: this person signs in through the IdP (an unguessable hash nobody knows the input of)
        passwordHash: await hashPassword(randomToken()),
        role: mapped ?? connection.defaultRole,
        organizationId,
        status: UserStatus.Active,
      })
      .orIgnore()
      .execute();
    const user = await users.findOneByOrFail({ email: identity.email });
    if (user.organizationId !== organizationId) {
      throw ssoError(
        SsoErrorCode.AccountElsewhere,
        'This address belongs to an account outside this organisation',
      );
    }
    if (user.status !== UserStatus.Active)
      throw ssoError(SsoErrorCode.AccountDisabled, 'Your account is disabled');
    if (mapped && mapped !== user.role) {
      await users.update({ id: user.id }, { role: mapped });
      user.role = mapped;
    }
    if (!(await this.auth.principalFor(user.id)))
      throw ssoError(SsoErrorCode.AccountDisabled, 'Your organisation is disabled');
    return user;
  }

  private async connectionFor(request: SsoStartRequest): Promise<SsoConnection> {
    let organizationId: string | undefined;
    if (request.email) {
      const domain = emailDomain(request.email);
      const row = domain
        ? await this.dataSource.getRepository(SsoDomain).findOneBy({ domain })
        : null;
      organizationId = row?.verifiedAt ? row.organizationId : undefined;
    } else if (request.organization) {
      const org = await organizationBySlug(
        this.dataSource.manager,
        request.organization.toLowerCase(),
      );
      organizationId = org?.status === OrganizationStatus.Active ? org.id : undefined;
    }
    if (!organizationId)
      throw ssoError(
        SsoErrorCode.NotConfigured,
        'No single sign-on is set up for this address or organisation',
      );
    return this.enabledConnection(organizationId);
  }

  private async enabledConnection(organizationId: string): Promise<SsoConnection> {
    const connection = await this.dataSource
      .getRepository(SsoConnection)
      .createQueryBuilder('c')
      .addSelect('c.clientSecretSealed')
      .where('c.organizationId = :organizationId AND c.enabled', { organizationId })
      .getOne();
    if (!connection)
      throw ssoError(
        SsoErrorCode.NotConfigured,
        'No single sign-on is set up for this organisation',
      );
    return connection;
  }

  private oidcSettings(connection: SsoConnection, baseUrl: string): OidcSettings {
    return {
      issuer: connection.issuer,
      clientId: connection.clientId!,
      clientSecret: this.config.box.open(connection.clientSecretSealed!),
      redirectUri: `${baseUrl}${SSO_PATHS.oidcCallback}`,
    };
  }

  private samlSettings(connection: SsoConnection, baseUrl: string): SamlSettings {
    return {
      idpIssuer: connection.issuer,
      entryPoint: connection.samlEntryPoint!,
      idpCert: connection.samlIdpCert!,
      spEntityId: `${baseUrl}${SSO_PATHS.samlMetadata(connection.organizationId)}`,
      acsUrl: `${baseUrl}${SSO_PATHS.samlAcs}`,
    };
  }
}

const reasonOf = (error: unknown) =>
  error instanceof Error ? error.message.slice(0, 300) : 'unknown';
