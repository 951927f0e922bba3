import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { badInput } from './input-safety';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Like Nest's ParseUUIDPipe, but the 400 names the parameter (`orgId must be a UUID`). */
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value))
      throw badInput(`${metadata.data ?? 'id'} must be a UUID`);
    return value.toLowerCase();
  }
}
