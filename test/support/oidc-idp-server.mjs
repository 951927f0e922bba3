// A real OpenID provider (the `oidc-provider` package) in its own process, for the SSO tests.
// Interactions complete at once: the account is the authorization request's login_hint, consent is granted.
// BAD_JWKS=1 publishes a different key under the signing key's kid, so every ID token fails its signature check.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.ACCOUNTS ?? '{}');
const jwk = (kid) => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
const signing = jwk('k1');
const { d, p, q, dp, dq, qi, ...forged } = jwk('k1');
void d, p, q, dp, dq, qi;

let provider;
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (process.env.BAD_JWKS === '1' && url.pathname === '/jwks') {
      res.setHeader('content-type', 'application/jwk-set+json');
      return res.end(JSON.stringify({ keys: [forged] }));
    }
    if (url.pathname.startsWith('/interaction/')) {
      const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
      let result;
      if (prompt.name === 'login') {
        result = { login: { accountId: String(params.login_hint ?? '') } };
      } else {
        const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
        if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
        result = { consent: { grantId: await grant.save() } };
      }
      return await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    }
    provider.callback()(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: process.env.CLIENT_ID,
        client_secret: process.env.CLIENT_SECRET,
        redirect_uris: [process.env.REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signing] },
    findAccount: (_ctx, id) =>
      accounts[id] ? { accountId: id, claims: () => ({ sub: id, email_verified: true, ...accounts[id] }) } : undefined,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    conformIdTokenClaims: false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['test-cookie-key'] },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
  console.log(JSON.stringify({ issuer }));
});
