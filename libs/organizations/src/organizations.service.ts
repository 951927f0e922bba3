import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan, Role, scopedWhere } from '@velvet/access';
import { hashPassword, NotFoundError, type Page } from '@velvet/common';
import { DataSource, Repository } from 'typeorm';
import { EmailVerificationService } from './email-verification.service';
import { Organization, OrganizationStatus } from './entities/organization.entity';
import { User } from './entities/user.entity';
import { OrganizationException } from './organizations.exception';

export interface SignUpInput {
  organizationName: string;
  adminEmail: string;
  adminPassword: string;
  adminName: string;
}

export interface OrganizationChanges {
  name?: string;
  verified?: boolean;
  status?: OrganizationStatus;
  corsAllowedOrigins?: string[];
}

const UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (error: unknown): boolean =>
  (error as { driverError?: { code?: string } })?.driverError?.code === UNIQUE_VIOLATION;

export const slugify = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'org';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly verification: EmailVerificationService,
  ) {}

  /** Sign-up: the organisation, its first admin and the mail confirming the address, together or not at all. */
  async signUp(input: SignUpInput): Promise<{ organization: Organization; admin: User }> {
    const passwordHash = await hashPassword(input.adminPassword);
    try {
      return await this.dataSource.transaction(async (tx) => {
        const base = slugify(input.organizationName);
        const taken = await tx.count(Organization, { where: { slug: base } });
        const slug = taken ? `${base}-${Date.now().toString(36)}` : base;
        const organization = await tx.save(
          tx.create(Organization, { name: input.organizationName, slug }),
        );
        const admin = await tx.save(
          tx.create(User, {
            email: input.adminEmail.toLowerCase(),
            displayName: input.adminName,
            passwordHash,
            role: Role.OrgAdmin,
            organizationId: organization.id,
          }),
        );
        await this.verification.start(tx, admin, organization.id);
        return { organization, admin };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw OrganizationException.emailTaken();
      throw error;
    }
  }

  async list(ability: AppAbility, limit: number, offset: number): Promise<Page<Organization>> {
    const where = scopedWhere<Organization>(ability, Action.Read, 'Organization');
    if (!where) return { items: [], total: 0, limit, offset };
    const [items, total] = await this.organizations.findAndCount({
      where,
      order: { createdAt: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }

  async get(ability: AppAbility, id: string): Promise<Organization> {
    const where = scopedWhere<Organization>(ability, Action.Read, 'Organization', { id });
    const organization = where && (await this.organizations.findOne({ where }));
    if (!organization) throw new NotFoundError('Organization');
    return organization;
  }

  async update(
    ability: AppAbility,
    id: string,
    changes: OrganizationChanges,
  ): Promise<Organization> {
    const organization = await this.get(ability, id);
    for (const field of Object.keys(changes) as (keyof OrganizationChanges)[]) {
      if (changes[field] === undefined) continue;
      assertCan(ability, Action.Update, 'Organization', organization, field);
    }
    Object.assign(organization, changes);
    return this.organizations.save(organization);
  }
}
