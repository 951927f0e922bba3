import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { type Invitation, InvitationsService } from '@velvet/organizations';
import { InvitationView, SentInvitationView } from './invitation.views';

const view = (i: Invitation): InvitationView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt,
  createdAt: i.createdAt,
});

/** Pending invitations: listed, resent (new link, old one dead), revoked. Tokens go by mail only. */
@ApiTags('organizations')
@Controller('organizations/:orgId/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @RequireAbility(Action.Read, 'Invitation')
  @Get()
  @ApiOkResponse({ type: [InvitationView] })
  async pending(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<InvitationView[]> {
    return (await this.invitations.pending(ability, orgId)).map(view);
  }

  @RequireAbility(Action.Create, 'Invitation')
  @Post(':id/resend')
  @HttpCode(200)
  @ApiOkResponse({ type: SentInvitationView })
  async resend(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<SentInvitationView> {
    return { ...view(await this.invitations.resend(ability, orgId, id)), delivery: 'email' };
  }

  @RequireAbility(Action.Delete, 'Invitation')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revoke(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('id', ParseIdPipe) id: string,
  ) {
    await this.invitations.revoke(ability, orgId, id);
  }
}
