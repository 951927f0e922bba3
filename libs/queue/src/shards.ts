/**
 * How the gateway's keys are spread over a Redis Cluster: organisations map to `shards` hash-tag
 * shards, and every key one admission touches carries its organisation's tag `{sK}`, so each Lua
 * script and MULTI stays in one slot. On a single Redis: one shard and no tag (the historic names).
 */
export interface ShardLayout {
  readonly shards: number;
  readonly tagged: boolean;
}

export const SINGLE_LAYOUT: ShardLayout = { shards: 1, tagged: false };

/** FNV-1a (32 bit): stable across processes, versions and restarts, unlike any runtime hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const shardOf = (layout: ShardLayout, organizationId: string): number =>
  layout.shards <= 1 ? 0 : fnv1a(organizationId) % layout.shards;

/** `{sK}` on a cluster, '' on a single Redis. */
export const shardTag = (layout: ShardLayout, shard: number): string =>
  layout.tagged ? `{s${shard}}` : '';

/** Every shard index of a layout. */
export const shardIndexes = (layout: ShardLayout): number[] =>
  Array.from({ length: layout.shards }, (_, k) => k);

/** A per-shard stream of a base stream name: `<base>:{sK}` on a cluster, the base itself otherwise. */
export const shardStream = (layout: ShardLayout, base: string, shard: number): string =>
  layout.tagged ? `${base}:${shardTag(layout, shard)}` : base;

export const shardStreams = (layout: ShardLayout, base: string): string[] =>
  layout.tagged ? shardIndexes(layout).map((k) => shardStream(layout, base, k)) : [base];
