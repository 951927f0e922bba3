import { SINGLE_LAYOUT, shardOf, shardStream, shardStreams, shardTag } from './shards';

describe('shard layout', () => {
  const cluster = { shards: 16, tagged: true };

  it('keeps the historic names on a single Redis', () => {
    expect(shardOf(SINGLE_LAYOUT, 'any-org')).toBe(0);
    expect(shardTag(SINGLE_LAYOUT, 0)).toBe('');
    expect(shardStreams(SINGLE_LAYOUT, 'velvet:gw:usage')).toEqual(['velvet:gw:usage']);
  });

  it('maps an organisation to the same shard every time, and spreads organisations', () => {
    const org = '0b9c8f9e-2a51-4c43-a1f0-6f3a1d2c9e77';
    expect(shardOf(cluster, org)).toBe(shardOf({ ...cluster }, org));
    const used = new Set(
      Array.from({ length: 200 }, (_, i) => shardOf(cluster, `org-${i}-${i * 7919}`)),
    );
    expect(used.size).toBe(16);
  });

  it('names one stream per shard, each with its hash tag', () => {
    const streams = shardStreams(cluster, 'velvet:gw:audit');
    expect(streams).toHaveLength(16);
    expect(streams[3]).toBe('velvet:gw:audit:{s3}');
    expect(shardStream(cluster, 'velvet:gw:audit', 3)).toBe(streams[3]);
  });
});
