import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  CurrentAbility,
  CurrentPrincipal,
  Public,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { AuthService } from '@velvet/auth';
import type { Request, Response } from 'express';
import {
  EmailVerificationService,
  OrganizationsService,
  MembersService,
  type User,
} from '@velvet/organizations';
import { AccessTokenView, MeView, SessionView, SignUpView } from '../http/identity.views';
import { organizationView, userView } from '../http/views';
import { LoginLimitGuard, SignupLimitGuard } from './abuse-limit.guards';
import { AcceptInvitationDto, LoginDto, RefreshDto, SignUpDto, VerifyEmailDto } from './auth.dto';
import { EmailVerifiedView, VerificationResentView } from './email-verification.views';
import { LocalLoginGuard } from './local-login.guard';
import {
  bearerOf,
  clearRefreshCookie,
  type CookiePolicy,
  refreshTokenOf,
  withRefreshCookie,
} from './refresh-cookie';

export const COOKIE_POLICY = Symbol('COOKIE_POLICY');

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly verification: EmailVerificationService,
    @Inject(COOKIE_POLICY) private readonly cookies: CookiePolicy,
  ) {}

  /** The organisation and its admin; a link to confirm the address is mailed (API keys wait for it). */
  @Public()
  @Post('signup')
  @ApiCreatedResponse({ type: SignUpView })
  @UseGuards(SignupLimitGuard)
  async signUp(
    @Body() dto: SignUpDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignUpView> {
    const { organization, admin } = await this.organizations.signUp({
      organizationName: dto.organizationName,
      adminEmail: dto.email,
      adminPassword: dto.password,
      adminName: dto.displayName,
    });
    const tokens = withRefreshCookie(res, this.cookies, await this.auth.issueTokens(admin));
    return { organization: organizationView(organization), user: userView(admin), ...tokens };
  }

  @Public()
  @Post('login')
  @ApiOkResponse({ type: SessionView })
  @HttpCode(200)
  @UseGuards(LoginLimitGuard, LocalLoginGuard)
  async login(
    @Body() _dto: LoginDto,
    @Req() req: { user: User },
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    return {
      user: userView(req.user),
      ...withRefreshCookie(res, this.cookies, await this.auth.issueTokens(req.user)),
    };
  }

  /** A new access token (and a rotated refresh cookie) from the refresh cookie. */
  @Public()
  @Post('refresh')
  @ApiOkResponse({ type: AccessTokenView })
  @HttpCode(200)
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccessTokenView> {
    const token = refreshTokenOf(req, dto.refreshToken);
    if (!token) throw new UnauthorizedException('No refresh token (sign in again)');
    return withRefreshCookie(res, this.cookies, await this.auth.refresh(token));
  }

  /** Ends the session of the refresh cookie and of the bearer token at once. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.auth.logout(refreshTokenOf(req, dto.refreshToken), bearerOf(req));
    clearRefreshCookie(res, this.cookies);
  }

  @Public()
  @Post('invitations/accept')
  @ApiCreatedResponse({ type: SessionView })
  async acceptInvitation(
    @Body() dto: AcceptInvitationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    const user = await this.members.acceptInvitation(dto.token, dto.displayName, dto.password);
    return {
      user: userView(user),
      ...withRefreshCookie(res, this.cookies, await this.auth.issueTokens(user)),
    };
  }

  @Public()
  @Post('verify-email')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailVerifiedView })
  async verifyEmail(@Body() dto: VerifyEmailDto): Promise<EmailVerifiedView> {
    const { organizationId } = await this.verification.confirm(dto.token);
    return { organizationId, emailVerified: true };
  }

  /** Mails a new confirmation link to the caller if their organisation is not confirmed yet. */
  @Authenticated()
  @Post('verify-email/resend')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: VerificationResentView })
  async resendVerification(
    @CurrentPrincipal() principal: UserPrincipal,
  ): Promise<VerificationResentView> {
    if (principal.organizationId)
      await this.verification.resend(principal.userId, principal.organizationId);
    return { sent: true };
  }

  /** The caller, and the CASL rules the web portal uses to hide what the API would refuse. */
  @Authenticated()
  @Get('me')
  @ApiOkResponse({ type: MeView })
  async me(
    @CurrentPrincipal() principal: UserPrincipal,
    @CurrentAbility() ability: AppAbility,
  ): Promise<MeView> {
    const user = await this.members.findActive(principal.userId);
    const organization = principal.organizationId
      ? await this.organizations.get(ability, principal.organizationId)
      : null;
    return {
      user: userView(user),
      organization: organization && organizationView(organization),
      rules: ability.rules,
    };
  }
}
