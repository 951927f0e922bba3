import type { INestApplicationContext } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import { Organization, OrganizationsService, StaffService, User } from '@velvet/organizations';
import type { Repository } from 'typeorm';
import { DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_STAFF } from './demo-accounts';

/** Staff and two customer organisations with their admins; skips whatever exists already. */
export async function seedIdentities(app: INestApplicationContext): Promise<Organization[]> {
  const users = app.get<Repository<User>>(getRepositoryToken(User));
  const organizations = app.get<Repository<Organization>>(getRepositoryToken(Organization));
  const staff = app.get(StaffService);
  for (const person of DEMO_STAFF) {
    if (!(await users.exists({ where: { email: person.email } }))) {
      await staff.create({ ...person, password: DEMO_PASSWORD });
    }
  }
  const seeded: Organization[] = [];
  for (const org of DEMO_ORGANIZATIONS) {
    const admin = await users.findOne({ where: { email: org.adminEmail } });
    if (admin?.organizationId) {
      seeded.push(await organizations.findOneByOrFail({ id: admin.organizationId }));
      continue;
    }
    const { organization } = await app.get(OrganizationsService).signUp({
      organizationName: org.name,
      adminEmail: org.adminEmail,
      adminPassword: DEMO_PASSWORD,
      adminName: org.adminName,
    });
    organization.verified = org.verified;
    // the demo's addresses are not real mailboxes: count them as confirmed
    organization.emailVerifiedAt = new Date();
    seeded.push(await organizations.save(organization));
  }
  return seeded;
}
