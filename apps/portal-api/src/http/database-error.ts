import { HttpStatus } from '@nestjs/common';

interface PgErrorLike {
  code?: string;
  column?: string;
  constraint?: string;
}

/**
 * A failed query that the caller caused (a value PostgreSQL refuses, a duplicate, a missing
 * reference) answers 4xx rather than 500. A safety net: validation should have caught the value
 * first. The answer names the column or constraint, never the value (the message quotes it).
 */
export function clientFaultOf(err: unknown): { status: number; message: string } | null {
  if (!err || typeof err !== 'object' || (err as Error).name !== 'QueryFailedError') return null;
  const pg = ((err as { driverError?: PgErrorLike }).driverError ?? err) as PgErrorLike;
  const where = pg.column ?? pg.constraint;
  const what = where ? ` (${where})` : '';
  const code = pg.code ?? '';
  if (code === '23505') return { status: HttpStatus.CONFLICT, message: `Already exists${what}` };
  if (code === '23503')
    return {
      status: HttpStatus.CONFLICT,
      message: `Refers to something that does not exist or is still in use${what}`,
    };
  // class 22: data exceptions (bad text encoding, out-of-range numbers and dates, bad syntax for a type)
  if (code.startsWith('22') || code === '23502' || code === '23514' || code === '54001')
    return { status: HttpStatus.BAD_REQUEST, message: `A value is invalid or out of range${what}` };
  return null;
}
