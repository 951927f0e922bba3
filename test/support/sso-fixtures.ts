import { Role } from '@velvet/access';
import request from 'supertest';
import { bearer, createStaff, signUp, type Session } from './http';
import type { RunningPortal } from './portal';

export interface SsoOrg {
  admin: Session;
  slug: string;
}

/** An organisation whose admin claimed `domains`, verified by an account manager. */
export async function ssoOrg(
  portal: RunningPortal,
  name: string,
  domains: string[],
  accountManager: Session,
): Promise<SsoOrg> {
  const slug = name.toLowerCase();
  const admin = await signUp(portal, name, `admin@${slug}-signup.example`);
  for (const domain of domains) {
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/sso/domains`)
      .set(bearer(admin))
      .send({ domain })
      .expect(201);
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/sso/domains/${domain}/verify`)
      .set(bearer(accountManager))
      .expect(200);
  }
  return { admin, slug };
}

export const accountManager = (portal: RunningPortal, email = 'am@velvet.test') =>
  createStaff(portal, Role.AccountManager, email);

/** The portal's answer to the IdP's redirect: its refresh cookie, restored into a session like the web portal does. */
export async function sessionFromCallback(portal: RunningPortal, res: request.Response) {
  const cookie = (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) =>
    c.startsWith('vr_refresh='),
  );
  if (!cookie) throw new Error(`no refresh cookie: ${res.status} ${JSON.stringify(res.body)}`);
  const refreshed = await request(portal.url)
    .post('/auth/refresh')
    .set('Cookie', cookie.split(';')[0])
    .send({})
    .expect(200);
  const me = await request(portal.url)
    .get('/auth/me')
    .set('Authorization', `Bearer ${refreshed.body.accessToken}`)
    .expect(200);
  return me.body as { user: { id: string; email: string; role: Role; organizationId: string } };
}
