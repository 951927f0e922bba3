import { getDataSourceToken } from '@nestjs/typeorm';
import { BudgetAlertScanner } from '@velvet/teams';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { bearer, type Session, signUp } from './support/http';
import { type RunningPortal, startPortal } from './support/portal';

interface Mail {
  to: string[];
  raw: string;
}
interface Hook {
  status: number;
  body: string;
  signature: string;
}

const until = async (check: () => Promise<boolean> | boolean) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
};

/**
 * Budget alerts at 50/80/100 % of each cap: e-mail to the org's admins through a real SMTP server
 * started here, and a signed webhook that fails twice before it accepts (retried with backoff by
 * BullMQ); each threshold once per month, however often the scan runs.
 */
describe('budget alerts', () => {
  let portal: RunningPortal;
  let db: DataSource;
  let smtp: SMTPServer;
  let hookServer: Server;
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  let hookFailures = 2;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const status = hookFailures-- > 0 ? 500 : 204;
        hooks.push({ status, body, signature: String(req.headers['velvet-signature']) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    portal = await startPortal({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      BUDGET_ALERT_SCAN_MS: '3600000',
      BUDGET_ALERT_RETRY_MS: '50',
    });
    db = portal.app.get<DataSource>(getDataSourceToken());
    await seedCatalog(db);
  });
  afterAll(async () => {
    await portal?.close();
    await new Promise<void>((r) => smtp?.close(() => r()));
    await new Promise((r) => hookServer?.close(r));
  });

  const spend = async (admin: Session, apiKeyId: string, micros: number) => {
    const [model] = (await db.query(`SELECT id FROM models WHERE slug = 'velvet-lite-1'`)) as {
      id: string;
    }[];
    await db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
         cost_micros, currency, latency_ms, status, occurred_at)
       VALUES ($1, $2, $3, $4, 'standard', 1, 1, $5, 'USD', 1, 'succeeded', now())`,
      [randomUUID(), admin.organizationId, apiKeyId, model.id, micros],
    );
  };

  it('sends each threshold once, by e-mail to the admins and by a signed webhook retried until accepted', async () => {
    const address = `budget-${Date.now()}@example.com`;
    const admin = await signUp(portal, 'Budgets', address);
    const org = `/organizations/${admin.organizationId}`;
    const key = (
      await request(portal.url).post(`${org}/api-keys`).set(bearer(admin)).send({ name: 'k' })
    ).body as { id: string };
    await request(portal.url)
      .put(`${org}/limits/organization`)
      .set(bearer(admin))
      .send({ spendCapMicros: '1000' })
      .expect(200);
    await request(portal.url)
      .put(`${org}/limits/api-keys/${key.id}`)
      .set(bearer(admin))
      .send({ spendCapMicros: '100' })
      .expect(200);
    await request(portal.url)
      .put(`${org}/budget-alerts/webhook`)
      .set(bearer(admin))
      .send({ url: 'file:///etc/passwd' })
      .expect(422);
    await request(portal.url)
      .put(`${org}/budget-alerts/webhook`)
      .set(bearer(admin))
      .send({ url: 'https://hooks.example/\u0000x' })
      .expect(400);
    const webhook = await request(portal.url)
      .put(`${org}/budget-alerts/webhook`)
      .set(bearer(admin))
      .send({ url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook` })
      .expect(200);
    const secret = webhook.body.webhookSecret as string;
    expect(secret).toMatch(/^whsec_/);
    const shown = await request(portal.url).get(`${org}/budget-alerts`).set(bearer(admin));
    expect(shown.body).toMatchObject({ webhookSecretSet: true });
    expect(JSON.stringify(shown.body)).not.toContain(secret);

    const scanner = portal.app.get(BudgetAlertScanner);
    await spend(admin, key.id, 600);
    // the organisation at 60 % (50), the key at 600 % (50, 80, 100)
    expect(await scanner.scan()).toBe(4);
    // scans running at once, or again, record nothing new
    expect(await Promise.all([scanner.scan(), scanner.scan()])).toEqual([0, 0]);
    await spend(admin, key.id, 300);
    expect(await scanner.scan()).toBe(1);

    const alerts = async () =>
      (await db.query(
        `SELECT id, scope, threshold, emailed_at, webhook_delivered_at FROM budget_alerts WHERE organization_id = $1`,
        [admin.organizationId],
      )) as {
        id: string;
        scope: string;
        threshold: number;
        emailed_at: Date | null;
        webhook_delivered_at: Date | null;
      }[];
    await until(async () => (await alerts()).every((a) => a.emailed_at && a.webhook_delivered_at));
    const rows = await alerts();
    expect(rows.map((a) => `${a.scope}:${a.threshold}`).sort()).toEqual([
      'api_key:100',
      'api_key:50',
      'api_key:80',
      'organization:50',
      'organization:80',
    ]);
    const toAdmin = mails.filter((m) => m.to.includes(address) && m.raw.includes('Budget alert'));
    expect(toAdmin).toHaveLength(5);
    expect(
      toAdmin.some((m) =>
        /Subject: Budget alert: 80% of the monthly cap of the organisation/.test(m.raw),
      ),
    ).toBe(true);

    // two refusals, then each alert accepted exactly once, every body signed with the secret
    const accepted = hooks.filter((h) => h.status === 204);
    expect(hooks.filter((h) => h.status === 500)).toHaveLength(2);
    expect(accepted.map((h) => JSON.parse(h.body).id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const h of hooks) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(h.signature)!;
      expect(createHmac('sha256', secret).update(`${t}.${h.body}`).digest('hex')).toBe(v1);
    }
    const event = JSON.parse(accepted[0].body);
    expect(event).toMatchObject({
      type: 'budget.threshold_reached',
      organizationId: admin.organizationId,
    });
  });
});
