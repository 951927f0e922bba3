import { Role } from '@velvet/access';
import { emailDomain, groupsOf, roleFromGroups } from './sso-identity';
import { SecretBox } from './secret-box';

describe('roleFromGroups', () => {
  const map = { admins: Role.OrgAdmin, staff: Role.OrgMember };
  it('takes the strongest mapped role', () => {
    expect(roleFromGroups(['staff', 'admins'], map)).toBe(Role.OrgAdmin);
    expect(roleFromGroups(['staff', 'other'], map)).toBe(Role.OrgMember);
  });
  it('is null when no group is mapped', () => {
    expect(roleFromGroups(['other'], map)).toBeNull();
    expect(roleFromGroups([], map)).toBeNull();
  });
  it('ignores roles outside the organisation (a mapping cannot make provider staff)', () => {
    expect(roleFromGroups(['x'], { x: Role.PlatformAdmin })).toBeNull();
  });
});

describe('emailDomain / groupsOf', () => {
  it('lower-cases the domain and refuses non-addresses', () => {
    expect(emailDomain('Alice@Acme.Example')).toBe('acme.example');
    expect(emailDomain('alice')).toBeNull();
    expect(emailDomain('a@b@c.d')).toBeNull();
  });
  it('accepts a string or an array of groups', () => {
    expect(groupsOf('a')).toEqual(['a']);
    expect(groupsOf(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(groupsOf(undefined)).toEqual([]);
  });
});

describe('SecretBox', () => {
  it('round-trips and refuses a tampered or foreign-key ciphertext', () => {
    const box = new SecretBox('server-secret-one');
    const sealed = box.seal('client-secret');
    expect(sealed).not.toContain('client-secret');
    expect(box.open(sealed)).toBe('client-secret');
    expect(() => new SecretBox('server-secret-two').open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });
});
