/**
 * What may never reach a log line, whatever put it there: e-mail addresses, password hashes,
 * JWTs, API keys and other token-like strings. `scrubSecrets` is the last line of defence (every
 * line passes it before it is written); the serializers below keep such data out in the first place.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\$argon2(id|i|d)\$[A-Za-z0-9+/=$,.-]*/g, '[hash]'],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[jwt]'],
  [/\bvr_[a-z0-9]{12}(_[A-Za-z0-9_-]*)?/g, '[api-key]'],
  // Tried only where a run of address characters starts (the look-behind), as every match does
  // anyway: from each character of a long run without an '@' it would rescan the rest of the run.
  [/(?<![^\s"'<>()\\,;:@])[^\s"'<>()\\,;:@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g, '[email]'],
  // hex digests (key and token hashes) and base64url tokens (refresh, invitation, verification)
  [/\b[0-9a-f]{32,}\b/gi, '[digest]'],
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g, '[token]'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

interface DatabaseErrorLike {
  name?: string;
  /** pino's standard serializer has already turned `name` into `type`. */
  type?: string;
  message?: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  driverError?: DatabaseErrorLike;
}

/** A failed query (TypeORM's QueryFailedError or pg's DatabaseError) carries its SQL parameters and row values. */
const isDatabaseError = (err: DatabaseErrorLike): boolean =>
  ['QueryFailedError', 'DatabaseError'].includes(err.name ?? err.type ?? '') ||
  (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) && 'severity' in err);

/**
 * The `err` serializer of every app. A database error keeps only what names the failure (its
 * SQLSTATE, constraint, table, column): never the query, its parameters, the message or the
 * detail, which quote the row (`Key (email)=(…)`, `Failing row contains (…)`). Any other error
 * keeps its type, message and stack, scrubbed.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!err || typeof err !== 'object') return { message: scrubSecrets(String(err)) };
  const e = err as DatabaseErrorLike & { stack?: string; status?: number };
  if (isDatabaseError(e)) {
    const source = e.driverError ?? e;
    return {
      type: e.name ?? e.type ?? 'DatabaseError',
      sqlstate: source.code,
      constraint: source.constraint,
      table: source.table,
      column: source.column,
    };
  }
  return {
    type: e.name ?? e.type,
    message: scrubSecrets(String(e.message ?? '')),
    ...(e.status ? { status: e.status } : {}),
    stack: e.stack ? scrubSecrets(e.stack) : undefined,
  };
}

/** How much of a request's path a log line keeps (a URL may be as long as the server's header limit). */
const LOGGED_PATH_CHARS = 512;

/** A request's path without its query string (searches carry e-mail addresses and free text). */
export function pathOnly(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0];
  return scrubSecrets(
    path.length > LOGGED_PATH_CHARS ? `${path.slice(0, LOGGED_PATH_CHARS)}…` : path,
  );
}

/**
 * pino's `logMethod` hook. Given an error and no message, pino would use the raw error message
 * as the line's `msg` (a failed query's message quotes the row): use the safe one instead.
 */
export function safeMessageHook(
  this: unknown,
  args: unknown[],
  method: (...args: unknown[]) => void,
): void {
  const [first, second] = args;
  const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
  if (err instanceof Error && typeof second !== 'string') {
    const safe = safeError(err);
    const merged = first instanceof Error ? { err: first } : first;
    method.apply(this, [merged, String(safe.message ?? safe.type ?? 'error'), ...args.slice(1)]);
    return;
  }
  method.apply(this, args);
}
