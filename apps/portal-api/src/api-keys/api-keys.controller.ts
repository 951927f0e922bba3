import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ParseIdPipe } from '@velvet/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ApiKeysService, KeySettings } from '@velvet/api-keys';
import { EmailVerificationService } from '@velvet/organizations';
import { IsString, Length } from 'class-validator';
import { ApiKeyView, IssuedApiKeyView } from '../http/identity.views';
import { apiKeyView } from '../http/views';
import { RotateApiKeyDto, UpdateApiKeySettingsDto } from '../teams/teams.dto';

/** Creation may also set the key's team and model allow-list. */
export class CreateApiKeyDto extends UpdateApiKeySettingsDto {
  @ApiProperty({ example: 'support-bot production' })
  @IsString()
  @Length(1, 100)
  name: string;
}

@ApiTags('api-keys')
@Controller('organizations/:orgId/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly verification: EmailVerificationService,
    private readonly settings: KeySettings,
  ) {}

  @RequireAbility(Action.Read, 'ApiKey')
  @Get()
  @ApiOkResponse({ type: [ApiKeyView] })
  async list(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<ApiKeyView[]> {
    return (await this.keys.list(ability, orgId)).map(apiKeyView);
  }

  /** The full key appears in this response once; it cannot be read again. Needs a confirmed sign-up address. */
  @RequireAbility(Action.Create, 'ApiKey')
  @Post()
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  async create(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyView> {
    // others' organisations are refused by the service as before, without learning this
    if (principal.organizationId === orgId) {
      await this.verification.assertVerified(orgId);
      await this.settings.assertUsable(orgId, dto);
    }
    const { apiKey, key } = await this.keys.create(ability, principal, orgId, {
      ...dto,
      expiresAt: dto.expiresAt ?? null,
    });
    return { ...apiKeyView(apiKey), key };
  }

  /** Its team, model allow-list and expiry; the org admin's. */
  @RequireAbility(Action.Update, 'ApiKey')
  @Patch(':keyId')
  @ApiOkResponse({ type: ApiKeyView })
  async update(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) keyId: string,
    @Body() dto: UpdateApiKeySettingsDto,
  ): Promise<ApiKeyView> {
    return apiKeyView(await this.settings.update(ability, principal.userId, orgId, keyId, dto));
  }

  /** A new secret, shown once; the old one works for `graceSeconds` more (default a day). */
  @RequireAbility(Action.Update, 'ApiKey')
  @Post(':keyId/rotate')
  @ApiOkResponse({ type: IssuedApiKeyView })
  @HttpCode(200)
  async rotate(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) keyId: string,
    @Body() dto: RotateApiKeyDto,
  ): Promise<IssuedApiKeyView> {
    const { apiKey, key } = await this.settings.rotate(
      ability,
      principal.userId,
      orgId,
      keyId,
      dto.graceSeconds,
    );
    return { ...apiKeyView(apiKey), key };
  }

  @RequireAbility(Action.Delete, 'ApiKey')
  @Delete(':keyId')
  @ApiOkResponse({ type: ApiKeyView })
  async revoke(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) keyId: string,
  ): Promise<ApiKeyView> {
    return apiKeyView(await this.keys.revoke(ability, orgId, keyId, principal.userId));
  }
}
