import { generateKeyMaterial, parseKey } from './api-key.token';

describe('API key material', () => {
  it('round-trips: a generated key parses to its lookup id and hash', () => {
    const material = generateKeyMaterial();
    expect(material.key).toMatch(/^vr_[a-z0-9]{12}_/);
    expect(parseKey(material.key)).toEqual({
      lookupId: material.lookupId,
      secretHash: material.secretHash,
    });
  });

  it('rejects anything not shaped like our keys without a lookup', () => {
    expect(parseKey('sk-openai-style')).toBeNull();
    expect(parseKey('vr_short_x')).toBeNull();
  });
});
