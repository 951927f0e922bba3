export { EmailVerificationService } from './email-verification.service';
export { Invitation } from './entities/invitation.entity';
export { Organization, OrganizationStatus } from './entities/organization.entity';
export { User, UserStatus } from './entities/user.entity';
export { InvitationsService } from './invitations.service';
export { MembersService } from './members.service';
export { ORGANIZATION_ENTITIES, OrganizationsModule } from './organizations.module';
export { OrganizationsService } from './organizations.service';
export {
  activeAdminEmails,
  lockOrganization,
  organizationBySlug,
  ORGANIZATIONS_RELATION,
  organizationDirectory,
  organizationIds,
  organizationNames,
  USERS_RELATION,
} from './queries/organization-directory.query';
export { organizationStanding } from './queries/organization-standing.query';
export { StaffService } from './staff.service';
