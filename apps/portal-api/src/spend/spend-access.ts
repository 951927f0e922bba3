import { subject } from '@casl/ability';
import { Action, type AppAbility } from '@velvet/access';
import { NotFoundError } from '@velvet/common';

/** Another tenant's spend and usage are invisible, so they are "not found" rather than "forbidden". */
export function assertSpendReadable(ability: AppAbility, orgId: string): void {
  if (
    !ability.can(
      Action.Read,
      subject('Spend', { organizationId: orgId } as Record<string, unknown>),
    )
  )
    throw new NotFoundError('Organization');
}
