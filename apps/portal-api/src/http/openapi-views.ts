import type { Type } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import type { Page } from '@velvet/common';

/**
 * Building blocks of the response schemas in the OpenAPI document, from which the web portal's
 * types are generated (apps/web/src/api/portal-api.ts). A controller method that declares a
 * `*View` class as its return type gets the compiler's check that what the service returns fits
 * the documented shape; the class's decorators are what the document says.
 */

type Nullable = { nullable?: boolean; required?: boolean; description?: string };

/** A timestamp: a `Date` on the server, an ISO 8601 string on the wire and in the web types. */
export const DateTimeProperty = (options: Nullable = {}) =>
  ApiProperty({ type: String, format: 'date-time', ...options });

/** A calendar day, `YYYY-MM-DD`. */
export const DateProperty = (options: Nullable = {}) =>
  ApiProperty({ type: String, format: 'date', ...options });

/** An integer amount in micros, sent as a decimal string (bigint does not fit a JSON number). */
export const MicrosProperty = (options: Nullable = {}) =>
  ApiProperty({ type: String, pattern: '^-?[0-9]+$', ...options });

/** A JSON object whose keys vary (details, params, metrics): the document does not pin them down. */
export const JsonObjectProperty = (options: Omit<Nullable, 'required'> = {}) =>
  ApiProperty({ type: 'object', additionalProperties: true, ...options });

export const StringListProperty = (options: ApiPropertyOptions = {}) =>
  ApiProperty({ type: [String], ...options } as ApiPropertyOptions);

const pages = new Map<Type<unknown>, Type<Page<unknown>>>();

/** `Page<T>` as a named schema, `<Item>Page` (the swagger module cannot express generics). */
export function pageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Type<Page<T>>;
  class ItemPage {
    @ApiProperty({ type: [item] })
    items: T[];
    @ApiProperty({ type: 'integer' })
    total: number;
    @ApiProperty({ type: 'integer' })
    limit: number;
    @ApiProperty({ type: 'integer' })
    offset: number;
  }
  Object.defineProperty(ItemPage, 'name', { value: `${item.name.replace(/View$/, '')}Page` });
  pages.set(item, ItemPage);
  return ItemPage;
}
