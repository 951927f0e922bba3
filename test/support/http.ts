import { Role } from '@velvet/access';
import { StaffService } from '@velvet/organizations';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { tokenMailedTo } from './mail';
import type { RunningPortal } from './portal';

export const DEMO_TEST_PASSWORD = 'correct-horse-battery-staple';

export interface Session {
  token: string;
  userId: string;
  organizationId: string | null;
}

export async function login(
  portal: RunningPortal,
  email: string,
  password = DEMO_TEST_PASSWORD,
): Promise<Session> {
  const res = await request(portal.url).post('/auth/login').send({ email, password }).expect(200);
  return {
    token: res.body.accessToken,
    userId: res.body.user.id,
    organizationId: res.body.user.organizationId,
  };
}

/** Signs up an organisation and confirms its address from the mailed link (unless `confirm` is false). */
export async function signUp(
  portal: RunningPortal,
  organizationName: string,
  email: string,
  confirm = true,
): Promise<Session> {
  const res = await request(portal.url)
    .post('/auth/signup')
    .send({
      organizationName,
      email,
      password: DEMO_TEST_PASSWORD,
      displayName: `${organizationName} Admin`,
    })
    .expect(201);
  if (confirm) {
    const token = await tokenMailedTo(portal.app.get(DataSource), email);
    await request(portal.url).post('/auth/verify-email').send({ token }).expect(200);
  }
  return {
    token: res.body.accessToken,
    userId: res.body.user.id,
    organizationId: res.body.organization.id,
  };
}

export const bearer = (session: Session) => ({ Authorization: `Bearer ${session.token}` });

/** Provider staff are made by the bootstrap command or a platform admin; tests use the service directly. */
export async function createStaff(
  portal: RunningPortal,
  role: Role,
  email: string,
): Promise<Session> {
  await portal.app
    .get(StaffService)
    .create({ email, displayName: role, password: DEMO_TEST_PASSWORD, role });
  return login(portal, email);
}

/** Invites `email` to the admin's organisation as a member, accepts, and logs the member in. */
export async function addMember(
  portal: RunningPortal,
  admin: Session,
  email: string,
): Promise<Session> {
  await request(portal.url)
    .post(`/organizations/${admin.organizationId}/invitations`)
    .set(bearer(admin))
    .send({ email, role: Role.OrgMember })
    .expect(201);
  const token = await tokenMailedTo(portal.app.get(DataSource), email);
  await request(portal.url)
    .post('/auth/invitations/accept')
    .send({ token, displayName: 'Member', password: DEMO_TEST_PASSWORD })
    .expect(201);
  return login(portal, email);
}
