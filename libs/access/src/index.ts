export { defineAbilityFor } from './ability.factory';
export { AccessGuard } from './access.guard';
export { assertCan } from './authorize';
export type { ApiKeyPrincipal, Principal, UserPrincipal } from './principal';
export {
  ABILITY_REQUIREMENT,
  AUTHENTICATED_ROUTE,
  Authenticated,
  CurrentAbility,
  CurrentPrincipal,
  PUBLIC_ROUTE,
  Public,
  RequireAbility,
} from './require-ability.decorator';
export { CUSTOMER_ROLES, Role, STAFF_ROLES, isStaffRole } from './roles';
export { scopedWhere } from './scope';
export { Action } from './subjects';
export type { AppAbility } from './subjects';
