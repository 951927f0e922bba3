import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { UserPrincipal } from '@velvet/access';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AUTH_OPTIONS, type AuthOptions } from '../auth.options';
import { AuthService } from '../auth.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Access tokens carry only the user id; role and organisation are read fresh on every request. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: options.jwtSecret,
      algorithms: ['HS256'],
    });
  }

  async validate(payload: { sub?: unknown; exp?: unknown }): Promise<UserPrincipal> {
    // a token that never expires, or whose subject is no user id, was not made by us: refuse it
    if (typeof payload.exp !== 'number') throw new UnauthorizedException('Token without expiry');
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new UnauthorizedException('Malformed token subject');
    const principal = await this.auth.principalFor(payload.sub);
    if (!principal) throw new UnauthorizedException('Account disabled or removed');
    return principal;
  }
}
