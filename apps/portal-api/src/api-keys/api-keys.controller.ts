import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ParseIdPipe } from '@velvet/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ApiKeysService } from '@velvet/api-keys';
import { EmailVerificationService } from '@velvet/organizations';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, Length } from 'class-validator';
import { apiKeyView } from '../http/views';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'support-bot production' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;
}

@ApiTags('api-keys')
@Controller('organizations/:orgId/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly verification: EmailVerificationService,
  ) {}

  @RequireAbility(Action.Read, 'ApiKey')
  @Get()
  async list(@CurrentAbility() ability: AppAbility, @Param('orgId', ParseIdPipe) orgId: string) {
    return (await this.keys.list(ability, orgId)).map(apiKeyView);
  }

  /** The full key appears in this response once; it cannot be read again. Needs a confirmed sign-up address. */
  @RequireAbility(Action.Create, 'ApiKey')
  @Post()
  async create(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: CreateApiKeyDto,
  ) {
    // others' organisations are refused by the service as before, without learning this
    if (principal.organizationId === orgId) await this.verification.assertVerified(orgId);
    const { apiKey, key } = await this.keys.create(ability, principal, orgId, dto);
    return { ...apiKeyView(apiKey), key };
  }

  @RequireAbility(Action.Delete, 'ApiKey')
  @Delete(':keyId')
  async revoke(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) keyId: string,
  ) {
    return apiKeyView(await this.keys.revoke(ability, orgId, keyId, principal.userId));
  }
}
