import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { UserPrincipal } from '@velvet/access';
import {
  DomainErrorKind,
  DomainException,
  hashPassword,
  randomToken,
  sha256Hex,
  verifyPassword,
} from '@velvet/common';
import {
  ORGANIZATIONS_RELATION,
  OrganizationStatus,
  User,
  UserStatus,
} from '@velvet/organizations';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { RefreshToken } from './entities/refresh-token.entity';
import { SessionRevocations } from './session-revocations';
import { SsoConnection } from './sso/entities/sso-connection.entity';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidCredentials = () =>
  new DomainException(
    DomainErrorKind.Unauthenticated,
    'invalid_credentials',
    'Email or password is wrong',
  );
const organizationDisabled = () =>
  new DomainException(
    DomainErrorKind.Forbidden,
    'organization_disabled',
    'Your organisation is disabled; contact your account manager',
  );
const ssoRequired = () =>
  new DomainException(
    DomainErrorKind.Forbidden,
    'sso_required',
    'Your organisation signs in through single sign-on',
  );
const invalidRefresh = () =>
  new DomainException(
    DomainErrorKind.Unauthenticated,
    'invalid_refresh_token',
    'The refresh token is invalid or expired',
  );

export const principalOf = (user: User): UserPrincipal => ({
  kind: 'user',
  userId: user.id,
  role: user.role,
  organizationId: user.organizationId,
});

@Injectable()
export class AuthService {
  // A fixed hash to verify against when the email is unknown, so timing does not reveal accounts.
  private decoyHash?: Promise<string>;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly sessions: SessionRevocations,
  ) {}

  async validateCredentials(email: string, password: string): Promise<User> {
    // Active users of ANY organisation, so a disabled organisation's
    // member learns why after the password checked out (and a guesser learns nothing new)
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.status = :active', { active: UserStatus.Active })
      .andWhere('u.email = :email', { email: email.toLowerCase() })
      .getOne();
    this.decoyHash ??= hashPassword(randomToken());
    const ok = await verifyPassword(user?.passwordHash ?? (await this.decoyHash), password);
    if (!user || !ok) throw invalidCredentials();
    if (!(await this.principalFor(user.id))) throw organizationDisabled();
    if (user.organizationId && (await this.ssoRequired(user.organizationId))) throw ssoRequired();
    return user;
  }

  /** An organisation that requires single sign-on refuses its users' passwords (provider staff have no organisation). */
  private ssoRequired(organizationId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(SsoConnection)
      .exists({ where: { organizationId, enabled: true, ssoRequired: true } });
  }

  /** The current principal of an access token's subject, or null if the user or their organisation is disabled. */
  async principalFor(userId: string): Promise<UserPrincipal | null> {
    const user = await this.activeUsers(this.users).andWhere('u.id = :userId', { userId }).getOne();
    return user ? principalOf(user) : null;
  }

  /** Users who may act: active themselves, and staff or members of an active organisation. */
  private activeUsers(users: Repository<User>) {
    return users
      .createQueryBuilder('u')
      .leftJoin(ORGANIZATIONS_RELATION, 'o', 'o.id = u.organizationId')
      .where('u.status = :active', { active: UserStatus.Active })
      .andWhere('(u.organizationId IS NULL OR o.status = :orgActive)', {
        orgActive: OrganizationStatus.Active,
      });
  }

  issueTokens(user: User, familyId: string = randomUUID()): Promise<TokenPair> {
    return this.dataSource.transaction((tx) =>
      this.issueWith(tx.getRepository(RefreshToken), user, familyId),
    );
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    let replayed: string | null = null;
    const outcome = await this.dataSource.transaction(async (tx) => {
      const tokens = tx.getRepository(RefreshToken);
      const current = await tokens.findOne({
        where: { tokenHash: sha256Hex(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current || current.expiresAt <= new Date()) return null;
      if (current.revokedAt) {
        // Reuse of a rotated token: someone else holds the chain. End the whole family (and commit that).
        await tokens.update(
          { familyId: current.familyId, revokedAt: IsNull() },
          { revokedAt: new Date() },
        );
        replayed = current.familyId;
        return null;
      }
      const user = await this.activeUsers(tx.getRepository(User))
        .andWhere('u.id = :userId', { userId: current.userId })
        .getOne();
      if (!user) return null;
      current.revokedAt = new Date();
      await tokens.save(current);
      return this.issueWith(tokens, user, current.familyId);
    });
    // the access tokens of a stolen chain die with it
    if (replayed) await this.sessions.revoke(replayed);
    if (!outcome) throw invalidRefresh();
    return outcome;
  }

  /**
   * Ends the session of the refresh token and/or of the access token given: its refresh tokens
   * are revoked and its access tokens refused from now on (not when they expire).
   */
  async logout(refreshToken: string | undefined, accessToken: string | undefined): Promise<void> {
    const sessionIds = new Set<string>();
    const tokens = this.dataSource.getRepository(RefreshToken);
    if (refreshToken) {
      const current = await tokens.findOne({ where: { tokenHash: sha256Hex(refreshToken) } });
      if (current) sessionIds.add(current.familyId);
    }
    if (accessToken) {
      const payload = await this.jwt.verifyAsync<{ sid?: unknown }>(accessToken).catch(() => null);
      if (typeof payload?.sid === 'string' && UUID.test(payload.sid)) sessionIds.add(payload.sid);
    }
    for (const sid of sessionIds) {
      await tokens.update({ familyId: sid, revokedAt: IsNull() }, { revokedAt: new Date() });
      await this.sessions.revoke(sid);
    }
  }

  /** Ends every session of a user at once (deprovisioning): refresh tokens revoked, access tokens refused. */
  async endSessionsOf(userId: string): Promise<void> {
    const tokens = this.dataSource.getRepository(RefreshToken);
    const open = await tokens
      .createQueryBuilder('t')
      .select('DISTINCT t.familyId', 'familyId')
      .where('t.userId = :userId AND t.revokedAt IS NULL', { userId })
      .getRawMany<{ familyId: string }>();
    await tokens.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    for (const { familyId } of open) await this.sessions.revoke(familyId);
  }

  private async issueWith(
    tokens: Repository<RefreshToken>,
    user: User,
    familyId: string,
  ): Promise<TokenPair> {
    const refreshToken = randomToken();
    await tokens.save(
      tokens.create({
        userId: user.id,
        familyId,
        tokenHash: sha256Hex(refreshToken),
        expiresAt: new Date(Date.now() + this.options.refreshTokenTtl * 1000),
      }),
    );
    // `sid`: the session (refresh token family) this token belongs to, so logout can end it at once
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      sid: familyId,
      role: user.role,
      org: user.organizationId,
    });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.options.accessTokenTtl,
    };
  }
}
