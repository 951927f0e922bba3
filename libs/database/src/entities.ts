import { API_KEY_ENTITIES } from '@velvet/api-keys';
import { AUTH_ENTITIES } from '@velvet/auth';
import { ORGANIZATION_ENTITIES } from '@velvet/organizations';

/** Every entity of the product. Explicit, because globs break under bundling. */
export const ENTITIES = [...ORGANIZATION_ENTITIES, ...AUTH_ENTITIES, ...API_KEY_ENTITIES];
