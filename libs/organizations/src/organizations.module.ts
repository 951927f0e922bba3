import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Invitation } from './entities/invitation.entity';
import { Organization } from './entities/organization.entity';
import { User } from './entities/user.entity';
import { EmailVerificationService } from './email-verification.service';
import { Mailer } from './mail/mailer';
import { InvitationsService } from './invitations.service';
import { MembersService } from './members.service';
import { OrganizationsService } from './organizations.service';
import { StaffService } from './staff.service';

export const ORGANIZATION_ENTITIES = [Organization, User, Invitation];

@Module({
  imports: [TypeOrmModule.forFeature(ORGANIZATION_ENTITIES)],
  providers: [
    OrganizationsService,
    MembersService,
    InvitationsService,
    StaffService,
    Mailer,
    EmailVerificationService,
  ],
  exports: [
    OrganizationsService,
    MembersService,
    InvitationsService,
    StaffService,
    Mailer,
    EmailVerificationService,
  ],
})
export class OrganizationsModule {}
