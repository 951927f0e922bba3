/**
 * The worker's usage ingest alone (`UsageIngestModule`, as apps/worker runs it), for the gateway
 * bench: deployed, the worker moves the gateways' usage stream into `usage_records`, off their
 * event loops and cores. The bench runs it on the load generator's core, so its CPU is measured
 * apart from the gateway's and does not take the gateway's core. Without the worker's spend
 * listener (one entitlement-queue add per organisation per 250 ms at most). Prints `ready` once
 * consuming. Input: DATABASE_URL, REDIS_URL (or REDIS_CLUSTER_NODES and REDIS_SHARDS), QUEUE_PREFIX.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { baseEnvSchema, parseEnv } from '@velvet/config';
import { dataSourceOptions } from '@velvet/database';
import { UsageIngestModule } from '@velvet/metering';
import { redisSettings } from '@velvet/queue';

const env = parseEnv(baseEnvSchema);

@Module({
  imports: [
    TypeOrmModule.forRoot(
      dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'bench-usage-ingest' }),
    ),
    UsageIngestModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
  ],
})
class BenchUsageIngestModule {}

async function main() {
  const app = await NestFactory.createApplicationContext(BenchUsageIngestModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  console.log('ready');
}

void main();
