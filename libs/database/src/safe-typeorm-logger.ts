import { Logger as NestLogger } from '@nestjs/common';
import { safeError } from '@velvet/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** `INSERT INTO "users"…` -> `INSERT users`: enough to say which statement, nothing of its values. */
export function statementShape(query: string): string {
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toUpperCase() ?? 'QUERY';
  const table = /\b(?:INTO|FROM|UPDATE|TABLE)\s+"?([\w.]+)"?/i.exec(query)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * TypeORM's logger: failed and slow queries by statement shape and SQLSTATE only. Never the
 * query's parameters (they hold password hashes, key hashes, e-mail addresses) nor the error's
 * message or detail (PostgreSQL quotes the row there).
 */
export class SafeTypeOrmLogger implements TypeOrmLogger {
  private readonly out = new NestLogger('TypeORM');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.out.warn({ statement: statementShape(query), err: safeError(error) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.out.warn({ statement: statementShape(query), ms: time }, 'slow query');
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.out.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(typeof message === 'string' ? message : 'TypeORM warning');
  }
}
