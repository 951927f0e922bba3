import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Role } from '@velvet/access';
import { hashPassword, randomToken } from '@velvet/common';
import { User, UserStatus } from '@velvet/organizations';
import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuthService } from '../auth.service';
import { SsoConnection } from '../sso/entities/sso-connection.entity';
import { SsoDomain } from '../sso/entities/sso-domain.entity';
import { emailDomain, roleFromGroups } from '../sso/sso-identity';
import { ScimGroup, ScimGroupMember, ScimUser } from './entities/scim.entities';
import {
  GROUP_SCHEMA,
  USER_SCHEMA,
  scimBoolean,
  type ScimGroupResource,
  type ScimUserResource,
} from './scim-resources';
import { ScimError } from './scim.error';

type Body = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** PATCH operations as Okta and Entra send them ("Replace", "Add"), in the form scim-patch takes. */
export function normalizeOperations(body: Body): ScimPatchOperation[] {
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > 1000)
    throw new ScimError(400, 'Operations must be a non-empty array', 'invalidSyntax');
  return ops.map((op: Body) => {
    const name = typeof op?.op === 'string' ? op.op.toLowerCase() : '';
    if (!['add', 'replace', 'remove'].includes(name))
      throw new ScimError(400, `Unknown op ${String(op?.op)}`, 'invalidSyntax');
    return { ...op, op: name } as ScimPatchOperation;
  });
}

/**
 * SCIM 2.0 Users and Groups of one organisation (the bearer token's). Users are the portal's users;
 * deactivating one disables them and ends their sessions at once. Group names map to roles through
 * the organisation's SSO group mapping.
 */
@Injectable()
export class ScimService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auth: AuthService,
  ) {}

  async listUsers(organizationId: string, base: string): Promise<ScimUserResource[]> {
    const users = await this.dataSource
      .getRepository(User)
      .find({ where: { organizationId }, order: { createdAt: 'ASC' } });
    return this.userResources(organizationId, users, base);
  }

  async getUser(organizationId: string, id: string, base: string): Promise<ScimUserResource> {
    const user = await this.findUser(this.dataSource.manager, organizationId, id);
    return (await this.userResources(organizationId, [user], base))[0];
  }

  async createUser(organizationId: string, body: Body, base: string): Promise<ScimUserResource> {
    const input = await this.userInput(organizationId, body);
    const userId = await this.dataSource.transaction(async (tx) => {
      if (await tx.getRepository(User).exists({ where: { email: input.email } })) {
        throw new ScimError(409, 'A user with this userName exists', 'uniqueness');
      }
      const connection = await tx.getRepository(SsoConnection).findOneBy({ organizationId });
      const user = await tx.getRepository(User).save(
        tx.getRepository(User).create({
          email: input.email,
          displayName: input.displayName,
          // provisioned people sign in through the IdP; nobody knows this password
          passwordHash: await hashPassword(randomToken()),
          role: connection?.defaultRole ?? Role.OrgMember,
          organizationId,
          status: input.active ? UserStatus.Active : UserStatus.Disabled,
        }),
      );
      await tx.getRepository(ScimUser).save({
        userId: user.id,
        organizationId,
        externalId: input.externalId ?? null,
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
      });
      return user.id;
    });
    return this.getUser(organizationId, userId, base);
  }

  async replaceUser(
    organizationId: string,
    id: string,
    body: Body,
    base: string,
  ): Promise<ScimUserResource> {
    await this.applyUser(organizationId, id, await this.userInput(organizationId, body));
    return this.getUser(organizationId, id, base);
  }

  async patchUser(
    organizationId: string,
    id: string,
    body: Body,
    base: string,
  ): Promise<ScimUserResource> {
    const current = await this.getUser(organizationId, id, base);
    const patched = this.patch(current, body);
    await this.applyUser(
      organizationId,
      id,
      await this.userInput(organizationId, patched as unknown as Body, current.userName),
    );
    return this.getUser(organizationId, id, base);
  }

  /** DELETE deprovisions: the account is disabled (kept for the audit trail) and its sessions end. */
  async deleteUser(organizationId: string, id: string): Promise<void> {
    const user = await this.findUser(this.dataSource.manager, organizationId, id);
    await this.dataSource
      .getRepository(User)
      .update({ id: user.id }, { status: UserStatus.Disabled });
    await this.auth.endSessionsOf(user.id);
  }

  async listGroups(organizationId: string, base: string): Promise<ScimGroupResource[]> {
    const groups = await this.dataSource
      .getRepository(ScimGroup)
      .find({ where: { organizationId }, order: { createdAt: 'ASC' } });
    return this.groupResources(groups, base);
  }

  async getGroup(organizationId: string, id: string, base: string): Promise<ScimGroupResource> {
    return (await this.groupResources([await this.findGroup(organizationId, id)], base))[0];
  }

  async createGroup(organizationId: string, body: Body, base: string): Promise<ScimGroupResource> {
    const displayName = str(body.displayName);
    if (!displayName || displayName.length > 300)
      throw new ScimError(400, 'displayName is required', 'invalidValue');
    const id = await this.dataSource.transaction(async (tx) => {
      if (await tx.getRepository(ScimGroup).exists({ where: { organizationId, displayName } })) {
        throw new ScimError(409, 'A group with this displayName exists', 'uniqueness');
      }
      const group = await tx
        .getRepository(ScimGroup)
        .save({ organizationId, displayName, externalId: str(body.externalId) ?? null });
      await this.setMembers(tx, organizationId, group.id, memberIds(body.members));
      return group.id;
    });
    return this.getGroup(organizationId, id, base);
  }

  async replaceGroup(
    organizationId: string,
    id: string,
    body: Body,
    base: string,
  ): Promise<ScimGroupResource> {
    const group = await this.findGroup(organizationId, id);
    await this.dataSource.transaction(async (tx) => {
      const displayName = str(body.displayName) ?? group.displayName;
      await tx
        .getRepository(ScimGroup)
        .update({ id }, { displayName, externalId: str(body.externalId) ?? group.externalId });
      await this.setMembers(tx, organizationId, id, memberIds(body.members));
    });
    return this.getGroup(organizationId, id, base);
  }

  async patchGroup(
    organizationId: string,
    id: string,
    body: Body,
    base: string,
  ): Promise<ScimGroupResource> {
    const current = await this.getGroup(organizationId, id, base);
    const patched = this.patch(current, body) as ScimGroupResource;
    return this.replaceGroup(organizationId, id, patched as unknown as Body, base);
  }

  async deleteGroup(organizationId: string, id: string): Promise<void> {
    await this.findGroup(organizationId, id);
    await this.dataSource.transaction(async (tx) => {
      await this.setMembers(tx, organizationId, id, []);
      await tx.getRepository(ScimGroup).delete({ id });
    });
  }

  private patch<T extends { schemas: string[]; meta: object }>(resource: T, body: Body): T {
    try {
      return scimPatch(resource as never, normalizeOperations(body), {
        mutateDocument: false,
        treatMissingAsAdd: true,
      }) as T;
    } catch (error) {
      if (error instanceof ScimError) throw error;
      throw new ScimError(
        400,
        error instanceof Error ? error.message : 'Invalid PATCH',
        'invalidValue',
      );
    }
  }

  /** Replaces a group's members and recomputes the roles of everyone who joined or left. */
  private async setMembers(
    tx: EntityManager,
    organizationId: string,
    groupId: string,
    userIds: string[],
  ): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.some((u) => !UUID.test(u)))
      throw new ScimError(400, 'members must be user ids', 'invalidValue');
    const found = unique.length
      ? await tx.getRepository(User).count({ where: { id: In(unique), organizationId } })
      : 0;
    if (found !== unique.length)
      throw new ScimError(400, 'members must be users of this organisation', 'invalidValue');
    const repo = tx.getRepository(ScimGroupMember);
    const before = (await repo.findBy({ groupId })).map((m) => m.userId);
    await repo.delete({ groupId });
    if (unique.length) await repo.insert(unique.map((userId) => ({ groupId, userId })));
    await tx.getRepository(ScimGroup).update({ id: groupId }, { updatedAt: new Date() });
    const changed = [
      ...before.filter((u) => !unique.includes(u)),
      ...unique.filter((u) => !before.includes(u)),
    ];
    const connection = await tx.getRepository(SsoConnection).findOneBy({ organizationId });
    if (!connection || changed.length === 0) return;
    for (const userId of changed) {
      const names = await tx
        .getRepository(ScimGroup)
        .createQueryBuilder('g')
        .innerJoin(ScimGroupMember, 'm', 'm.groupId = g.id')
        .where('m.userId = :userId', { userId })
        .getMany();
      const role = roleFromGroups(
        names.map((g) => g.displayName),
        connection.groupRoles,
      );
      // no mapped group: the role stays as it is (never demotes the organisation's last admin by accident)
      if (role) await tx.getRepository(User).update({ id: userId, organizationId }, { role });
    }
  }

  private async applyUser(organizationId: string, id: string, input: UserInput): Promise<void> {
    const user = await this.findUser(this.dataSource.manager, organizationId, id);
    if (
      input.email !== user.email &&
      (await this.dataSource.getRepository(User).exists({ where: { email: input.email } }))
    ) {
      throw new ScimError(409, 'A user with this userName exists', 'uniqueness');
    }
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(User).update(
        { id },
        {
          email: input.email,
          displayName: input.displayName,
          status: input.active ? UserStatus.Active : UserStatus.Disabled,
        },
      );
      await tx.getRepository(ScimUser).save({
        userId: id,
        organizationId,
        externalId: input.externalId ?? null,
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
      });
    });
    if (!input.active && user.status === UserStatus.Active) await this.auth.endSessionsOf(id);
  }

  /** userName (an address in one of the organisation's verified domains), names, active. */
  private async userInput(
    organizationId: string,
    body: Body,
    fallbackEmail?: string,
  ): Promise<UserInput> {
    const emails = Array.isArray(body.emails) ? (body.emails as Body[]) : [];
    const email = (
      str(body.userName) ??
      str(emails.find((e) => e?.primary)?.value) ??
      fallbackEmail
    )?.toLowerCase();
    const domain = email ? emailDomain(email) : null;
    if (!email || !domain || email.length > 320)
      throw new ScimError(400, 'userName must be an e-mail address', 'invalidValue');
    const claim = await this.dataSource
      .getRepository(SsoDomain)
      .findOneBy({ domain, organizationId });
    if (!claim?.verifiedAt)
      throw new ScimError(
        400,
        `${domain} is not a verified domain of this organisation`,
        'invalidValue',
      );
    const name = (body.name ?? {}) as Body;
    const givenName = str(name.givenName);
    const familyName = str(name.familyName);
    const active = scimBoolean(body.active) ?? true;
    const displayName = (
      str(body.displayName) ??
      (str(name.formatted) || [givenName, familyName].filter(Boolean).join(' ')) ??
      email.split('@')[0]
    ).slice(0, 200);
    return {
      email,
      displayName: displayName || email.split('@')[0],
      givenName,
      familyName,
      externalId: str(body.externalId),
      active,
    };
  }

  private async findUser(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<User> {
    const user = UUID.test(id)
      ? await manager.getRepository(User).findOneBy({ id, organizationId })
      : null;
    if (!user) throw new ScimError(404, 'User not found');
    return user;
  }

  private async findGroup(organizationId: string, id: string): Promise<ScimGroup> {
    const group = UUID.test(id)
      ? await this.dataSource.getRepository(ScimGroup).findOneBy({ id, organizationId })
      : null;
    if (!group) throw new ScimError(404, 'Group not found');
    return group;
  }

  private async userResources(
    organizationId: string,
    users: User[],
    base: string,
  ): Promise<ScimUserResource[]> {
    const ids = users.map((u) => u.id);
    if (ids.length === 0) return [];
    const extras = new Map(
      (
        await this.dataSource.getRepository(ScimUser).findBy({ userId: In(ids), organizationId })
      ).map((x) => [x.userId, x]),
    );
    const memberships = await this.dataSource
      .getRepository(ScimGroupMember)
      .createQueryBuilder('m')
      .innerJoin(ScimGroup, 'g', 'g.id = m.groupId')
      .select(['m.userId AS "userId"', 'g.id AS "groupId"', 'g.displayName AS "display"'])
      .where('m.userId IN (:...ids)', { ids })
      .getRawMany<{ userId: string; groupId: string; display: string }>();
    return users.map((u) => {
      const x = extras.get(u.id);
      return {
        schemas: [USER_SCHEMA],
        id: u.id,
        ...(x?.externalId ? { externalId: x.externalId } : {}),
        userName: u.email,
        name: {
          ...(x?.givenName ? { givenName: x.givenName } : {}),
          ...(x?.familyName ? { familyName: x.familyName } : {}),
        },
        displayName: u.displayName,
        emails: [{ value: u.email, primary: true, type: 'work' }],
        active: u.status === UserStatus.Active,
        groups: memberships
          .filter((m) => m.userId === u.id)
          .map((m) => ({ value: m.groupId, display: m.display })),
        meta: {
          resourceType: 'User',
          created: u.createdAt.toISOString(),
          location: `${base}/Users/${u.id}`,
        },
      };
    });
  }

  private async groupResources(groups: ScimGroup[], base: string): Promise<ScimGroupResource[]> {
    if (groups.length === 0) return [];
    const members = await this.dataSource
      .getRepository(ScimGroupMember)
      .createQueryBuilder('m')
      .innerJoin(User, 'u', 'u.id = m.userId')
      .select(['m.groupId AS "groupId"', 'u.id AS "value"', 'u.email AS "display"'])
      .where('m.groupId IN (:...ids)', { ids: groups.map((g) => g.id) })
      .getRawMany<{ groupId: string; value: string; display: string }>();
    return groups.map((g) => ({
      schemas: [GROUP_SCHEMA],
      id: g.id,
      ...(g.externalId ? { externalId: g.externalId } : {}),
      displayName: g.displayName,
      members: members
        .filter((m) => m.groupId === g.id)
        .map(({ value, display }) => ({ value, display })),
      meta: {
        resourceType: 'Group',
        created: g.createdAt.toISOString(),
        lastModified: g.updatedAt.toISOString(),
        location: `${base}/Groups/${g.id}`,
      },
    }));
  }
}

interface UserInput {
  email: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  externalId?: string;
  active: boolean;
}

function memberIds(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw new ScimError(400, 'members must be an array', 'invalidValue');
  return members.map((m: Body) => (typeof m?.value === 'string' ? m.value : ''));
}
