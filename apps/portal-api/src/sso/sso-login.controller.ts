import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '@velvet/access';
import { AuthService, SsoLoginService } from '@velvet/auth';
import { ParseIdPipe } from '@velvet/common';
import type { User } from '@velvet/organizations';
import type { Request, Response } from 'express';
import { COOKIE_POLICY } from '../auth/auth.controller';
import { type CookiePolicy, withRefreshCookie } from '../auth/refresh-cookie';
import { SsoStartQuery } from './sso.dto';
import { PUBLIC_BASE_URL } from './sso-base-url';

/**
 * The browser's round trip to the identity provider. It ends like a password login: a refresh
 * cookie, and the web portal (which restores its in-memory access token from that cookie on load).
 */
@ApiTags('auth')
@Controller('auth/sso')
export class SsoLoginController {
  constructor(
    private readonly sso: SsoLoginService,
    private readonly auth: AuthService,
    @Inject(COOKIE_POLICY) private readonly cookies: CookiePolicy,
    @Inject(PUBLIC_BASE_URL) private readonly publicBaseUrl: string | undefined,
  ) {}

  @Public()
  @Get('start')
  @ApiResponse({
    status: 303,
    description: "To the organisation's identity provider (OIDC authorization or SAML request)",
    headers: { Location: { schema: { type: 'string', format: 'uri' } } },
  })
  async start(@Query() query: SsoStartQuery, @Req() req: Request, @Res() res: Response) {
    const url = await this.sso.start(
      { email: query.email, organization: query.organization, loginHint: query.login_hint },
      this.baseUrl(req),
    );
    res.redirect(303, url);
  }

  @Public()
  @Get('oidc/callback')
  @ApiExcludeEndpoint()
  async oidcCallback(
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const params = Object.fromEntries(
      Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    await this.signIn(res, await this.sso.finishOidc(params, this.baseUrl(req)));
  }

  /** The IdP's HTTP-POST binding: a form post (the one non-JSON body the API takes). */
  @Public()
  @Post('saml/acs')
  @HttpCode(303)
  @ApiExcludeEndpoint()
  async samlAcs(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const response = typeof body?.SAMLResponse === 'string' ? body.SAMLResponse : '';
    const relayState = typeof body?.RelayState === 'string' ? body.RelayState : '';
    await this.signIn(res, await this.sso.finishSaml(response, relayState, this.baseUrl(req)));
  }

  /** Our service-provider metadata, for the customer's IdP administrator. */
  @Public()
  @Get('saml/:orgId/metadata')
  @Header('Content-Type', 'application/samlmetadata+xml')
  @ApiProduces('application/samlmetadata+xml')
  @ApiOkResponse({
    schema: { type: 'string' },
    description: "The service provider's SAML 2.0 metadata (an EntityDescriptor), XML",
  })
  metadata(@Param('orgId', ParseIdPipe) orgId: string, @Req() req: Request) {
    return this.sso.samlMetadata(orgId, this.baseUrl(req));
  }

  private async signIn(res: Response, user: User) {
    const pair = await this.auth.issueTokens(user);
    withRefreshCookie(res, this.cookies, pair);
    // the access token is not put in the URL: the portal gets it from the refresh cookie
    res.redirect(303, '/');
  }

  private baseUrl(req: Request): string {
    return this.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
  }
}
