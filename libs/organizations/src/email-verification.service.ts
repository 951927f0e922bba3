import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomToken, sha256Hex } from '@velvet/common';
import type { DataSource, EntityManager } from 'typeorm';
import { Mailer } from './mail/mailer';
import { OrganizationException } from './organizations.exception';

const VERIFICATION_TTL_MS = 3 * 24 * 3600 * 1000;

/**
 * The sign-up address is confirmed by a one-time link mailed to it; until then the organisation
 * makes no API keys (a throwaway sign-up cannot reach the gateway).
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
  ) {}

  /** Mails a fresh link to `email` (inside the caller's transaction). */
  async start(
    em: EntityManager,
    user: { id: string; email: string },
    organizationId: string,
  ): Promise<void> {
    const token = randomToken();
    await em.query(
      `INSERT INTO email_verifications (token_hash, user_id, organization_id, expires_at) VALUES ($1, $2, $3, $4)`,
      [sha256Hex(token), user.id, organizationId, new Date(Date.now() + VERIFICATION_TTL_MS)],
    );
    await this.mailer.send(
      {
        to: user.email,
        subject: 'Confirm your address for Velvet Rope',
        body: `Confirm this address to start using API keys: /app/verify-email?token=${token}\n`,
      },
      em,
    );
  }

  /** Mails a new link to an organisation admin whose organisation is not yet confirmed. */
  async resend(userId: string, organizationId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const [row] = await em.query(
        `SELECT u.email FROM users u JOIN organizations o ON o.id = u.organization_id
          WHERE u.id = $1 AND o.id = $2 AND o.email_verified_at IS NULL`,
        [userId, organizationId],
      );
      if (row) await this.start(em, { id: userId, email: row.email }, organizationId);
    });
  }

  /** Uses the token once; the organisation is confirmed from then on. */
  async confirm(token: string): Promise<{ organizationId: string }> {
    return this.dataSource.transaction(async (em) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, count]
      const [[row]] = await em.query(
        `UPDATE email_verifications SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING organization_id`,
        [sha256Hex(token)],
      );
      if (!row) throw OrganizationException.verificationInvalid();
      await em.query(
        `UPDATE organizations SET email_verified_at = now() WHERE id = $1 AND email_verified_at IS NULL`,
        [row.organization_id],
      );
      return { organizationId: row.organization_id as string };
    });
  }

  async assertVerified(organizationId: string): Promise<void> {
    const [row] = await this.dataSource.query(
      `SELECT email_verified_at FROM organizations WHERE id = $1`,
      [organizationId],
    );
    if (row && !row.email_verified_at) throw OrganizationException.emailUnverified();
  }
}
