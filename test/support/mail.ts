import type { DataSource } from 'typeorm';

/** The one-time token of the latest mail to `to` in the outbox (the test transport), or fails. */
export async function tokenMailedTo(db: DataSource, to: string): Promise<string> {
  const [mail] = await db.query(
    `SELECT body FROM mail_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1`,
    [to.toLowerCase()],
  );
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
  if (!token) throw new Error(`no mail with a token to ${to}`);
  return token;
}
