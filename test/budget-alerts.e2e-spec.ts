import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { getDataSourceToken } from '@nestjs/typeorm';
import { QueueName } from '@velvet/queue';
import { BudgetAlertScanner, WebhookTargets } from '@velvet/teams';
import type { Queue } from 'bullmq';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { bearer, type Session, signUp } from './support/http';
import { startBudgetAlertsWorker } from './support/budget-alerts-worker';
import { type RunningPortal, startPortal } from './support/portal';
import { loadWorkerEnv } from '../apps/worker/src/env';
import { loadPortalEnv } from '../apps/portal-api/src/env';

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
 * BullMQ); each threshold once per month, however often the scan runs. The scan and deliveries run
 * in the worker (a context built from apps/worker's env schema), the settings in the portal.
 * Webhook targets on loopback, private or link-local addresses are refused unless allowed.
 */
describe('budget alerts', () => {
  let portal: RunningPortal;
  let worker: INestApplicationContext;
  let smtpPort: number;
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
    smtpPort = (smtp.server.address() as AddressInfo).port;
    // the sink is on loopback: the explicit allow setting of tests and development
    portal = await startPortal({ BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    worker = await startBudgetAlertsWorker(portal.env, {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      BUDGET_ALERT_SCAN_MS: '3600000',
      BUDGET_ALERT_RETRY_MS: '50',
      BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    db = portal.app.get<DataSource>(getDataSourceToken());
    await seedCatalog(db);
  });
  afterAll(async () => {
    await worker?.close();
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

    const scanner = worker.get(BudgetAlertScanner);
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

  it('refuses loopback, private, link-local and metadata targets at delivery, on the resolved address', async () => {
    const sink = `127.0.0.1:${(hookServer.address() as AddressInfo).port}`;
    const refused = new WebhookTargets(false);
    const before = hooks.length;
    for (const url of [
      `http://${sink}/hook`,
      // a name: the address it resolves to is checked, at the connection
      `http://localhost:${sink.split(':')[1]}/hook`,
      `http://[::ffff:127.0.0.1]:${sink.split(':')[1]}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/hook',
      'http://[fd00:ec2::254]/hook',
      'http://0.0.0.0/hook',
    ]) {
      await expect(refused.post(new URL(url), {}, '{}', 2000)).rejects.toThrow(/not allowed/);
    }
    expect(hooks.length).toBe(before);
    // configuration answers at once for what the URL says by itself; a public name passes
    expect(refused.isRefusedHost(new URL('http://169.254.169.254/'))).toBe(true);
    expect(refused.isRefusedHost(new URL('http://localhost:9/'))).toBe(true);
    expect(refused.isRefusedHost(new URL('http://[::1]/'))).toBe(true);
    expect(refused.isRefusedHost(new URL('https://hooks.example.com/x'))).toBe(false);
    expect(refused.isRefusedHost(new URL('https://93.184.216.34/x'))).toBe(false);
    // the allow setting of tests and development reaches the local sink
    expect(
      await new WebhookTargets(true).post(new URL(`http://${sink}/hook`), {}, '{}', 2000),
    ).toBe(204);
    hooks.pop();

    // the worker with the default setting: an alert whose URL now resolves to loopback (written
    // behind the portal's back, as a DNS change would) is never delivered; e-mail still goes out
    await worker.close();
    worker = await startBudgetAlertsWorker(portal.env, {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      BUDGET_ALERT_SCAN_MS: '3600000',
      BUDGET_ALERT_RETRY_MS: '50',
    });
    const admin = await signUp(portal, 'Budgets SSRF', `ssrf-${Date.now()}@example.com`);
    const org = `/organizations/${admin.organizationId}`;
    const key = (
      await request(portal.url).post(`${org}/api-keys`).set(bearer(admin)).send({ name: 'k' })
    ).body as { id: string };
    await request(portal.url)
      .put(`${org}/limits/api-keys/${key.id}`)
      .set(bearer(admin))
      .send({ spendCapMicros: '100' })
      .expect(200);
    await request(portal.url)
      .put(`${org}/budget-alerts/webhook`)
      .set(bearer(admin))
      .send({ url: 'https://hooks.example.com/budget' })
      .expect(200);
    await db.query(`UPDATE budget_alert_settings SET webhook_url = $1 WHERE organization_id = $2`, [
      `http://localhost:${sink.split(':')[1]}/hook`,
      admin.organizationId,
    ]);
    await spend(admin, key.id, 60);
    expect(await worker.get(BudgetAlertScanner).scan()).toBe(1);
    const [alert] = (await db.query(`SELECT id FROM budget_alerts WHERE organization_id = $1`, [
      admin.organizationId,
    ])) as { id: string }[];
    const queue = worker.get<Queue>(getQueueToken(QueueName.BudgetAlerts));
    await until(async () => ((await queue.getJob(`webhook-${alert.id}`))?.attemptsMade ?? 0) >= 2);
    const job = await queue.getJob(`webhook-${alert.id}`);
    expect(job!.failedReason).toMatch(/not allowed/);
    await until(async () => {
      const [row] = await db.query(`SELECT emailed_at FROM budget_alerts WHERE id = $1`, [
        alert.id,
      ]);
      return !!row.emailed_at;
    });
    const [row] = await db.query(`SELECT webhook_delivered_at FROM budget_alerts WHERE id = $1`, [
      alert.id,
    ]);
    expect(row.webhook_delivered_at).toBeNull();
    expect(hooks.length).toBe(before);
  });

  it('keeps the allow setting off by default and refuses it in production', () => {
    const base = { JWT_SECRET: 'x'.repeat(40), AUDIT_SIGNING_KEY_FILE: '/dev/null' };
    expect(loadWorkerEnv({}).BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(loadPortalEnv(base).BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    for (const load of [loadWorkerEnv, loadPortalEnv])
      expect(() =>
        load({ ...base, NODE_ENV: 'production', BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE: 'true' }),
      ).toThrow(/BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE/);
  });

  it('refuses a webhook URL that names a private host when configured', async () => {
    const strict = await startPortal();
    try {
      const admin = await signUp(strict, 'Budgets strict', `strict-${Date.now()}@example.com`);
      for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://169.254.169.254/'])
        await request(strict.url)
          .put(`/organizations/${admin.organizationId}/budget-alerts/webhook`)
          .set(bearer(admin))
          .send({ url })
          .expect(422)
          .expect((r) => expect(r.text).toContain('webhook_url_not_public'));
    } finally {
      await strict.close();
    }
  });
});
