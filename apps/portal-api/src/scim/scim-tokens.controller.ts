import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ScimTokensService } from '@velvet/auth';
import { ParseIdPipe } from '@velvet/common';
import { IsString, Length } from 'class-validator';
import { CreatedScimTokenView, ScimTokenView } from './scim-token.view';

export class CreateScimTokenDto {
  @ApiProperty({ example: 'Okta provisioning' })
  @IsString()
  @Length(1, 100)
  name: string;
}

/** The org admin's SCIM bearer tokens (the token itself is shown once, at creation). */
@ApiTags('scim')
@Controller('organizations/:orgId/scim-tokens')
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  @RequireAbility(Action.Create, 'ScimToken')
  @Post()
  @ApiCreatedResponse({ type: CreatedScimTokenView })
  create(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: CreateScimTokenDto,
  ): Promise<CreatedScimTokenView> {
    return this.tokens.create(ability, orgId, dto.name, principal.userId);
  }

  @RequireAbility(Action.Read, 'ScimToken')
  @Get()
  @ApiOkResponse({ type: [ScimTokenView] })
  list(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<ScimTokenView[]> {
    return this.tokens.list(ability, orgId);
  }

  @RequireAbility(Action.Delete, 'ScimToken')
  @Delete(':tokenId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revoke(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('tokenId', ParseIdPipe) tokenId: string,
  ): Promise<void> {
    await this.tokens.revoke(ability, orgId, tokenId);
  }
}
