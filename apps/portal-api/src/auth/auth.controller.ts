import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentAbility, CurrentPrincipal, Public, type AppAbility, type UserPrincipal } from '@velvet/access';
import { AuthService } from '@velvet/auth';
import { EmailVerificationService, OrganizationsService, MembersService, type User } from '@velvet/organizations';
import { organizationView, userView } from '../http/views';
import { LoginLimitGuard, SignupLimitGuard } from './abuse-limit.guards';
import { AcceptInvitationDto, LoginDto, RefreshDto, SignUpDto, VerifyEmailDto } from './auth.dto';
import { LocalLoginGuard } from './local-login.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly verification: EmailVerificationService,
  ) {}

  /** The organisation and its admin; a link to confirm the address is mailed (API keys wait for it). */
  @Public()
  @Post('signup')
  @UseGuards(SignupLimitGuard)
  async signUp(@Body() dto: SignUpDto) {
    const { organization, admin } = await this.organizations.signUp({
      organizationName: dto.organizationName,
      adminEmail: dto.email,
      adminPassword: dto.password,
      adminName: dto.displayName,
    });
    return { organization: organizationView(organization), user: userView(admin), ...(await this.auth.issueTokens(admin)) };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginLimitGuard, LocalLoginGuard)
  async login(@Body() _dto: LoginDto, @Req() req: { user: User }) {
    return { user: userView(req.user), ...(await this.auth.issueTokens(req.user)) };
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() dto: RefreshDto) {
    return this.auth.refresh(dto.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() dto: RefreshDto) {
    await this.auth.logout(dto.refreshToken);
  }

  @Public()
  @Post('invitations/accept')
  async acceptInvitation(@Body() dto: AcceptInvitationDto) {
    const user = await this.members.acceptInvitation(dto.token, dto.displayName, dto.password);
    return { user: userView(user), ...(await this.auth.issueTokens(user)) };
  }

  @Public()
  @Post('verify-email')
  @HttpCode(200)
  async verifyEmail(@Body() dto: VerifyEmailDto) {
    const { organizationId } = await this.verification.confirm(dto.token);
    return { organizationId, emailVerified: true };
  }

  /** Mails a new confirmation link to the caller if their organisation is not confirmed yet. */
  @Authenticated()
  @Post('verify-email/resend')
  @HttpCode(202)
  async resendVerification(@CurrentPrincipal() principal: UserPrincipal) {
    if (principal.organizationId) await this.verification.resend(principal.userId, principal.organizationId);
    return { sent: true };
  }

  /** The caller, and the CASL rules the web portal uses to hide what the API would refuse. */
  @Authenticated()
  @Get('me')
  async me(@CurrentPrincipal() principal: UserPrincipal, @CurrentAbility() ability: AppAbility) {
    const user = await this.members.findActive(principal.userId);
    const organization = principal.organizationId ? await this.organizations.get(ability, principal.organizationId) : null;
    return { user: userView(user), organization: organization && organizationView(organization), rules: ability.rules };
  }
}
