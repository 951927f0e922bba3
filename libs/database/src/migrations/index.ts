import { Identity1764032400000 } from './1764032400000-identity';

/** Every migration, in order. Explicit, because globs break under bundling. */
export const MIGRATIONS = [Identity1764032400000];
