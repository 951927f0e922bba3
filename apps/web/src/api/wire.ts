import type { components } from './portal-api';

/**
 * A schema of the portal's OpenAPI document, from the generated portal-api.ts: request bodies
 * (its DTO classes, `Dto<'ThrottleDto'>`) and response bodies (its `*View` classes,
 * `View<'AlertCaseView'>`). Timestamps are ISO strings and micros decimal strings on the wire.
 */
export type Dto<K extends keyof components['schemas']> = components['schemas'][K];
export type View<K extends keyof components['schemas']> = components['schemas'][K];

type Schemas = components['schemas'];

/**
 * Every offset-paginated response of the document: its named `<Item>Page` schemas
 * (`View<'ContractPage'>`, ...), each `{ items, total, limit, offset }` over one item view.
 */
export type PageView = Schemas[Extract<keyof Schemas, `${string}Page`>];
