type Operation = {
  responses?: Record<string, { content?: unknown; headers?: Record<string, unknown> }>;
};

/**
 * `METHOD /path` of every operation that declares no response it succeeds with: a 2xx with content
 * (JSON or not: a CSV, a tile, a signed note), a 204, or a 3xx with its `Location` header (a route
 * with only the guards' 401/403 declared says nothing of what it returns).
 */
export function routesWithoutResponseSchema(document: {
  paths: Record<string, Record<string, Operation>>;
}): string[] {
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations)) {
      const declared = Object.entries(operation.responses ?? {}).some(
        ([code, r]) =>
          code === '204' ||
          (code.startsWith('2') && r.content !== undefined) ||
          (code.startsWith('3') && r.headers?.Location !== undefined),
      );
      if (!declared) missing.push(`${method.toUpperCase()} ${path}`);
    }
  return missing.sort();
}
