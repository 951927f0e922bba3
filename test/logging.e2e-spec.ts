import request from 'supertest';
import { startPortal, type RunningPortal } from './support/portal';
import { DEMO_TEST_PASSWORD } from './support/http';

/** Logs are structured JSON, carry the request id, and never hold passwords, tokens or bodies. */
describe('portal API logs', () => {
  let portal: RunningPortal;
  const lines: string[] = [];
  beforeAll(async () => {
    portal = await startPortal({ LOG_LEVEL: 'info' }, { write: (line: string) => void lines.push(line) });
  });
  afterAll(() => portal.close());

  it('logs each request as JSON with its request id, and no secrets', async () => {
    const signup = await request(portal.url)
      .post('/auth/signup')
      .set('x-request-id', 'req-log-test-1')
      .send({ organizationName: 'Loggers', email: 'log@loggers.example', password: DEMO_TEST_PASSWORD, displayName: 'L' })
      .expect(201);
    expect(signup.headers['x-request-id']).toBe('req-log-test-1');
    await request(portal.url).get('/auth/me').set('Authorization', `Bearer ${signup.body.accessToken}`).expect(200);

    const entries = lines.map((l) => JSON.parse(l));
    const signupLog = entries.find((e) => e.req?.id === 'req-log-test-1');
    expect(signupLog).toMatchObject({ app: 'portal-api', req: { method: 'POST', url: '/auth/signup' }, res: { statusCode: 201 } });
    expect(entries.some((e) => e.req?.url === '/auth/me' && typeof e.req.id === 'string')).toBe(true);
    const all = lines.join('\n');
    for (const secret of [DEMO_TEST_PASSWORD, signup.body.accessToken, signup.body.refreshToken]) expect(all).not.toContain(secret);
  });
});
