import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { groupsOf, type SsoIdentity } from './sso-identity';

export interface SamlSettings {
  /** The IdP's entity ID: assertions from any other issuer are refused. */
  idpIssuer: string;
  entryPoint: string;
  idpCert: string;
  /** Our entity ID (the audience the IdP must name). */
  spEntityId: string;
  acsUrl: string;
}

/**
 * node-saml keeps AuthnRequest IDs in a cache to check InResponseTo. We keep them in the login
 * state row instead, so each call gets a one-entry cache: the ID saved by start(), or the one
 * expected by finish().
 */
class OneRequestCache implements CacheProvider {
  constructor(public id: string | null = null) {}
  saveAsync(key: string, value: string) {
    this.id = key;
    return Promise.resolve({ value, createdAt: Date.now() });
  }
  getAsync(key: string) {
    return Promise.resolve(key === this.id ? new Date().toISOString() : null);
  }
  removeAsync(key: string | null) {
    if (key === this.id) this.id = null;
    return Promise.resolve(key);
  }
}

const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];
const GROUP_ATTRIBUTES = [
  'groups',
  'memberOf',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
];
const NAME_ATTRIBUTES = [
  'displayName',
  'name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
];

/** SAML 2.0 Web SSO (HTTP-Redirect request, HTTP-POST response) through `@node-saml/node-saml`. */
export class SamlAdapter {
  private saml(settings: SamlSettings, cache: OneRequestCache): SAML {
    return new SAML({
      issuer: settings.spEntityId,
      audience: settings.spEntityId,
      callbackUrl: settings.acsUrl,
      entryPoint: settings.entryPoint,
      idpCert: settings.idpCert,
      idpIssuer: settings.idpIssuer,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: 10 * 60_000,
      acceptedClockSkewMs: 60_000,
      cacheProvider: cache,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      disableRequestedAuthnContext: true,
    });
  }

  async start(
    settings: SamlSettings,
    relayState: string,
  ): Promise<{ url: string; requestId: string }> {
    const cache = new OneRequestCache();
    const url = await this.saml(settings, cache).getAuthorizeUrlAsync(relayState, undefined, {});
    if (!cache.id) throw new Error('node-saml did not record the request ID');
    return { url, requestId: cache.id };
  }

  /** Checks the signature, issuer, audience, validity window and InResponseTo of the posted response. */
  async finish(
    settings: SamlSettings,
    samlResponse: string,
    requestId: string,
  ): Promise<SsoIdentity> {
    const { profile } = await this.saml(
      settings,
      new OneRequestCache(requestId),
    ).validatePostResponseAsync({ SAMLResponse: samlResponse });
    if (!profile) throw new Error('the SAML response carried no assertion');
    // node-saml checks `idpIssuer` on logout messages only: the (signed) assertion's Issuer is checked here
    if (profile.issuer !== settings.idpIssuer)
      throw new Error(`assertion issuer ${String(profile.issuer)} is not the configured IdP`);
    const email =
      firstString(profile, EMAIL_ATTRIBUTES) ?? (/@/.test(profile.nameID) ? profile.nameID : null);
    if (!email) throw new Error('the assertion named no e-mail address');
    const groups = GROUP_ATTRIBUTES.flatMap((name) => groupsOf(profile[name]));
    return {
      email: email.toLowerCase(),
      displayName: firstString(profile, NAME_ATTRIBUTES),
      groups,
    };
  }

  metadata(settings: SamlSettings): string {
    return this.saml(settings, new OneRequestCache()).generateServiceProviderMetadata(null);
  }
}

function firstString(profile: Profile, names: string[]): string | null {
  for (const name of names) {
    const value = profile[name];
    if (typeof value === 'string' && value) return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return null;
}
