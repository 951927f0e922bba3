import { API_KEY_ENTITIES } from '@velvet/api-keys';
import { AUTH_ENTITIES } from '@velvet/auth';
import { CATALOG_ENTITIES } from '@velvet/catalog';
import { METERING_ENTITIES } from '@velvet/metering';
import { ORGANIZATION_ENTITIES } from '@velvet/organizations';

/** Every entity of the product. Explicit, because globs break under bundling. */
export const ENTITIES = [
  ...ORGANIZATION_ENTITIES,
  ...AUTH_ENTITIES,
  ...API_KEY_ENTITIES,
  ...CATALOG_ENTITIES,
  ...METERING_ENTITIES,
];
