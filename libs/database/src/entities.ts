import { API_KEY_ENTITIES } from '@velvet/api-keys';
import { AUDIT_ENTITIES } from '@velvet/audit';
import { AUTH_ENTITIES } from '@velvet/auth';
import { CATALOG_ENTITIES } from '@velvet/catalog';
import { CONTRACT_ENTITIES } from '@velvet/contracts';
import { DETECTION_ENTITIES } from '@velvet/detection';
import { ENTITLEMENT_ENTITIES } from '@velvet/entitlements';
import { METERING_ENTITIES } from '@velvet/metering';
import { ORGANIZATION_ENTITIES } from '@velvet/organizations';
import { TEAM_ENTITIES } from '@velvet/teams';

/** Every entity of the product. Explicit, because globs break under bundling. */
export const ENTITIES = [
  ...ORGANIZATION_ENTITIES,
  ...AUTH_ENTITIES,
  ...API_KEY_ENTITIES,
  ...TEAM_ENTITIES,
  ...CATALOG_ENTITIES,
  ...METERING_ENTITIES,
  ...CONTRACT_ENTITIES,
  ...ENTITLEMENT_ENTITIES,
  ...DETECTION_ENTITIES,
  ...AUDIT_ENTITIES,
];
