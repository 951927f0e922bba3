import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { UserPrincipal } from '@velvet/access';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AUTH_OPTIONS, type AuthOptions } from '../auth.options';
import { AuthService } from '../auth.service';

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

  async validate(payload: { sub: string }): Promise<UserPrincipal> {
    const principal = await this.auth.principalFor(payload.sub);
    if (!principal) throw new UnauthorizedException('Account disabled or removed');
    return principal;
  }
}
