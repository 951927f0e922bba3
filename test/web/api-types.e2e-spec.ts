import { readFileSync, writeFileSync } from 'node:fs';
import { startPortal, type RunningPortal } from '../support/portal';
import { API_TYPES_FILE, generateApiTypes } from './support/api-types';
import { routesWithoutResponseSchema } from './support/response-schemas';

/**
 * The web client's wire types come from the portal's OpenAPI document, never retyped by hand:
 * the checked-in file must be exactly what openapi-typescript makes of the current portal.
 * `UPDATE_API_TYPES=1` (npm run -w velvet-web api-types) rewrites it instead.
 */
describe('web API types (openapi-typescript over the real portal document)', () => {
  let portal: RunningPortal;

  beforeAll(async () => {
    portal = await startPortal();
  });

  afterAll(async () => {
    await portal?.close();
  });

  it('apps/web/src/api/portal-api.ts is current', async () => {
    const fresh = await generateApiTypes(portal.url);
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(API_TYPES_FILE, fresh);
    const current = readFileSync(API_TYPES_FILE, 'utf8');
    if (current !== fresh)
      throw new Error(
        'apps/web/src/api/portal-api.ts is stale: the portal API changed. Run `npm run -w velvet-web api-types` and commit the result.',
      );
  });

  it('documents what every route answers (a new route must declare its response)', async () => {
    const document = await (await fetch(`${portal.url}/docs/openapi.json`)).json();
    expect(
      routesWithoutResponseSchema(document as Parameters<typeof routesWithoutResponseSchema>[0]),
    ).toEqual([]);
  });
});
