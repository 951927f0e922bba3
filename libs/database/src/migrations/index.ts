import { Identity1764032400000 } from './1764032400000-identity';
import { CatalogAndUsage1764032500000 } from './1764032500000-catalog-and-usage';

/** Every migration, in order. Explicit, because globs break under bundling. */
export const MIGRATIONS = [
  Identity1764032400000,
  CatalogAndUsage1764032500000,
];
