import { defineAbilityFor } from './ability.factory';
import { Role } from './roles';
import { Action, asSubject as subject } from './subjects';

const user = (role: Role, organizationId: string | null = null) =>
  defineAbilityFor({ kind: 'user', userId: 'u', role, organizationId });

describe('defineAbilityFor', () => {
  it('lets org admins manage their own keys only', () => {
    const ability = user(Role.OrgAdmin, 'a');
    expect(ability.can(Action.Delete, subject('ApiKey', { organizationId: 'a' }))).toBe(true);
    expect(ability.can(Action.Delete, subject('ApiKey', { organizationId: 'b' }))).toBe(false);
  });

  it('keeps the audit log from everyone but security reviewers and the organisation’s own admins', () => {
    expect(user(Role.SecurityReviewer).can(Action.Read, 'AuditRecord')).toBe(true);
    expect(user(Role.PlatformAdmin).can(Action.Read, 'AuditRecord')).toBe(false);
    expect(user(Role.AccountManager).can(Action.Read, 'AuditRecord')).toBe(false);
    expect(user(Role.OrgMember, 'a').can(Action.Read, 'AuditRecord')).toBe(false);
    expect(
      user(Role.OrgAdmin, 'a').can(Action.Read, subject('AuditRecord', { organizationId: 'b' })),
    ).toBe(false);
  });

  it('limits organisation updates by field', () => {
    const admin = user(Role.OrgAdmin, 'a');
    const org = subject('Organization', { id: 'a' });
    expect(admin.can(Action.Update, org, 'name')).toBe(true);
    expect(admin.can(Action.Update, org, 'verified')).toBe(false);
    expect(user(Role.AccountManager).can(Action.Update, org, 'verified')).toBe(true);
    expect(user(Role.AccountManager).can(Action.Update, org, 'status')).toBe(false);
  });

  it('lets an API key invoke only the models it is entitled to', () => {
    const key = defineAbilityFor(
      { kind: 'api_key', apiKeyId: 'k', organizationId: 'a', createdByUserId: null },
      { invokableModelIds: ['m1'] },
    );
    expect(key.can(Action.Invoke, subject('Model', { id: 'm1' }))).toBe(true);
    expect(key.can(Action.Invoke, subject('Model', { id: 'm2' }))).toBe(false);
    expect(key.can(Action.Read, 'Organization')).toBe(false);
  });
});
