import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isStaffRole, Role } from '@velvet/access';
import { AdminActivityLog, hashPassword, NotFoundError } from '@velvet/common';
import { IsNull, Repository } from 'typeorm';
import { User, UserStatus } from './entities/user.entity';
import { isUniqueViolation } from './organizations.service';
import { OrganizationException } from './organizations.exception';

export interface NewStaff {
  email: string;
  displayName: string;
  password: string;
  role: Role;
}

/** Provider staff: account managers, security reviewers, platform admins. No organisation. */
@Injectable()
export class StaffService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    /** Absent only in CLI scripts (bootstrap, seed) without the audit pipeline. */
    @Optional() private readonly activity?: AdminActivityLog,
  ) {}

  async create(input: NewStaff, actorUserId: string | null = null): Promise<User> {
    if (!isStaffRole(input.role)) throw OrganizationException.roleNotAllowed(input.role);
    try {
      const passwordHash = await hashPassword(input.password);
      return await this.users.manager.transaction(async (tx) => {
        const staff = await tx.save(
          this.users.create({
            email: input.email.toLowerCase(),
            displayName: input.displayName,
            passwordHash,
            role: input.role,
            organizationId: null,
          }),
        );
        await this.activity?.record({
          actorUserId,
          organizationId: null,
          action: 'staff.created',
          subjectType: 'Staff',
          subjectId: staff.id,
          details: { role: staff.role },
        });
        return staff;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw OrganizationException.emailTaken();
      throw error;
    }
  }

  list(): Promise<User[]> {
    return this.users.find({ where: { organizationId: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async update(
    id: string,
    changes: { role?: Role; status?: UserStatus },
    actorUserId: string | null = null,
  ): Promise<User> {
    const staff = await this.users.findOne({ where: { id, organizationId: IsNull() } });
    if (!staff) throw new NotFoundError('Staff member');
    if (changes.role && !isStaffRole(changes.role))
      throw OrganizationException.roleNotAllowed(changes.role);
    const before = { role: staff.role, status: staff.status };
    Object.assign(staff, changes);
    return this.users.manager.transaction(async (tx) => {
      // Lock the active platform admins before changing anyone, so two concurrent demotions
      // queue up (rather than deadlock) and the second sees the first.
      const admins = await tx.find(User, {
        where: { organizationId: IsNull(), role: Role.PlatformAdmin, status: UserStatus.Active },
        lock: { mode: 'pessimistic_write' },
      });
      const stillAdmin = staff.role === Role.PlatformAdmin && staff.status === UserStatus.Active;
      if (admins.filter((a) => a.id !== staff.id).length === 0 && !stillAdmin)
        throw OrganizationException.lastPlatformAdmin();
      const saved = await tx.save(staff);
      if (before.role !== saved.role || before.status !== saved.status) {
        await this.activity?.record({
          actorUserId,
          organizationId: null,
          action: before.role !== saved.role ? 'staff.role_changed' : 'staff.status_changed',
          subjectType: 'Staff',
          subjectId: saved.id,
          details: { from: before, to: { role: saved.role, status: saved.status } },
        });
      }
      return saved;
    });
  }
}
