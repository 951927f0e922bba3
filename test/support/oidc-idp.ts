import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningOidcIdp {
  issuer: string;
  close(): Promise<void>;
}

export interface OidcAccount {
  email: string;
  name?: string;
  groups?: string[];
  email_verified?: boolean;
}

/** Starts test/support/oidc-idp-server.mjs (oidc-provider is ESM-only, so it runs in its own node process). */
export async function startOidcIdp(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, OidcAccount>;
  badJwks?: boolean;
}): Promise<RunningOidcIdp> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-idp-server.mjs')], {
    env: {
      ...process.env,
      CLIENT_ID: options.clientId,
      CLIENT_SECRET: options.clientSecret,
      REDIRECT_URI: options.redirectUri,
      ACCOUNTS: JSON.stringify(options.accounts),
      BAD_JWKS: options.badJwks ? '1' : '0',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('oidc-idp exited');
    }),
  ])) as [string];
  const { issuer } = JSON.parse(line) as { issuer: string };
  return {
    issuer,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

/**
 * Follows the browser's redirects from the portal's /auth/sso/start through the provider
 * (with a cookie jar for the provider's own cookies) until it is sent back to the portal's callback.
 */
export async function browseToCallback(startUrl: string, portalOrigin: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(startUrl);
  for (let hop = 0; hop < 15; hop++) {
    if (url.origin === portalOrigin && url.pathname.endsWith('/oidc/callback')) return url;
    const res = await fetch(url, {
      redirect: 'manual',
      headers:
        url.origin === portalOrigin
          ? {}
          : { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (!location)
      throw new Error(`no redirect from ${url.href}: ${res.status} ${await res.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}
