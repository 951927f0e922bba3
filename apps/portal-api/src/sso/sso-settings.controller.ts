import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { SsoConfigService } from '@velvet/auth';
import { ParseIdPipe } from '@velvet/common';
import { ClaimDomainDto, PutSsoConnectionDto } from './sso.dto';
import { SsoDomainView, SsoSettingsView } from './sso-settings.views';

/** The org admin's single sign-on settings; provider staff verify the claimed domains. */
@ApiTags('sso')
@Controller('organizations/:orgId/sso')
export class SsoSettingsController {
  constructor(private readonly sso: SsoConfigService) {}

  @RequireAbility(Action.Read, 'SsoConnection')
  @Get()
  @ApiOkResponse({ type: SsoSettingsView })
  get(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<SsoSettingsView> {
    return this.sso.get(ability, orgId);
  }

  @RequireAbility(Action.Update, 'SsoConnection')
  @Put()
  @ApiOkResponse({ type: SsoSettingsView })
  put(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: PutSsoConnectionDto,
  ): Promise<SsoSettingsView> {
    return this.sso.put(ability, orgId, dto);
  }

  @RequireAbility(Action.Delete, 'SsoConnection')
  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<void> {
    await this.sso.remove(ability, orgId);
  }

  @RequireAbility(Action.Create, 'SsoDomain')
  @Post('domains')
  @ApiCreatedResponse({ type: SsoDomainView })
  claim(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: ClaimDomainDto,
  ): Promise<SsoDomainView> {
    return this.sso.claimDomain(ability, orgId, dto.domain);
  }

  @RequireAbility(Action.Delete, 'SsoDomain')
  @Delete('domains/:domain')
  @HttpCode(204)
  @ApiNoContentResponse()
  async unclaim(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('domain') domain: string,
  ): Promise<void> {
    await this.sso.removeDomain(ability, orgId, domain);
  }

  @RequireAbility(Action.Review, 'SsoDomain')
  @Post('domains/:domain/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: SsoDomainView })
  verify(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('domain') domain: string,
  ): Promise<SsoDomainView> {
    return this.sso.verifyDomain(ability, orgId, domain, principal.userId);
  }
}
