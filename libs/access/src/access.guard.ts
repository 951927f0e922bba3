import { type ExecutionContext, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { defineAbilityFor } from './ability.factory';
import {
  ABILITY_REQUIREMENT,
  type AbilityRequirement,
  AUTHENTICATED_ROUTE,
  type AuthorizedRequest,
  PUBLIC_ROUTE,
} from './require-ability.decorator';

/**
 * Global, deny-by-default guard: a route passes only if it is marked `@Public()` or the
 * signed-in caller's abilities satisfy its `@RequireAbility(...)`. A route with neither is refused.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const requirement = this.reflector.getAllAndOverride<AbilityRequirement>(
      ABILITY_REQUIREMENT,
      targets,
    );
    const anySignedIn = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets);
    if (!requirement && !anySignedIn) {
      this.logger.error(
        `route ${context.getClass().name}.${context.getHandler().name} has no access policy`,
      );
      throw new ForbiddenException('This route has no access policy');
    }

    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthorizedRequest>();
    request.ability = defineAbilityFor(request.user);
    if (requirement && !request.ability.can(requirement.action, requirement.subject)) {
      throw new ForbiddenException(`You may not ${requirement.action} ${requirement.subject}`);
    }
    return true;
  }
}
