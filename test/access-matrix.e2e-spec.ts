/**
 * The tenant-isolation and role matrix: every role against every portal endpoint, against its
 * own organisation's objects and another's. Allowed calls succeed; refused ones answer 403/404
 * and change nothing in the database. A route that is not in this matrix, or that has no access
 * policy, fails the suite.
 */
import { Role } from '@velvet/access';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { startPortal, type RunningPortal } from './support/portal';
import { addMember, bearer, createStaff, signUp, type Session } from './support/http';
import { prepareAuditFixtures } from './support/audit-fixtures';
import { databaseFingerprint } from './support/db-fingerprint';
import { discoverRoutes } from './support/routes';
import { prepareAnalyticsFixtures } from './support/access-matrix.analytics';
import { prepareContractFixtures } from './support/access-matrix.contracts';
import { prepareDetectionFixtures } from './support/access-matrix.detection';
import { prepareScimFixtures, prepareSsoFixtures } from './support/access-matrix.sso';
import { prepareTeamsFixtures } from './support/access-matrix.teams';
import {
  MATRIX,
  PUBLIC_ROUTES,
  type Fixture,
  type OrgFixture,
} from './support/access-matrix.table';

const ROLES = [
  Role.PlatformAdmin,
  Role.AccountManager,
  Role.SecurityReviewer,
  Role.OrgAdmin,
  Role.OrgMember,
] as const;

async function orgFixture(
  portal: RunningPortal,
  name: string,
): Promise<{ org: OrgFixture; admin: Session; member: Session }> {
  const slug = name.toLowerCase();
  const admin = await signUp(portal, name, `admin@${slug}.example`);
  const orgId = admin.organizationId!;
  const member = await addMember(portal, admin, `member@${slug}.example`);
  const key = await request(portal.url)
    .post(`/organizations/${orgId}/api-keys`)
    .set(bearer(admin))
    .send({ name: 'k' })
    .expect(201);
  const invitation = await request(portal.url)
    .post(`/organizations/${orgId}/invitations`)
    .set(bearer(admin))
    .send({ email: `pending@${slug}.example`, role: Role.OrgMember })
    .expect(201);
  return {
    org: {
      orgId,
      adminUserId: admin.userId,
      memberUserId: member.userId,
      apiKeyId: key.body.id,
      invitationId: invitation.body.id,
    },
    admin,
    member,
  };
}

describe('access matrix', () => {
  let portal: RunningPortal;
  let fixture: Fixture;
  const sessions = new Map<Role, Session>();

  beforeAll(async () => {
    portal = await startPortal();
    const a = await orgFixture(portal, 'Alpha');
    const b = await orgFixture(portal, 'Bravo');
    sessions.set(Role.OrgAdmin, a.admin);
    sessions.set(Role.OrgMember, a.member);
    sessions.set(
      Role.PlatformAdmin,
      await createStaff(portal, Role.PlatformAdmin, 'pa@velvet.test'),
    );
    sessions.set(
      Role.AccountManager,
      await createStaff(portal, Role.AccountManager, 'am@velvet.test'),
    );
    sessions.set(
      Role.SecurityReviewer,
      await createStaff(portal, Role.SecurityReviewer, 'sr@velvet.test'),
    );
    fixture = { own: a.org, other: b.org, staffUserId: sessions.get(Role.AccountManager)!.userId };
    await prepareContractFixtures(portal, [a, b]);
    await prepareAuditFixtures(portal, [a.org, b.org]);
    await prepareDetectionFixtures(portal, [a.org, b.org]);
    await prepareSsoFixtures(portal, [a, b]);
    await prepareScimFixtures(portal, [a, b]);
    await prepareTeamsFixtures(portal, [a, b]);
    await prepareAnalyticsFixtures(portal, [a, b]);
  });
  afterAll(() => portal.close());

  it('gives every route an access policy and a row in this matrix', () => {
    const routes = discoverRoutes(portal.app);
    expect(routes.length).toBeGreaterThan(PUBLIC_ROUTES.length + 10);
    expect(routes.filter((r) => r.access === 'none').map((r) => r.route)).toEqual([]);
    const publicRoutes = routes
      .filter((r) => r.access === 'public')
      .map((r) => r.route)
      .sort();
    expect(publicRoutes).toEqual([...PUBLIC_ROUTES].sort());
    const covered = new Set(MATRIX.map((row) => row.route));
    const missing = routes
      .filter((r) => r.access !== 'public' && !covered.has(r.route))
      .map((r) => r.route);
    expect(missing).toEqual([]);
  });

  it('refuses every guarded route to anonymous callers with 401', async () => {
    for (const row of MATRIX) {
      const res = await send(
        row.route,
        row.path(fixture.own, fixture),
        undefined,
        row.body?.(fixture.own, fixture),
      );
      expect({ route: row.route, status: res.status }).toEqual({ route: row.route, status: 401 });
    }
  });

  for (const role of ROLES) {
    it(`enforces the matrix for ${role}`, async () => {
      const dataSource = portal.app.get(DataSource);
      for (const row of MATRIX) {
        const grant = row.allow[role] ?? 'none';
        for (const side of ['own', 'other'] as const) {
          const target = fixture[side];
          const allowed = grant === 'all' || (grant === 'own' && side === 'own');
          const before = allowed ? '' : await databaseFingerprint(dataSource);
          const res = await send(
            row.route,
            row.path(target, fixture),
            sessions.get(role),
            row.body?.(target, fixture),
          );
          const verdict =
            res.status >= 200 && res.status < 300
              ? 'allowed'
              : [403, 404].includes(res.status)
                ? 'denied'
                : `answered ${res.status}`;
          const case_ = { role, route: row.name ?? row.route, side };
          expect({ ...case_, verdict }).toEqual({
            ...case_,
            verdict: allowed ? 'allowed' : 'denied',
          });
          if (!allowed) expect(await databaseFingerprint(dataSource)).toBe(before);
        }
      }
    });
  }

  function send(route: string, path: string, session: Session | undefined, body?: object) {
    const method = route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    let req = request(portal.url)[method](path);
    if (session) req = req.set(bearer(session));
    return body ? req.send(body) : req;
  }
});
