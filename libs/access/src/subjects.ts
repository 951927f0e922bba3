import { subject as tagSubject, type MongoAbility, type MongoQuery } from '@casl/ability';

export enum Action {
  Manage = 'manage',
  Create = 'create',
  Read = 'read',
  Update = 'update',
  Delete = 'delete',
  /** Contract review: approve, reject, request changes. */
  Review = 'review',
  /** Call a model through the gateway. */
  Invoke = 'invoke',
  Export = 'export',
  /** Restrict, suspend or restore an organisation's premium access. */
  Suspend = 'suspend',
}

/** Every kind of object the portal guards. Strings, so the web portal can share the rules. */
export type SubjectType =
  | 'Organization'
  | 'User'
  | 'Staff'
  | 'Invitation'
  | 'ApiKey'
  | 'Model'
  | 'UnlockRule'
  | 'Contract'
  | 'Entitlement'
  | 'Statement'
  | 'Spend'
  | 'AuditRecord'
  | 'AlertCase'
  /** An organisation's identity provider, and the e-mail domains it claims. */
  | 'SsoConnection'
  | 'SsoDomain'
  | 'ScimToken'
  /** Teams inside an organisation, and the limits and budget alerts its admin sets. */
  | 'Team'
  | 'Budget'
  | 'all';

/** An object checked against conditions: tagged with its subject type by `asSubject()`. */
export type SubjectObject = Record<string, unknown> & { __caslSubjectType__?: SubjectType };

/** Tags a copy of `object` as a `type` for CASL checks (`ability.can(Action.Read, asSubject('ApiKey', key))`). */
export const asSubject = (type: SubjectType, object: object): SubjectObject =>
  tagSubject(type, { ...object }) as unknown as SubjectObject;

export type AppAbility = MongoAbility<[Action, SubjectType | SubjectObject], MongoQuery>;
