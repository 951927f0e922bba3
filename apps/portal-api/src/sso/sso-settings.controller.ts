import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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

/** The org admin's single sign-on settings; provider staff verify the claimed domains. */
@ApiTags('sso')
@Controller('organizations/:orgId/sso')
export class SsoSettingsController {
  constructor(private readonly sso: SsoConfigService) {}

  @RequireAbility(Action.Read, 'SsoConnection')
  @Get()
  get(@CurrentAbility() ability: AppAbility, @Param('orgId', ParseIdPipe) orgId: string) {
    return this.sso.get(ability, orgId);
  }

  @RequireAbility(Action.Update, 'SsoConnection')
  @Put()
  put(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: PutSsoConnectionDto,
  ) {
    return this.sso.put(ability, orgId, dto);
  }

  @RequireAbility(Action.Delete, 'SsoConnection')
  @Delete()
  @HttpCode(204)
  async remove(@CurrentAbility() ability: AppAbility, @Param('orgId', ParseIdPipe) orgId: string) {
    await this.sso.remove(ability, orgId);
  }

  @RequireAbility(Action.Create, 'SsoDomain')
  @Post('domains')
  claim(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: ClaimDomainDto,
  ) {
    return this.sso.claimDomain(ability, orgId, dto.domain);
  }

  @RequireAbility(Action.Delete, 'SsoDomain')
  @Delete('domains/:domain')
  @HttpCode(204)
  async unclaim(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('domain') domain: string,
  ) {
    await this.sso.removeDomain(ability, orgId, domain);
  }

  @RequireAbility(Action.Review, 'SsoDomain')
  @Post('domains/:domain/verify')
  @HttpCode(200)
  verify(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('domain') domain: string,
  ) {
    return this.sso.verifyDomain(ability, orgId, domain, principal.userId);
  }
}
