/**
 * C2SP tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with N written as
 * zero-padded 3-digit elements, all but the last prefixed with `x` (1234067 = x001/x234/067).
 */
export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;

export interface TilePath {
  /** null for an entry bundle. */
  level: number | null;
  index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  width: number;
}

export function formatTileIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Parses what follows `tile/`; null when it is not a valid tile path. */
export function parseTilePath(path: string): TilePath | null {
  const m = /^(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (!m) return null;
  const level = m[1] === 'entries' ? null : Number(m[1]);
  if (level !== null && level > 63) return null;
  const groups = m[2].split('/').map((g) => g.replace(/^x/, ''));
  // No leading zero groups: x000/001 is not index 1.
  if (groups.length > 1 && groups[0] === '000') return null;
  const index = Number(groups.join(''));
  const width = m[3] ? Number(m[3]) : TILE_WIDTH;
  if (
    !Number.isSafeInteger(index) ||
    width < 1 ||
    width > TILE_WIDTH ||
    (m[3] && width === TILE_WIDTH)
  )
    return null;
  return { level, index, width };
}
