export { dataSourceOptions } from './data-source.options';
export {
  databaseName,
  dropDatabase,
  ensureDatabase,
  maintainPartitions,
  migrate,
} from './database.admin';
export { APP_ROLE, OWNER_ROLE, ensureRoles, transferOwnership, urlAs } from './roles';
/** The usage ingest function's INSERT, for the test that reads its plan. */
export { usageIngestInsert } from './migrations/1764083000000-usage-ingest-function';
