/**
 * Deterministic JSON (keys sorted, no whitespace, undefined dropped) — the bytes a leaf is
 * hashed over, so any verifier can rebuild them. Like RFC 8785 for the values we store
 * (strings, safe integers, finite numbers, booleans, null). The audit worker runs it for every
 * record, so it is on the throughput path: the value is copied with its keys in sorted order and
 * handed to the native JSON.stringify (which writes keys in insertion order and numbers as
 * String() does), except for objects whose keys JavaScript would reorder (integer-like keys) or
 * treat specially (`__proto__`), which take the plain recursive path.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(sortedCopy(value)) ?? 'null';
  } catch (error) {
    if (error !== UNORDERED) throw error;
    return slowCanonicalJson(value);
  }
}

/** Thrown by sortedCopy at an object whose keys JSON.stringify would not write in sorted order. */
const UNORDERED = new Error('unordered keys');

/** A key an object would not keep in insertion order, or could not hold as a plain own property. */
const unordered = (key: string): boolean =>
  key === '__proto__' || (key.length > 0 && key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39);

function sortedCopy(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in a leaf');
    return value;
  }
  if (typeof value === 'function' || typeof value === 'symbol') return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++)
      out[i] = value[i] === undefined ? null : sortedCopy(value[i]);
    return out;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, the order RFC 8785 asks for.
  const keys = Object.keys(record).sort();
  if (keys.some(unordered)) throw UNORDERED;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = record[key];
    if (v !== undefined) out[key] = sortedCopy(v);
  }
  return out;
}

/** The definition, for objects with keys JavaScript reorders: written out key by key. */
function slowCanonicalJson(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in a leaf');
    return String(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '';
    for (let i = 0; i < value.length; i++)
      out += `${i ? ',' : ''}${slowCanonicalJson(value[i] === undefined ? null : value[i])}`;
    return `[${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${slowCanonicalJson(v)}`;
  }
  return `{${out}}`;
}
