import type { RawRuleOf, MongoAbility } from '@casl/ability';
import type { View } from './wire';

export type Role = View<'Role'>;

export type User = View<'UserView'>;

export type Organization = View<'OrganizationView'>;

/** The caller; `rules` typed as what the web's CASL ability takes (the document says objects). */
export type Me = Omit<View<'MeView'>, 'rules'> & { rules: RawRuleOf<MongoAbility>[] };

/** The access token is kept in memory only; the refresh token is an httpOnly cookie. */
export type LoginResponse = View<'SessionView'>;

export type ApiKey = View<'ApiKeyView'>;
