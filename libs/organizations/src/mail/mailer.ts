import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

/**
 * How mail leaves. The one transport so far is the outbox table (development, tests, and a relay
 * that drains it); never the log, since mails carry one-time tokens and addresses. Sent in the
 * caller's transaction when given one, so a mail exists exactly when what it announces does.
 */
@Injectable()
export class Mailer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async send(mail: Mail, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.query(`INSERT INTO mail_outbox (to_address, subject, body) VALUES ($1, $2, $3)`, [
      mail.to.toLowerCase(),
      mail.subject,
      mail.body,
    ]);
  }
}
