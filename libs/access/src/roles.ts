export enum Role {
  OrgAdmin = 'org_admin',
  OrgMember = 'org_member',
  AccountManager = 'account_manager',
  SecurityReviewer = 'security_reviewer',
  PlatformAdmin = 'platform_admin',
}

export const CUSTOMER_ROLES: readonly Role[] = [Role.OrgAdmin, Role.OrgMember];
export const STAFF_ROLES: readonly Role[] = [
  Role.AccountManager,
  Role.SecurityReviewer,
  Role.PlatformAdmin,
];

export const isStaffRole = (role: Role): boolean => STAFF_ROLES.includes(role);
