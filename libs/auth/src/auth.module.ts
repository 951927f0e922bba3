import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule, User } from '@velvet/organizations';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { AuthService } from './auth.service';
import { RefreshToken } from './entities/refresh-token.entity';
import { AbuseLimits } from './limits/abuse-limits';
import { RateLimiter } from './limits/rate-limiter';
import { SessionRevocations } from './session-revocations';
import { SsoConnection } from './sso/entities/sso-connection.entity';
import { SsoDomain } from './sso/entities/sso-domain.entity';
import { SsoLoginState } from './sso/entities/sso-login-state.entity';
import { SsoConfigService } from './sso/sso-config.service';
import { SsoLoginService } from './sso/sso-login.service';
import { SCIM_ENTITIES } from './scim/entities/scim.entities';
import { ScimService } from './scim/scim.service';
import { ScimTokensService } from './scim/scim-tokens.service';
import { ScimGroupTeamsService } from './scim/scim-group-teams.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';

export const AUTH_ENTITIES = [
  RefreshToken,
  SsoConnection,
  SsoDomain,
  SsoLoginState,
  ...SCIM_ENTITIES,
];

@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PassportModule,
        OrganizationsModule,
        TypeOrmModule.forFeature([
          RefreshToken,
          User,
          SsoConnection,
          SsoDomain,
          SsoLoginState,
          ...SCIM_ENTITIES,
        ]),
        JwtModule.register({
          secret: options.jwtSecret,
          signOptions: { expiresIn: options.accessTokenTtl, algorithm: 'HS256' },
        }),
      ],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        AuthService,
        LocalStrategy,
        JwtStrategy,
        RateLimiter,
        AbuseLimits,
        SessionRevocations,
        SsoConfigService,
        SsoLoginService,
        ScimService,
        ScimTokensService,
        ScimGroupTeamsService,
      ],
      exports: [
        AuthService,
        AbuseLimits,
        RateLimiter,
        SsoConfigService,
        SsoLoginService,
        ScimService,
        ScimTokensService,
        ScimGroupTeamsService,
      ],
    };
  }
}
