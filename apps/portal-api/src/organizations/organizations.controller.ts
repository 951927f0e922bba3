import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { PageQuery, ParseIdPipe } from '@velvet/common';
import { KeyInvalidations } from '@velvet/api-keys';
import { EntitlementsScheduler } from '@velvet/entitlements';
import { MembersService, OrganizationsService } from '@velvet/organizations';
import { organizationView, userView } from '../http/views';
import { InviteMemberDto, UpdateMemberDto, UpdateOrganizationDto } from './organizations.dto';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly entitlements: EntitlementsScheduler,
    private readonly keyInvalidations: KeyInvalidations,
  ) {}

  @RequireAbility(Action.Read, 'Organization')
  @Get()
  async list(@CurrentAbility() ability: AppAbility, @Query() page: PageQuery) {
    const result = await this.organizations.list(ability, page.limit, page.offset);
    return { ...result, items: result.items.map(organizationView) };
  }

  @RequireAbility(Action.Read, 'Organization')
  @Get(':orgId')
  async get(@CurrentAbility() ability: AppAbility, @Param('orgId', ParseIdPipe) orgId: string) {
    return organizationView(await this.organizations.get(ability, orgId));
  }

  @RequireAbility(Action.Update, 'Organization')
  @Patch(':orgId')
  async update(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: UpdateOrganizationDto,
  ) {
    const organization = await this.organizations.update(ability, orgId, dto);
    // verification and status are unlock-rule conditions
    if (dto.verified !== undefined || dto.status !== undefined)
      await this.entitlements.requestEvaluation(orgId, 'organisation updated');
    // A disabled organisation's keys stop working in every gateway at once.
    if (dto.status !== undefined) await this.keyInvalidations.organization(orgId);
    return organizationView(organization);
  }

  @RequireAbility(Action.Read, 'User')
  @Get(':orgId/members')
  async listMembers(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ) {
    return (await this.members.list(ability, orgId)).map(userView);
  }

  @RequireAbility(Action.Update, 'User')
  @Patch(':orgId/members/:userId')
  async updateMember(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('userId', ParseIdPipe) userId: string,
    @Body() dto: UpdateMemberDto,
  ) {
    return userView(await this.members.update(ability, orgId, userId, dto, principal.userId));
  }

  /** The token is mailed to the invitee only, who redeems it at POST /auth/invitations/accept. */
  @RequireAbility(Action.Create, 'Invitation')
  @Post(':orgId/invitations')
  async invite(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: InviteMemberDto,
  ) {
    const invitation = await this.members.invite(ability, principal, orgId, dto.email, dto.role);
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      delivery: 'email',
    };
  }
}
