import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The web client's generated wire types, checked in (apps/web/src/api/portal-api.ts). */
export const API_TYPES_FILE = join(__dirname, '../../../apps/web/src/api/portal-api.ts');

const HEADER = `/**
 * GENERATED from the portal API's OpenAPI document (GET /docs/openapi.json) by openapi-typescript;
 * do not edit. Regenerate: npm run -w velvet-web api-types. test/web/api-types.e2e-spec.ts fails
 * when this file is not what the current portal produces.
 */
`;

/** openapi-typescript over the running portal's document, as the checked-in file should read. */
export async function generateApiTypes(portalUrl: string): Promise<string> {
  const response = await fetch(`${portalUrl}/docs/openapi.json`);
  if (!response.ok) throw new Error(`GET /docs/openapi.json: HTTP ${response.status}`);
  const dir = mkdtempSync(join(tmpdir(), 'velvet-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'portal-api.ts');
    writeFileSync(input, JSON.stringify(await response.json(), null, 2));
    execFileSync(
      'npx',
      ['openapi-typescript', input, '--output', output, '--root-types', '--alphabetize'],
      {
        cwd: join(__dirname, '../../..'),
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return HEADER + readFileSync(output, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
