/**
 * Routes of the portal's OpenAPI document whose success response has no schema yet, as
 * `METHOD /path`. test/web/api-types.e2e-spec.ts fails when a route is missing from the document's
 * schemas and not listed here (a new route must declare its response: `@ApiOkResponse({ type })`),
 * and when a listed route has gained one (remove it from the list). Shrink it; never grow it.
 */
export const ROUTES_WITHOUT_RESPONSE_SCHEMA: readonly string[] = [
  // files, redirects, tiles and plain-text notes (not JSON): may stay listed
  'GET /audit-log/checkpoint',
  'GET /audit-log/tile/{path}',
  'GET /audit/export',
  'GET /auth/sso/saml/{orgId}/metadata',
  'GET /auth/sso/start',
  'GET /organizations/{orgId}/usage/csv',
];

type Operation = { responses?: Record<string, { content?: unknown }> };

/**
 * `METHOD /path` of every operation that declares neither a 2xx response with content nor a 204
 * (a route with only the guards' 401/403 declared says nothing of what it returns).
 */
export function routesWithoutResponseSchema(document: {
  paths: Record<string, Record<string, Operation>>;
}): string[] {
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations)) {
      const success = Object.entries(operation.responses ?? {}).filter(([code]) =>
        code.startsWith('2'),
      );
      if (!success.some(([code, r]) => code === '204' || r.content))
        missing.push(`${method.toUpperCase()} ${path}`);
    }
  return missing.sort();
}
