/** Seeds the demo: staff, two organisations and their admins (and, as they land, catalog and contracts). */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { baseEnvSchema, parseEnv } from '@velvet/config';
import { dataSourceOptions } from '@velvet/database';
import { OrganizationsModule } from '@velvet/organizations';
import { ContractFactsModule } from '@velvet/contracts';
import { CONTRACT_FACTS, EntitlementEngine } from '@velvet/entitlements';
import IORedis from 'ioredis';
import { redisOptions } from '@velvet/queue';
import { DataSource } from 'typeorm';
import { seedCatalog } from './seed/seed-catalog';
import { seedContracts } from './seed/seed-contracts';
import { seedIdentities } from './seed/seed-identities';

async function main() {
  const env = parseEnv(baseEnvSchema);
  @Module({
    imports: [
      TypeOrmModule.forRoot(dataSourceOptions({ url: env.DATABASE_URL })),
      OrganizationsModule,
      ContractFactsModule,
    ],
  })
  class SeedModule {}
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error'] });
  try {
    const organizations = await seedIdentities(app);
    // catalog, unlock rules, contracts and usage history; then materialise entitlements (no worker needed)
    const db = app.get(DataSource);
    await seedCatalog(db);
    await seedContracts(db);
    const redis = new IORedis({
      ...redisOptions(env.REDIS_URL),
      keyPrefix: `${env.QUEUE_PREFIX}:`,
    });
    try {
      await new EntitlementEngine(db, redis, app.get(CONTRACT_FACTS)).evaluateAll('demo seed');
    } finally {
      await redis.quit();
    }
    console.log(`demo seeded: ${organizations.map((o) => o.name).join(', ')}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
