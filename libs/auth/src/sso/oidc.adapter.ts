import { Issuer, generators, custom, type Client } from 'openid-client';
import type { SsoIdentity } from './sso-identity';
import { groupsOf } from './sso-identity';

custom.setHttpOptionsDefaults({ timeout: 5000 });

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface OidcStart {
  url: string;
  nonce: string;
  codeVerifier: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** OpenID Connect, authorization code flow with PKCE, state and nonce, through `openid-client`. */
export class OidcAdapter {
  /** Discovered issuers, for a few minutes (key rotation reaches us through openid-client's JWKS refresh). */
  private readonly issuers = new Map<string, { issuer: Issuer; until: number }>();

  private async client(settings: OidcSettings): Promise<Client> {
    const cached = this.issuers.get(settings.issuer);
    let issuer = cached && cached.until > Date.now() ? cached.issuer : undefined;
    if (!issuer) {
      issuer = await Issuer.discover(settings.issuer);
      // a discovery document naming another issuer is a mix-up (or an attack): refuse it
      if (trimSlash(String(issuer.metadata.issuer)) !== trimSlash(settings.issuer)) {
        throw new Error(
          `discovered issuer ${String(issuer.metadata.issuer)} is not the configured ${settings.issuer}`,
        );
      }
      this.issuers.set(settings.issuer, { issuer, until: Date.now() + 5 * 60_000 });
    }
    return new issuer.Client({
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: [settings.redirectUri],
      response_types: ['code'],
    });
  }

  async start(settings: OidcSettings, state: string, loginHint?: string): Promise<OidcStart> {
    const client = await this.client(settings);
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return { url, nonce, codeVerifier };
  }

  /** Exchanges the code and checks the ID token (signature, issuer, audience, expiry, nonce). */
  async finish(
    settings: OidcSettings,
    params: Record<string, string>,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<SsoIdentity> {
    const client = await this.client(settings);
    const tokens = await client.callback(settings.redirectUri, params, {
      state: expected.state,
      nonce: expected.nonce,
      code_verifier: expected.codeVerifier,
    });
    const claims = tokens.claims();
    if (typeof claims.email !== 'string' || claims.email_verified === false) {
      throw new Error('the identity provider gave no verified e-mail address');
    }
    return {
      email: claims.email.toLowerCase(),
      displayName: typeof claims.name === 'string' ? claims.name : null,
      groups: groupsOf(claims.groups),
    };
  }
}
