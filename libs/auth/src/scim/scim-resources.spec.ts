import { filterOf, listResponse, scimBoolean } from './scim-resources';
import { ScimError } from './scim.error';

describe('SCIM resources', () => {
  it('filters with userName eq, case-insensitively on the attribute name', () => {
    const match = filterOf('userName eq "ana@example.com"');
    expect(match({ userName: 'ana@example.com' })).toBe(true);
    expect(match({ userName: 'bob@example.com' })).toBe(false);
    expect(
      filterOf('externalId eq "x" and active eq true')({ externalId: 'x', active: true }),
    ).toBe(true);
  });
  it('refuses a malformed filter with invalidFilter', () => {
    expect(() => filterOf('userName eq')).toThrow(ScimError);
  });
  it('reads Entra string booleans', () => {
    expect(scimBoolean('False')).toBe(false);
    expect(scimBoolean('True')).toBe(true);
    expect(scimBoolean(false)).toBe(false);
    expect(scimBoolean('maybe')).toBeUndefined();
  });
  it('pages from a 1-based startIndex', () => {
    const r = listResponse([1, 2, 3, 4, 5], 2, 2);
    expect(r).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2, Resources: [2, 3] });
  });
});
