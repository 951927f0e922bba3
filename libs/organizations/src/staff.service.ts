import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isStaffRole, type Role } from '@velvet/access';
import { hashPassword, NotFoundError } from '@velvet/common';
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
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async create(input: NewStaff): Promise<User> {
    if (!isStaffRole(input.role)) throw OrganizationException.roleNotAllowed(input.role);
    try {
      return await this.users.save(
        this.users.create({
          email: input.email.toLowerCase(),
          displayName: input.displayName,
          passwordHash: await hashPassword(input.password),
          role: input.role,
          organizationId: null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw OrganizationException.emailTaken();
      throw error;
    }
  }

  list(): Promise<User[]> {
    return this.users.find({ where: { organizationId: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async update(id: string, changes: { role?: Role; status?: UserStatus }): Promise<User> {
    const staff = await this.users.findOne({ where: { id, organizationId: IsNull() } });
    if (!staff) throw new NotFoundError('Staff member');
    if (changes.role && !isStaffRole(changes.role)) throw OrganizationException.roleNotAllowed(changes.role);
    Object.assign(staff, changes);
    return this.users.save(staff);
  }
}
