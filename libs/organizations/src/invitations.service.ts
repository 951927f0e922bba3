import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan } from '@velvet/access';
import { NotFoundError, randomToken, sha256Hex } from '@velvet/common';
import { DataSource, type EntityManager, IsNull, MoreThan } from 'typeorm';
import { Invitation } from './entities/invitation.entity';
import { Mailer } from './mail/mailer';
import { OrganizationsService } from './organizations.service';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Pending invitations of an organisation: listed, resent (a new link; the old one stops working),
 * revoked (expires now). The token is mailed to the invitee only, never stored nor shown.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly mailer: Mailer,
  ) {}

  async pending(ability: AppAbility, organizationId: string): Promise<Invitation[]> {
    await this.organizations.get(ability, organizationId);
    assertCan(ability, Action.Read, 'Invitation', { organizationId });
    return this.dataSource.getRepository(Invitation).find({
      where: { organizationId, acceptedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'ASC' },
    });
  }

  async resend(ability: AppAbility, organizationId: string, id: string): Promise<Invitation> {
    assertCan(ability, Action.Create, 'Invitation', { organizationId });
    const organization = await this.organizations.get(ability, organizationId);
    return this.dataSource.transaction(async (tx) => {
      const invitation = await this.findPending(tx, organizationId, id);
      return this.issue(tx, invitation, organization.name);
    });
  }

  async revoke(ability: AppAbility, organizationId: string, id: string): Promise<void> {
    await this.organizations.get(ability, organizationId);
    assertCan(ability, Action.Delete, 'Invitation', { organizationId });
    await this.dataSource.transaction(async (tx) => {
      const invitation = await this.findPending(tx, organizationId, id);
      invitation.expiresAt = new Date();
      await tx.save(invitation);
    });
  }

  /** A fresh token and expiry on the invitation, mailed in the same transaction. */
  async issue(
    tx: EntityManager,
    invitation: Invitation,
    organizationName: string,
  ): Promise<Invitation> {
    const token = randomToken();
    invitation.tokenHash = sha256Hex(token);
    invitation.expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    const saved = await tx.save(invitation);
    await this.mailer.send(
      {
        to: invitation.email,
        subject: `You are invited to ${organizationName} on Velvet Rope`,
        body: `Accept the invitation (valid for 7 days): /app/accept?token=${token}\n`,
      },
      tx,
    );
    return saved;
  }

  /** The pending invitation to this address, if any (re-inviting resends it instead of adding one). */
  findPendingFor(
    tx: EntityManager,
    organizationId: string,
    email: string,
  ): Promise<Invitation | null> {
    return tx.findOne(Invitation, {
      where: { organizationId, email, acceptedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async findPending(
    tx: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<Invitation> {
    const found = await tx.findOne(Invitation, {
      where: { id, organizationId, acceptedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!found) throw new NotFoundError('Invitation');
    return found;
  }
}
