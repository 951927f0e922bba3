import { gapsIn } from '../verify/export-verifier';
import { formatTileIndex, parseTilePath } from '../tiles/tile-path';
import { parsePolicy } from './policy';

describe('tlog-policy', () => {
  it('rejects what the spec forbids', () => {
    expect(() => parsePolicy('witness a x\nquorum a\n')).toThrow(/verifier key|malformed/);
    expect(() => parsePolicy('quorum nobody\n')).toThrow(/quorum/);
    expect(() => parsePolicy('# no quorum\n')).toThrow(/no quorum/);
    expect(parsePolicy('quorum none\n').quorum).toBe('none');
  });
});

describe('tile paths (tlog-tiles)', () => {
  it('formats and parses indices in 3-digit groups', () => {
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTileIndex(5)).toBe('005');
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('entries/001.p/44')).toEqual({ level: null, index: 1, width: 44 });
    for (const bad of [
      '0/1',
      '0/x000/001',
      '0/001.p/256',
      '0/001.p/0',
      '64/000',
      'entries/001.p/07',
      '../000',
    ])
      expect(parseTilePath(bad)).toBeNull();
  });
});

describe('gaps in a complete export', () => {
  it('names missing sequence numbers as ranges', () => {
    expect(gapsIn([0, 1, 4, 8], 0, 10)).toEqual(['2..3', '5..7', '9']);
    expect(gapsIn([0, 1, 2], 0, 3)).toEqual([]);
  });
});
