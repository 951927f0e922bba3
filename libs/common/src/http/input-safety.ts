import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { findHostileInput, findOutOfRange } from './hostile-input';

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/** Nest's validation error shape: a 400 whose `message` lists what is wrong, field first. */
export const badInput = (message: string) =>
  new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message] });

const where = (m: ArgumentMetadata) => (m.type === 'custom' ? 'value' : (m.data ?? m.type));

/**
 * Global, before validation: text no field accepts (NUL, lone surrogates), nesting too deep,
 * and `null` for a property the DTO's OpenAPI schema does not declare nullable (class-validator's
 * `@IsOptional` lets null through, and the column then refuses it).
 */
@Injectable()
export class HostileInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const problem = findHostileInput(value, where(metadata));
    if (problem) throw badInput(problem);
    if (metadata.type === 'body' && value && typeof value === 'object' && metadata.metatype) {
      const proto = metadata.metatype.prototype as object;
      for (const [key, v] of Object.entries(value)) {
        if (v !== null) continue;
        const declared = Reflect.getMetadata(SWAGGER_PROPERTY, proto, key) as
          { nullable?: boolean } | undefined;
        if (declared && !declared.nullable) throw badInput(`${key} must not be null`);
      }
    }
    return value;
  }
}

/** Global, after validation: numbers and dates beyond what the database and clients hold. */
@Injectable()
export class RangePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const problem = findOutOfRange(value, where(metadata));
    if (problem) throw badInput(problem);
    return value;
  }
}

/** A non-negative integer path parameter that fits every layer (e.g. an audit record's `seq`). */
export class ParseSafeIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n))
      throw badInput(
        `${where(metadata)} must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`,
      );
    return n;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const hasBody = (req: Request) =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/**
 * Express middleware before the JSON parser: a write that carries a body in anything but JSON is
 * refused (415) rather than parsed as nothing and answered 200 with nothing changed.
 */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  if (WRITES.has(req.method) && hasBody(req) && !req.is('application/json'))
    return next(new UnsupportedMediaTypeException('Content-Type must be application/json'));
  next();
}

/**
 * Express middleware after the JSON parser, so guards that read the body (login) see only safe
 * input too: the body and the query string through the same check as the pipe.
 */
export function refuseHostileRequests(req: Request, _res: Response, next: NextFunction): void {
  const problem = findHostileInput(req.body, 'body') ?? findHostileInput(req.query, 'query');
  next(problem ? badInput(problem) : undefined);
}
