import type { components } from './portal-api';

/**
 * A request body as the portal's OpenAPI document declares it (its DTO classes), from the
 * generated portal-api.ts: `Dto<'ThrottleDto'>`. Response bodies are not in the document yet (the
 * portal's controllers declare no response schemas), so those types are still written in api/*.ts.
 */
export type Dto<K extends keyof components['schemas']> = components['schemas'][K];
