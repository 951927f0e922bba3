import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SafeTypeOrmLogger } from './safe-typeorm-logger';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** One definition for the apps, the migration command and the tests. Never `synchronize`. */
export function dataSourceOptions({
  url,
  poolSize = 10,
  applicationName = 'velvet',
}: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // failed and slow queries, without their parameters (see SafeTypeOrmLogger)
    logging: ['error', 'warn'],
    logger: new SafeTypeOrmLogger(),
    maxQueryExecutionTime: 2000,
    extra: { max: poolSize, application_name: applicationName },
  };
}
