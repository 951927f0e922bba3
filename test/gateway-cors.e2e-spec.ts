import request from 'supertest';
import { DataSource } from 'typeorm';
import { CorsOrigins } from '../apps/gateway/src/cors/cors-origins';
import { addMember, bearer, signUp } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import {
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

/** CORS per organisation: the org admin sets allowed origins in the portal; the gateway answers browsers accordingly. */
describe('CORS per organisation', () => {
  describe('gateway', () => {
    let gw: RunningGateway;
    let allowing: SeededOrg;
    let other: SeededOrg;
    const app = 'https://app.example.com';
    const model = 'sim-cors';

    beforeAll(async () => {
      gw = await startGateway();
      await seedTiers(gw);
      await seedModel(gw, { slug: model });
      await refreshCatalog(gw);
      allowing = await seedOrg(gw, 'Browser');
      other = await seedOrg(gw, 'Server');
      await gw.db.query(`UPDATE organizations SET cors_allowed_origins = $2 WHERE id = $1`, [
        allowing.organizationId,
        [app],
      ]);
      await gw.app.get(CorsOrigins).reload();
    });
    afterAll(() => gw?.close());

    it('answers a preflight without a key: allowed origins get the CORS headers, others none', async () => {
      const ok = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: {
          origin: app,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-stainless-os',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(app);
      expect(ok.headers.get('access-control-allow-headers')).toContain('x-stainless-os');
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      const evil = await fetch(`${gw.url}/v1/responses`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(evil.status).toBe(204);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    });

    it("sets Access-Control-Allow-Origin only for the key's own organisation's origins, plain and streamed", async () => {
      const post = (key: string, path: string, body: unknown) =>
        fetch(`${gw.url}/v1/${path}`, {
          method: 'POST',
          headers: {
            origin: app,
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        });
      const mine = await post(allowing.key, 'embeddings', { model, input: 'hi' });
      expect(mine.status).toBe(200);
      expect(mine.headers.get('access-control-allow-origin')).toBe(app);
      expect(mine.headers.get('access-control-expose-headers')).toContain(
        'x-ratelimit-remaining-requests',
      );
      const streamed = await post(allowing.key, 'responses', { model, input: 'hi', stream: true });
      expect(streamed.headers.get('content-type')).toContain('text/event-stream');
      expect(streamed.headers.get('access-control-allow-origin')).toBe(app);
      await streamed.text();
      const theirs = await post(other.key, 'chat/completions', {
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(theirs.status).toBe(200);
      expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
      // A refused key: the page may read the OpenAI error.
      const refused = await post('sk-bad', 'chat/completions', {
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe(app);
    });

    it('answers before the body is read: a malformed body still gets them, a request without Origin none', async () => {
      const malformed = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          origin: app,
          authorization: `Bearer ${allowing.key}`,
          'content-type': 'application/json',
        },
        body: '{"model": "x", "messages": [',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('access-control-allow-origin')).toBe(app);
      const noOrigin = await fetch(`${gw.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${allowing.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: 'hi' }),
      });
      expect(noOrigin.status).toBe(200);
      expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
      await noOrigin.text();
      await malformed.text();
    });
  });

  describe('portal API', () => {
    let portal: RunningPortal;
    afterAll(() => portal?.close());

    it('lets the org admin (only) set the allowed origins, validated, for its own organisation only', async () => {
      portal = await startPortal();
      const admin = await signUp(portal, 'Corsica', 'admin@corsica.example');
      const member = await addMember(portal, admin, 'member@corsica.example');
      const stranger = await signUp(portal, 'Elsewhere', 'admin@elsewhere.example');
      const orgId = admin.organizationId!;
      const origins = ['https://app.corsica.example', 'http://localhost:5173'];
      const res = await request(portal.url)
        .patch(`/organizations/${orgId}`)
        .set(bearer(admin))
        .send({ corsAllowedOrigins: origins })
        .expect(200);
      expect(res.body.corsAllowedOrigins).toEqual(origins);
      expect(
        (await request(portal.url).get(`/organizations/${orgId}`).set(bearer(admin)).expect(200))
          .body.corsAllowedOrigins,
      ).toEqual(origins);
      await request(portal.url)
        .patch(`/organizations/${orgId}`)
        .set(bearer(member))
        .send({ corsAllowedOrigins: [] })
        .expect(403);
      const foreign = await request(portal.url)
        .patch(`/organizations/${orgId}`)
        .set(bearer(stranger))
        .send({ corsAllowedOrigins: [] });
      expect([403, 404]).toContain(foreign.status);
      for (const bad of [['https://app.example.com/path'], ['*'], 'https://x.example', [42]]) {
        await request(portal.url)
          .patch(`/organizations/${orgId}`)
          .set(bearer(admin))
          .send({ corsAllowedOrigins: bad })
          .expect(400);
      }
      const [row] = await portal.app
        .get(DataSource)
        .query(`SELECT cors_allowed_origins FROM organizations WHERE id = $1`, [orgId]);
      expect(row.cors_allowed_origins).toEqual(origins);
    });
  });
});
