import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { UserPrincipal } from '@velvet/access';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AUTH_OPTIONS, type AuthOptions } from '../auth.options';
import { AuthService, UUID } from '../auth.service';
import { SessionRevocations } from '../session-revocations';

/** Access tokens carry only the user id; role and organisation are read fresh on every request. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    private readonly auth: AuthService,
    private readonly sessions: SessionRevocations,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: options.jwtSecret,
      algorithms: ['HS256'],
    });
  }

  async validate(payload: { sub?: unknown; sid?: unknown; exp?: unknown }): Promise<UserPrincipal> {
    // a token that never expires, or whose subject or session is no id, was not made by us: refuse it
    if (typeof payload.exp !== 'number') throw new UnauthorizedException('Token without expiry');
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub))
      throw new UnauthorizedException('Malformed token subject');
    if (typeof payload.sid !== 'string' || !UUID.test(payload.sid))
      throw new UnauthorizedException('Token without session');
    if (await this.sessions.isRevoked(payload.sid))
      throw new UnauthorizedException('Session ended (signed out)');
    const principal = await this.auth.principalFor(payload.sub);
    if (!principal) throw new UnauthorizedException('Account disabled or removed');
    return principal;
  }
}
