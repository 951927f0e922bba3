import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startPortal, type RunningPortal } from './support/portal';
import { DEMO_TEST_PASSWORD, login, signUp, type Session } from './support/http';
import { tokenMailedTo } from './support/mail';

/** Anything in a log line that looks like a secret or a person: none may appear, whatever failed. */
const FORBIDDEN_IN_LOGS: [string, RegExp][] = [
  ['argon2 hash', /\$argon2/],
  ['e-mail address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/],
  ['JWT', /eyJ[A-Za-z0-9_-]+\.eyJ/],
  ['API key', /vr_[a-z0-9]{12}/],
  ['hex digest', /\b[0-9a-f]{64}\b/],
];

/** Logs are structured JSON, carry the request id, and never hold passwords, tokens or bodies. */
describe('portal API logs', () => {
  let portal: RunningPortal;
  let db: DataSource;
  const lines: string[] = [];
  beforeAll(async () => {
    portal = await startPortal(
      { LOG_LEVEL: 'debug' },
      { write: (line: string) => void lines.push(line) },
    );
    db = portal.app.get(DataSource);
  });
  afterAll(() => portal.close());

  it('logs each request as JSON with its request id, and no secrets', async () => {
    const signup = await request(portal.url)
      .post('/auth/signup')
      .set('x-request-id', 'req-log-test-1')
      .send({
        organizationName: 'Loggers',
        email: 'log@loggers.example',
        password: DEMO_TEST_PASSWORD,
        displayName: 'L',
      })
      .expect(201);
    expect(signup.headers['x-request-id']).toBe('req-log-test-1');
    await request(portal.url)
      .get('/auth/me')
      .set('Authorization', `Bearer ${signup.body.accessToken}`)
      .expect(200);

    const entries = lines.map((l) => JSON.parse(l));
    const signupLog = entries.find((e) => e.req?.id === 'req-log-test-1');
    expect(signupLog).toMatchObject({
      app: 'portal-api',
      req: { method: 'POST', url: '/auth/signup' },
      res: { statusCode: 201 },
    });
    expect(entries.some((e) => e.req?.url === '/auth/me' && typeof e.req.id === 'string')).toBe(
      true,
    );
    const all = lines.join('\n');
    const refresh = String(signup.headers['set-cookie']).match(/vr_refresh=([^;]+)/)![1];
    for (const secret of [DEMO_TEST_PASSWORD, signup.body.accessToken, refresh])
      expect(all).not.toContain(secret);
  });

  /**
   * A trigger makes every insert into `table` fail with the whole new row in PostgreSQL's message
   * and detail, the worst a failing query can carry (like `Failing row contains (…)`).
   */
  async function failingInserts<T>(table: string, act: () => Promise<T>): Promise<T> {
    // triggers are DDL: the app role may not make them, the superuser of the suite's database may
    const admin = new Client({ connectionString: portal.database.adminUrl });
    await admin.connect();
    try {
      return await withRefusingTrigger(admin, table, act);
    } finally {
      await admin.end();
    }
  }

  async function withRefusingTrigger<T>(
    db: Client,
    table: string,
    act: () => Promise<T>,
  ): Promise<T> {
    await db.query(`CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION USING ERRCODE = 'XX000', MESSAGE = 'refused row ' || NEW::text, DETAIL = NEW::text; END $$`);
    await db.query(
      `CREATE TRIGGER refuse_insert BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_insert()`,
    );
    try {
      return await act();
    } finally {
      await db.query(`DROP TRIGGER refuse_insert ON ${table}`);
    }
  }

  it('keeps hashes, key material, tokens and e-mail addresses out of the log when an insert fails on a sensitive table', async () => {
    const admin: Session = await signUp(portal, 'Leaky', 'admin@leaky.example');
    const auth = { Authorization: `Bearer ${admin.token}` };
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/invitations`)
      .set(auth)
      .send({ email: 'dev@leaky.example', role: 'org_member' })
      .expect(201);
    const invited = { body: { token: await tokenMailedTo(db, 'dev@leaky.example') } };
    lines.length = 0;

    const failures = [
      await failingInserts('users', () =>
        request(portal.url).post('/auth/signup').send({
          organizationName: 'Leaky Two',
          email: 'second@leaky2.example',
          password: DEMO_TEST_PASSWORD,
          displayName: 'S',
        }),
      ),
      await failingInserts('users', () =>
        request(portal.url)
          .post('/auth/invitations/accept')
          .send({ token: invited.body.token, displayName: 'Dev', password: DEMO_TEST_PASSWORD }),
      ),
      await failingInserts('api_keys', () =>
        request(portal.url)
          .post(`/organizations/${admin.organizationId}/api-keys`)
          .set(auth)
          .send({ name: 'ci' }),
      ),
      await failingInserts('invitations', () =>
        request(portal.url)
          .post(`/organizations/${admin.organizationId}/invitations`)
          .set(auth)
          .send({ email: 'ops@leaky.example', role: 'org_member' }),
      ),
      await failingInserts('refresh_tokens', () =>
        request(portal.url)
          .post('/auth/login')
          .send({ email: 'admin@leaky.example', password: DEMO_TEST_PASSWORD }),
      ),
    ];
    // each insert really failed (a server fault, not a refusal of the input) and was logged
    expect(failures.map((r) => r.status)).toEqual([500, 500, 500, 500, 500]);
    const errors = lines.map((l) => JSON.parse(l)).filter((e) => e.err?.sqlstate === 'XX000');
    expect(errors.length).toBeGreaterThanOrEqual(failures.length);

    for (const line of lines) {
      for (const [what, pattern] of FORBIDDEN_IN_LOGS) {
        if (pattern.test(line))
          throw new Error(`a log line holds a ${what}: ${line.slice(0, 300)}`);
      }
      for (const secret of [DEMO_TEST_PASSWORD, admin.token, invited.body.token])
        expect(line).not.toContain(secret);
    }
    // the session made before the failures still works: the failed login changed nothing
    await login(portal, 'admin@leaky.example');
  });
});
