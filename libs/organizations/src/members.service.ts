import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  Action,
  type AppAbility,
  assertCan,
  CUSTOMER_ROLES,
  type Role,
  Role as Roles,
  scopedWhere,
  type UserPrincipal,
} from '@velvet/access';
import { AdminActivityLog, hashPassword, NotFoundError, sha256Hex } from '@velvet/common';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { Invitation } from './entities/invitation.entity';
import { User, UserStatus } from './entities/user.entity';
import { InvitationsService } from './invitations.service';
import { OrganizationsService, isUniqueViolation } from './organizations.service';
import { OrganizationException } from './organizations.exception';

export interface MemberChanges {
  role?: Role;
  status?: UserStatus;
}

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly organizations: OrganizationsService,
    private readonly invitations: InvitationsService,
    /** Absent only in CLI scripts without the audit pipeline. */
    @Optional() private readonly activity?: AdminActivityLog,
  ) {}

  async findActive(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id, status: UserStatus.Active } });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async list(ability: AppAbility, organizationId: string): Promise<User[]> {
    await this.organizations.get(ability, organizationId);
    const where = scopedWhere<User>(ability, Action.Read, 'User', { organizationId });
    if (!where) return [];
    return this.users.find({ where, order: { createdAt: 'ASC' } });
  }

  /**
   * Mails the invitee a one-time link; the token is never stored nor shown to the inviter. Any
   * address is invited alike, whether or not it has an account somewhere (telling would let any
   * admin enumerate every customer's users); a taken address is refused at acceptance, to the
   * address's owner only.
   */
  async invite(
    ability: AppAbility,
    principal: UserPrincipal,
    organizationId: string,
    email: string,
    role: Role,
  ): Promise<Invitation> {
    const organization = await this.organizations.get(ability, organizationId);
    if (!CUSTOMER_ROLES.includes(role)) throw OrganizationException.roleNotAllowed(role);
    assertCan(ability, Action.Create, 'Invitation', { organizationId });
    const normalized = email.toLowerCase();
    return this.dataSource.transaction(async (tx) => {
      // inviting an address again resends its pending invitation (one link per address, the old one dies)
      const invitation =
        (await this.invitations.findPendingFor(tx, organizationId, normalized)) ??
        tx.create(Invitation, {
          organizationId,
          email: normalized,
          role,
          invitedBy: principal.userId,
        });
      invitation.role = role;
      invitation.invitedBy = principal.userId;
      return this.invitations.issue(tx, invitation, organization.name);
    });
  }

  /** The invitee sets a password; the invitation is consumed in the same transaction. */
  async acceptInvitation(token: string, displayName: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    try {
      return await this.dataSource.transaction(async (tx) => {
        const invitation = await tx.findOne(Invitation, {
          where: {
            tokenHash: sha256Hex(token),
            acceptedAt: IsNull(),
            expiresAt: MoreThan(new Date()),
          },
          lock: { mode: 'pessimistic_write' },
        });
        if (!invitation) throw OrganizationException.invitationInvalid();
        invitation.acceptedAt = new Date();
        await tx.save(invitation);
        return tx.save(
          tx.create(User, {
            email: invitation.email,
            displayName,
            passwordHash,
            role: invitation.role,
            organizationId: invitation.organizationId,
          }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw OrganizationException.emailTaken();
      throw error;
    }
  }

  async update(
    ability: AppAbility,
    organizationId: string,
    userId: string,
    changes: MemberChanges,
    actorUserId: string | null = null,
  ): Promise<User> {
    const where = scopedWhere<User>(ability, Action.Read, 'User', { organizationId, id: userId });
    const member = where && (await this.users.findOne({ where }));
    if (!member) throw new NotFoundError('Member');
    assertCan(ability, Action.Update, 'User', member);
    if (changes.role && !CUSTOMER_ROLES.includes(changes.role))
      throw OrganizationException.roleNotAllowed(changes.role);
    const before = { role: member.role, status: member.status };
    return this.dataSource.transaction(async (tx) => {
      Object.assign(member, changes);
      await tx.save(member);
      // Lock the admins so two concurrent demotions cannot both pass the check.
      const admins = await tx.find(User, {
        where: { organizationId, role: Roles.OrgAdmin, status: UserStatus.Active },
        lock: { mode: 'pessimistic_write' },
      });
      if (admins.length === 0) throw OrganizationException.lastAdmin();
      // Recorded inside the transaction: a change the audit log refused is rolled back.
      if (before.role !== member.role || before.status !== member.status) {
        await this.activity?.record({
          actorUserId,
          organizationId,
          action: before.role !== member.role ? 'member.role_changed' : 'member.status_changed',
          subjectType: 'User',
          subjectId: member.id,
          details: { from: before, to: { role: member.role, status: member.status } },
        });
      }
      return member;
    });
  }
}
