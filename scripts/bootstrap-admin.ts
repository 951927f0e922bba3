/**
 * Creates the first platform admin: `npm run bootstrap:admin -- --email a@b.c --password '...'`.
 * Refuses to create a second one unless --force is given; a platform admin adds staff after that.
 */
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Module } from '@nestjs/common';
import { Role } from '@velvet/access';
import { baseEnvSchema, parseEnv } from '@velvet/config';
import { dataSourceOptions } from '@velvet/database';
import { OrganizationsModule, StaffService } from '@velvet/organizations';
import { Command } from 'commander';

async function main() {
  const options = new Command('bootstrap-admin')
    .requiredOption('--email <email>', 'the admin’s email')
    .requiredOption('--password <password>', 'initial password (12+ characters)')
    .option('--name <name>', 'display name', 'Platform Admin')
    .option('--force', 'create even if a platform admin exists')
    .parse()
    .opts<{ email: string; password: string; name: string; force?: boolean }>();
  if (options.password.length < 12) throw new Error('--password must be at least 12 characters');

  const env = parseEnv(baseEnvSchema);
  @Module({
    imports: [
      TypeOrmModule.forRoot(dataSourceOptions({ url: env.DATABASE_URL })),
      OrganizationsModule,
    ],
  })
  class BootstrapModule {}
  const app = await NestFactory.createApplicationContext(BootstrapModule, { logger: ['error'] });
  try {
    const staff = app.get(StaffService);
    const existing = (await staff.list()).filter((u) => u.role === Role.PlatformAdmin);
    if (existing.length && !options.force) {
      console.log(`a platform admin exists already (${existing[0].email}); nothing done`);
      return;
    }
    const admin = await staff.create({
      email: options.email,
      password: options.password,
      displayName: options.name,
      role: Role.PlatformAdmin,
    });
    console.log(`platform admin created: ${admin.email}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
