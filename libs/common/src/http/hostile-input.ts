/**
 * Input that no field of ours accepts, whatever its declared type, found in one walk over a
 * request's body, query or parameters so that every route refuses it the same way (400 naming
 * the field) before it reaches a service or PostgreSQL (which answers NUL with an error that
 * used to surface as a 500).
 */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text))
    return 'must be valid Unicode (it holds an unpaired UTF-16 surrogate)';
  return null;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * The first hostile value in `value` as `<field> <problem>`, or null. Iterative, so a body
 * nested a million levels deep cannot overflow the stack while being checked.
 */
export function findHostileInput(value: unknown, root: string): string | null {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    const name = path || root;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return `${name} ${problem}`;
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH)
        return `${name} is nested more than ${MAX_JSON_DEPTH} levels deep`;
      const entries: [string | number, unknown][] = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : Object.entries(v);
      for (const [key, child] of entries) {
        if (typeof key === 'string' && textProblem(key))
          return `${name}: a field name ${textProblem(key)}`;
        stack.push([child, join(path, key), depth + 1]);
      }
    }
  }
  return null;
}

const ISO_DATE =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Dates PostgreSQL and every client can hold, and that mean something for contracts and logs. */
export const EARLIEST_YEAR = 1;
export const LATEST_YEAR = 9999;

/** A string that looks like an ISO date but is none (year 0, month 13, year -271821). */
export function isoDateProblem(text: string): string | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < EARLIEST_YEAR || year > LATEST_YEAR)
    return `must be a date between ${EARLIEST_YEAR.toString().padStart(4, '0')}-01-01 and ${LATEST_YEAR}-12-31`;
  const probe = new Date(Date.UTC(2000, month - 1, day));
  probe.setUTCFullYear(year);
  if (month < 1 || month > 12 || probe.getUTCDate() !== day) return 'must be a real calendar date';
  return null;
}

/**
 * After conversion: numbers beyond what every layer holds exactly (2^53) and dates beyond
 * PostgreSQL's and our range, as `<field> <problem>`, or null.
 */
export function findOutOfRange(value: unknown, root: string): string | null {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    const name = path || root;
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)
        return `${name} is out of range`;
    } else if (typeof v === 'string') {
      const problem = isoDateProblem(v);
      if (problem) return `${name} ${problem}`;
    } else if (v instanceof Date) {
      const year = v.getUTCFullYear();
      if (Number.isNaN(v.getTime())) return `${name} must be a valid date`;
      if (year < EARLIEST_YEAR || year > LATEST_YEAR)
        return `${name} must be a date between 0001-01-01 and ${LATEST_YEAR}-12-31`;
    } else if (typeof v === 'bigint') {
      if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return `${name} is out of range`;
    } else if (v && typeof v === 'object' && depth < MAX_JSON_DEPTH) {
      const entries: [string | number, unknown][] = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : Object.entries(v);
      for (const [key, child] of entries) stack.push([child, join(path, key), depth + 1]);
    }
  }
  return null;
}
