import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@velvet/access';
import { filterOf, listResponse, ScimService } from '@velvet/auth';
import { ScimExceptionFilter, ScimTokenGuard, type ScimRequest } from './scim-auth';

type ScimBody = Record<string, unknown>;

interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
}

const base = (req: ScimRequest) => `${req.protocol}://${req.get('host')}/scim/v2`;

/** SCIM 2.0 (RFC 7643/7644) Users and Groups, per organisation, for Okta, Entra and other IdPs. */
@ApiExcludeController()
@Public()
@UseGuards(ScimTokenGuard)
@UseFilters(ScimExceptionFilter)
@Controller('scim/v2')
export class ScimController {
  constructor(private readonly scim: ScimService) {}

  @Get('Users')
  async listUsers(@Req() req: ScimRequest, @Query() q: ListQuery) {
    const match = filterOf(q.filter);
    const all = (await this.scim.listUsers(req.scimOrganizationId, base(req))).filter(match);
    return listResponse(all, Number(q.startIndex ?? 1), Number(q.count ?? 100));
  }

  @Get('Users/:id')
  getUser(@Req() req: ScimRequest, @Param('id') id: string) {
    return this.scim.getUser(req.scimOrganizationId, id, base(req));
  }

  @Post('Users')
  createUser(@Req() req: ScimRequest, @Body() body: ScimBody) {
    return this.scim.createUser(req.scimOrganizationId, body, base(req));
  }

  @Put('Users/:id')
  replaceUser(@Req() req: ScimRequest, @Param('id') id: string, @Body() body: ScimBody) {
    return this.scim.replaceUser(req.scimOrganizationId, id, body, base(req));
  }

  @Patch('Users/:id')
  patchUser(@Req() req: ScimRequest, @Param('id') id: string, @Body() body: ScimBody) {
    return this.scim.patchUser(req.scimOrganizationId, id, body, base(req));
  }

  @Delete('Users/:id')
  @HttpCode(204)
  async deleteUser(@Req() req: ScimRequest, @Param('id') id: string) {
    await this.scim.deleteUser(req.scimOrganizationId, id);
  }

  @Get('Groups')
  async listGroups(@Req() req: ScimRequest, @Query() q: ListQuery) {
    const match = filterOf(q.filter);
    const all = (await this.scim.listGroups(req.scimOrganizationId, base(req))).filter(match);
    return listResponse(all, Number(q.startIndex ?? 1), Number(q.count ?? 100));
  }

  @Get('Groups/:id')
  getGroup(@Req() req: ScimRequest, @Param('id') id: string) {
    return this.scim.getGroup(req.scimOrganizationId, id, base(req));
  }

  @Post('Groups')
  createGroup(@Req() req: ScimRequest, @Body() body: ScimBody) {
    return this.scim.createGroup(req.scimOrganizationId, body, base(req));
  }

  @Put('Groups/:id')
  replaceGroup(@Req() req: ScimRequest, @Param('id') id: string, @Body() body: ScimBody) {
    return this.scim.replaceGroup(req.scimOrganizationId, id, body, base(req));
  }

  @Patch('Groups/:id')
  patchGroup(@Req() req: ScimRequest, @Param('id') id: string, @Body() body: ScimBody) {
    return this.scim.patchGroup(req.scimOrganizationId, id, body, base(req));
  }

  @Delete('Groups/:id')
  @HttpCode(204)
  async deleteGroup(@Req() req: ScimRequest, @Param('id') id: string) {
    await this.scim.deleteGroup(req.scimOrganizationId, id);
  }
}
