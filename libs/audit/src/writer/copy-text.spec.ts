import {
  copyHexBytea,
  copyInt32Array,
  copyJson,
  copyNumberArray,
  copyText,
  copyTextArray,
} from './copy-text';

describe('COPY text encoding', () => {
  it('escapes the separators and backslashes, and writes NULL as \\N', () => {
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText(null)).toBe('\\N');
    expect(copyText(undefined)).toBe('\\N');
    expect(copyText(42)).toBe('42');
  });

  it('writes arrays, JSON and bytea as PostgreSQL reads them back', () => {
    expect(copyTextArray(['logprobs', 'a"b\\c'])).toBe('{"logprobs","a\\\\"b\\\\\\\\c"}');
    expect(copyTextArray(null)).toBe('{}');
    expect(copyInt32Array([1, 0xffffffff])).toBe('{1,-1}');
    expect(copyJson({ s: 'x\ty' })).toBe('{"s":"x\\\\ty"}');
    expect(copyHexBytea('00ff')).toBe('\\\\x00ff');
  });
});

describe('number arrays in COPY', () => {
  it('writes int8 and int4 arrays as PostgreSQL array literals', () => {
    expect(copyNumberArray([-1, 0, 9007199254740991])).toBe('{-1,0,9007199254740991}');
    expect(copyNumberArray([])).toBe('{}');
    expect(copyNumberArray(null)).toBe('\\N');
    expect(copyInt32Array([4294967295, 1])).toBe('{-1,1}');
  });
});
