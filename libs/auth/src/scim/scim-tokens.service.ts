import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Action, assertCan, type AppAbility } from '@velvet/access';
import { DomainErrorKind, DomainException, randomToken, sha256Hex } from '@velvet/common';
import { DataSource, IsNull } from 'typeorm';
import { ScimToken } from './entities/scim.entities';
import { ScimError } from './scim.error';

const TOKEN_PREFIX = 'vrscim_';

/** The org admin's SCIM bearer tokens; the SCIM endpoints take one and act for its organisation only. */
@Injectable()
export class ScimTokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(ability: AppAbility, organizationId: string, name: string, actorUserId: string) {
    this.check(ability, Action.Create, organizationId);
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    const repo = this.dataSource.getRepository(ScimToken);
    const row = await repo.save(
      repo.create({ organizationId, name, tokenHash: sha256Hex(token), createdBy: actorUserId }),
    );
    // the token is shown once; only its hash is kept
    return { id: row.id, name: row.name, createdAt: row.createdAt, token };
  }

  async list(ability: AppAbility, organizationId: string) {
    this.check(ability, Action.Read, organizationId);
    return this.dataSource
      .getRepository(ScimToken)
      .find({ where: { organizationId }, order: { createdAt: 'DESC' } });
  }

  async revoke(ability: AppAbility, organizationId: string, id: string): Promise<void> {
    this.check(ability, Action.Delete, organizationId);
    await this.dataSource
      .getRepository(ScimToken)
      .update({ id, organizationId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** The organisation a bearer token acts for. */
  async organizationOf(bearer: string | undefined): Promise<string> {
    if (!bearer?.startsWith(TOKEN_PREFIX) || bearer.length > 200)
      throw new ScimError(401, 'A valid SCIM bearer token is required');
    const row = await this.dataSource.getRepository(ScimToken).findOne({
      where: { tokenHash: sha256Hex(bearer), revokedAt: IsNull() },
      select: { organizationId: true },
    });
    if (!row) throw new ScimError(401, 'A valid SCIM bearer token is required');
    return row.organizationId;
  }

  private check(ability: AppAbility, action: Action, organizationId: string) {
    try {
      assertCan(ability, action, 'ScimToken', { organizationId });
    } catch {
      throw new DomainException(DomainErrorKind.NotFound, 'not_found', 'Organisation not found');
    }
  }
}
