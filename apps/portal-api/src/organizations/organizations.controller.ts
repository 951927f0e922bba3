import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { type Page, PageQuery, ParseIdPipe } from '@velvet/common';
import { KeyInvalidations } from '@velvet/api-keys';
import { EntitlementsScheduler } from '@velvet/entitlements';
import { MembersService, OrganizationsService } from '@velvet/organizations';
import { OrganizationPage, OrganizationView, UserView } from '../http/identity.views';
import { SentInvitationView } from './invitation.views';
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
  @ApiOkResponse({ type: OrganizationPage })
  async list(
    @CurrentAbility() ability: AppAbility,
    @Query() page: PageQuery,
  ): Promise<Page<OrganizationView>> {
    const result = await this.organizations.list(ability, page.limit, page.offset);
    return { ...result, items: result.items.map(organizationView) };
  }

  @RequireAbility(Action.Read, 'Organization')
  @Get(':orgId')
  @ApiOkResponse({ type: OrganizationView })
  async get(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<OrganizationView> {
    return organizationView(await this.organizations.get(ability, orgId));
  }

  @RequireAbility(Action.Update, 'Organization')
  @Patch(':orgId')
  @ApiOkResponse({ type: OrganizationView })
  async update(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<OrganizationView> {
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
  @ApiOkResponse({ type: [UserView] })
  async listMembers(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<UserView[]> {
    return (await this.members.list(ability, orgId)).map(userView);
  }

  @RequireAbility(Action.Update, 'User')
  @Patch(':orgId/members/:userId')
  @ApiOkResponse({ type: UserView })
  async updateMember(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('userId', ParseIdPipe) userId: string,
    @Body() dto: UpdateMemberDto,
  ): Promise<UserView> {
    return userView(await this.members.update(ability, orgId, userId, dto, principal.userId));
  }

  /** The token is mailed to the invitee only, who redeems it at POST /auth/invitations/accept. */
  @RequireAbility(Action.Create, 'Invitation')
  @Post(':orgId/invitations')
  @ApiCreatedResponse({ type: SentInvitationView })
  async invite(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: InviteMemberDto,
  ): Promise<SentInvitationView> {
    const invitation = await this.members.invite(ability, principal, orgId, dto.email, dto.role);
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      createdAt: invitation.createdAt,
      delivery: 'email',
    };
  }
}
