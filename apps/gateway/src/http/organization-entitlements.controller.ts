import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RefusalExplainer } from '../access/refusal-explainer';
import { KeyAuthenticator } from '../auth/key-authenticator';

/** Money is bigint micro-units; on the wire a decimal string, exactly as the portal API sends it. */
const wire = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

/**
 * `GET /v1/organization/entitlements`: the same explanation as the portal's
 * `GET /organizations/:orgId/entitlements`, for the key's organisation, authenticated by the API
 * key a developer holds (the portal wants a signed-in member). The 403 of a locked model links here.
 */
@Controller('v1/organization/entitlements')
export class OrganizationEntitlementsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly explainer: RefusalExplainer,
  ) {}

  @Get()
  async explain(@Req() request: FastifyRequest) {
    const principal = await this.auth.authenticate(request.headers.authorization);
    return wire(await this.explainer.explain(principal.organizationId));
  }
}
