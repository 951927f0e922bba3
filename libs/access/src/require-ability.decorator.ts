import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Principal } from './principal';
import type { Action, AppAbility, SubjectType } from './subjects';

export const PUBLIC_ROUTE = 'velvet:public';
export const AUTHENTICATED_ROUTE = 'velvet:authenticated';
export const ABILITY_REQUIREMENT = 'velvet:ability';

export interface AbilityRequirement {
  action: Action;
  subject: SubjectType;
}

/** Marks a route that anyone may call without signing in. Every other route needs a requirement. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Marks a route any signed-in caller may use, whatever their role (their own profile, say). */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(AUTHENTICATED_ROUTE, true),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Not signed in' }),
  );

/**
 * The coarse, route-level check: the caller must be able to `action` some `subject`.
 * Which objects exactly is then decided by the service with CASL conditions.
 */
export const RequireAbility = (action: Action, subject: SubjectType) =>
  applyDecorators(
    SetMetadata(ABILITY_REQUIREMENT, { action, subject } satisfies AbilityRequirement),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Not signed in' }),
    ApiForbiddenResponse({ description: `Needs ${action} on ${subject}` }),
  );

export interface AuthorizedRequest {
  user: Principal;
  ability: AppAbility;
}

export const CurrentAbility = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AppAbility =>
    ctx.switchToHttp().getRequest<AuthorizedRequest>().ability,
);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<AuthorizedRequest>().user,
);
