export { dataSourceOptions } from './data-source.options';
export {
  databaseName,
  dropDatabase,
  ensureDatabase,
  maintainPartitions,
  migrate,
} from './database.admin';
export { APP_ROLE, OWNER_ROLE, ensureRoles, transferOwnership, urlAs } from './roles';
