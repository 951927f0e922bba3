import { In } from 'typeorm';
import { defineAbilityFor } from './ability.factory';
import { Role } from './roles';
import { scopedWhere } from './scope';
import { Action } from './subjects';

const orgAdmin = defineAbilityFor({
  kind: 'user',
  userId: 'u1',
  role: Role.OrgAdmin,
  organizationId: 'org-a',
});
const reviewer = defineAbilityFor({
  kind: 'user',
  userId: 'u2',
  role: Role.SecurityReviewer,
  organizationId: null,
});

describe('scopedWhere', () => {
  it('pins a customer to its own organisation', () => {
    expect(scopedWhere(orgAdmin, Action.Read, 'ApiKey')).toEqual([{ organizationId: 'org-a' }]);
  });

  it('adds the caller’s filter to the rule’s condition', () => {
    expect(scopedWhere(orgAdmin, Action.Read, 'ApiKey', { id: 'k1' })).toEqual([
      { organizationId: 'org-a', id: 'k1' },
    ]);
  });

  it('drops an alternative whose filter contradicts the rule instead of widening it', () => {
    expect(scopedWhere(orgAdmin, Action.Read, 'ApiKey', { organizationId: 'org-b' })).toBeNull();
  });

  it('leaves unconditional rules unrestricted', () => {
    expect(scopedWhere(reviewer, Action.Read, 'ApiKey', { organizationId: 'org-b' })).toEqual([
      { organizationId: 'org-b' },
    ]);
  });

  it('returns null where the caller may see nothing', () => {
    expect(scopedWhere(orgAdmin, Action.Read, 'AlertCase')).toBeNull();
  });

  it('translates $in conditions', () => {
    const key = defineAbilityFor(
      { kind: 'api_key', apiKeyId: 'k', organizationId: 'o', createdByUserId: null },
      { invokableModelIds: ['m1', 'm2'] },
    );
    expect(scopedWhere(key, Action.Invoke, 'Model')).toEqual([{ id: In(['m1', 'm2']) }]);
    expect(scopedWhere(key, Action.Invoke, 'Model', { id: 'm2' })).toEqual([{ id: 'm2' }]);
    expect(scopedWhere(key, Action.Invoke, 'Model', { id: 'm3' })).toBeNull();
  });
});
