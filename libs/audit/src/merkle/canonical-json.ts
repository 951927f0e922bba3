/**
 * Deterministic JSON (keys sorted, no whitespace, undefined dropped) — the bytes a leaf is
 * hashed over, so any verifier can rebuild them. Like RFC 8785 for the values we store
 * (strings, safe integers, finite numbers, booleans, null). Written as plain loops: the audit
 * worker runs it for every record (MinHash arrays included), so it is on the throughput path.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in a leaf');
    return String(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '';
    for (let i = 0; i < value.length; i++)
      out += `${i ? ',' : ''}${canonicalJson(value[i] === undefined ? null : value[i])}`;
    return `[${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  // The default sort compares UTF-16 code units, the order RFC 8785 asks for.
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}
