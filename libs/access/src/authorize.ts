import { DomainErrorKind, DomainException } from '@velvet/common';
import { type Action, type AppAbility, asSubject, type SubjectType } from './subjects';

/**
 * The resource-level check, after the object was loaded through a scoped query: may the
 * caller do `action` to this particular object? (Reading it already proved it is visible.)
 */
export function assertCan(
  ability: AppAbility,
  action: Action,
  type: SubjectType,
  object: object,
  field?: string,
): void {
  if (!ability.can(action, asSubject(type, object), field)) {
    const what = field ? `${field} of this ${type}` : `this ${type}`;
    throw new DomainException(
      DomainErrorKind.Forbidden,
      'forbidden',
      `You may not ${action} ${what}`,
    );
  }
}
