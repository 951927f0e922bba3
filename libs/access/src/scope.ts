import { rulesToCondition } from '@casl/ability/extra';
import { FindOperator, In, type FindOptionsWhere } from 'typeorm';
import type { Action, AppAbility, SubjectType } from './subjects';

type Condition = Record<string, unknown>;

function toWhere(condition: Condition): Condition {
  const where: Condition = {};
  for (const [field, value] of Object.entries(condition)) {
    if (value instanceof FindOperator) {
      where[field] = value;
    } else if (value && typeof value === 'object' && '$in' in value) {
      where[field] = In((value as { $in: unknown[] }).$in);
    } else if (value === null || typeof value !== 'object') {
      where[field] = value;
    } else {
      throw new Error(`scope: unsupported condition on ${field}`);
    }
  }
  return where;
}

/**
 * Turns the caller's CASL rules into TypeORM `where` alternatives, so a list or a lookup
 * can never reach rows the caller may not see. Returns null when the caller may see none.
 * Supports the condition shapes our rules use: equality and `$in`.
 */
export function scopedWhere<T>(
  ability: AppAbility,
  action: Action,
  subjectType: SubjectType,
  extra: FindOptionsWhere<T> = {},
): FindOptionsWhere<T>[] | null {
  const alternatives = rulesToCondition(
    ability.rulesFor(action, subjectType),
    (rule) => {
      if (rule.inverted) throw new Error('scope: inverted rules are not supported');
      return (rule.conditions ?? {}) as Condition;
    },
    {
      and: () => {
        throw new Error('scope: inverted rules are not supported');
      },
      or: (conditions: Condition[]) => conditions,
      empty: (): Condition[] => [{}],
    },
  );
  if (alternatives === null) return null;
  const wheres = alternatives.flatMap((c) => {
    const merged = narrow(c, extra as Condition);
    return merged ? [toWhere(merged) as FindOptionsWhere<T>] : [];
  });
  return wheres.length ? wheres : null;
}

/**
 * Adds the caller's own filter to a rule's condition. A filter on a field the rule pins to
 * another value makes that alternative impossible, so it is dropped rather than overridden.
 */
function narrow(condition: Condition, extra: Condition): Condition | null {
  const merged: Condition = { ...condition };
  for (const [field, wanted] of Object.entries(extra)) {
    if (!(field in condition)) {
      merged[field] = wanted;
      continue;
    }
    const allowed = condition[field];
    const ok =
      allowed && typeof allowed === 'object' && '$in' in allowed
        ? (allowed as { $in: unknown[] }).$in.includes(wanted)
        : allowed === wanted;
    if (!ok) return null;
    merged[field] = wanted;
  }
  return merged;
}
