/**
 * Usage analytics end to end: the rollups stay equal to usage_records whatever writes or rewrites
 * them (ingest retries, concurrent ingesters, late records, partition upkeep, deletes, updates), and
 * the portal's reports, breakdown, CSV and statements read them correctly and for their tenant only.
 */
import { randomUUID } from 'node:crypto';
import { usageIngestInsert } from '@velvet/database';
import { encodeUsage, RefusalRecorder, UsageIngestor, UsageStatus } from '@velvet/metering';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { bearer, signUp, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import { rollupDrift } from './support/usage-rollups';

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

describe('usage analytics', () => {
  let portal: RunningPortal;
  let db: DataSource;
  let acme: Session;
  let globex: Session;
  let models: Record<string, string>;
  const keys: Record<string, string> = {};

  const makeKey = async (s: Session, name: string) =>
    (
      await request(portal.url)
        .post(`/organizations/${s.organizationId}/api-keys`)
        .set(bearer(s))
        .send({ name })
        .expect(201)
    ).body.id as string;

  const ingestor = () => new UsageIngestor({ redisUrl: 'redis://unused', prefix: 'unused' }, db);
  const usage = (o: {
    org: string;
    key: string;
    model: string;
    at: Date;
    cost?: bigint;
    status?: UsageStatus;
    tier?: string;
    id?: string;
  }) =>
    encodeUsage({
      requestId: o.id ?? randomUUID(),
      organizationId: o.org,
      apiKeyId: o.key,
      modelId: o.model,
      tier: o.tier ?? 'standard',
      inputTokens: 100,
      outputTokens: 50,
      costMicros: o.status === UsageStatus.Failed ? 0n : (o.cost ?? 1_000n),
      currency: 'USD',
      latencyMs: 5,
      status: o.status ?? UsageStatus.Succeeded,
      streamed: false,
      occurredAt: o.at,
    });

  beforeAll(async () => {
    portal = await startPortal();
    db = portal.app.get(DataSource);
    await seedCatalog(db);
    const rows: { id: string; slug: string }[] = await db.query(`SELECT id, slug FROM models`);
    models = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
    acme = await signUp(portal, 'Acme', `admin@acme-${randomUUID().slice(0, 6)}.example`);
    globex = await signUp(portal, 'Globex', `admin@globex-${randomUUID().slice(0, 6)}.example`);
    keys.ci = await makeKey(acme, 'ci');
    keys.formula = await makeKey(acme, '=HYPERLINK("http://evil","x"), "quoted"');
    keys.globex = await makeKey(globex, 'globex-key');
    await db.query(`INSERT INTO teams (id, organization_id, name) VALUES ($1, $2, 'Platform')`, [
      '11111111-1111-4111-8111-111111111111',
      acme.organizationId,
    ]);
    await db.query(`UPDATE api_keys SET team_id = $1 WHERE id = $2`, [
      '11111111-1111-4111-8111-111111111111',
      keys.ci,
    ]);
  });
  afterAll(() => portal?.close());

  it('keeps the rollups equal to usage_records under retries, concurrent ingesters, late records, upkeep, deletes and updates', async () => {
    const lite = models['velvet-lite-1'];
    const now = Date.now();
    const entries = Array.from({ length: 300 }, (_, i) =>
      usage({
        org: acme.organizationId!,
        key: i % 3 ? keys.ci : keys.formula,
        model: lite,
        at: new Date(now - (i % 48) * 3_600_000),
        cost: BigInt(1000 + i),
        status: i % 10 === 0 ? UsageStatus.Failed : i % 7 === 0 ? UsageStatus.Cancelled : undefined,
      }),
    );
    const asStream = (list: string[], from = 0) =>
      list.map((raw, i) => [`${from + i}-0`, ['u', raw]] as [string, string[]]);
    // two ingesters take overlapping batches at the same time, then one batch is redelivered
    const a = ingestor();
    const b = ingestor();
    await Promise.all([
      a.ingest(asStream(entries.slice(0, 200))),
      b.ingest(asStream(entries.slice(100, 300), 100)),
      a.ingest(asStream(entries.slice(50, 250), 50)),
    ]);
    await b.ingest(asStream(entries));
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM usage_records WHERE organization_id = $1`,
      [acme.organizationId],
    );
    expect(n).toBe(300);
    expect(await rollupDrift(db)).toEqual([]);
    const [{ requests }] = await db.query(
      `SELECT sum(requests)::int AS requests FROM usage_hourly WHERE organization_id = $1`,
      [acme.organizationId],
    );
    expect(requests).toBe(300);

    // a record arriving months late lands in its own hour; partition upkeep moves it without a change
    await a.ingest(
      asStream([
        usage({
          org: acme.organizationId!,
          key: keys.ci,
          model: lite,
          at: new Date('2019-03-15T10:20:00Z'),
          cost: 777n,
        }),
      ]),
    );
    await db.query(`SELECT * FROM velvet_partitions_maintain()`);
    expect(await rollupDrift(db)).toEqual([]);
    const [late] = await db.query(
      `SELECT requests::int, cost_micros::text FROM usage_hourly WHERE organization_id = $1 AND hour = '2019-03-15T10:00:00Z'`,
      [acme.organizationId],
    );
    expect(late).toEqual({ requests: 1, cost_micros: '777' });

    // rows deleted or rewritten (an operator correcting a price) are reflected exactly
    await db.query(
      `UPDATE usage_records SET cost_micros = cost_micros * 2 WHERE organization_id = $1 AND status = 'succeeded' AND cost_micros % 5 = 0`,
      [acme.organizationId],
    );
    await db.query(
      `DELETE FROM usage_records WHERE organization_id = $1 AND cost_micros % 11 = 0`,
      [acme.organizationId],
    );
    expect(await rollupDrift(db)).toEqual([]);
  });

  it("reports days, hours, groups, totals and refusals, for the caller's organisation only", async () => {
    const pro = models['velvet-lite-1'];
    const org = globex.organizationId!;
    const day0 = new Date(Date.UTC(2026, 9, 1, 23, 30));
    await ingestor().ingest(
      [
        usage({ org, key: keys.globex, model: pro, at: day0, cost: 1_500_000n }),
        usage({
          org,
          key: keys.globex,
          model: pro,
          at: new Date(day0.getTime() + 3_600_000),
          cost: 250n,
        }),
        usage({
          org,
          key: keys.globex,
          model: pro,
          at: new Date(day0.getTime() + DAY),
          status: UsageStatus.Failed,
        }),
      ].map((raw, i) => [`${i}-0`, ['u', raw]] as [string, string[]]),
    );
    const recorder = new RefusalRecorder(db);
    for (let i = 0; i < 5; i++)
      recorder.refused({
        organizationId: org,
        apiKeyId: keys.globex,
        modelId: pro,
        reason: 'rate_limit_exceeded',
        at: day0,
      });
    recorder.refused({
      organizationId: org,
      apiKeyId: keys.globex,
      reason: 'model_locked',
      at: day0,
    });
    recorder.refused({ organizationId: org, reason: 'Not A Code!', at: day0 });
    await recorder.flush();

    const daily = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from: '2026-10-01', to: '2026-10-03' })
      .set(bearer(globex))
      .expect(200);
    expect(daily.body.totals).toEqual([
      {
        currency: 'USD',
        requests: 3,
        failed: 1,
        partial: 0,
        inputTokens: '200',
        outputTokens: '100',
        costMicros: '1500250',
        refusals: 7,
      },
    ]);
    expect(daily.body.refusalsByReason).toEqual([
      { reason: 'rate_limit_exceeded', refusals: 5 },
      { reason: 'model_locked', refusals: 1 },
      { reason: 'other', refusals: 1 },
    ]);
    expect(
      daily.body.points.map((p: { bucket: string; costMicros: string; refusals: number }) => [
        p.bucket,
        p.costMicros,
        p.refusals,
      ]),
    ).toEqual([
      ['2026-10-01', '1500000', 7],
      ['2026-10-02', '250', 0],
    ]);

    const hourly = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from: '2026-10-01', to: '2026-10-02', granularity: 'hour', groupBy: 'key' })
      .set(bearer(globex))
      .expect(200);
    expect(
      hourly.body.points.map((p: { bucket: string; groupLabel: string; requests: number }) => [
        p.bucket,
        p.groupLabel,
        p.requests,
      ]),
    ).toEqual([
      ['2026-10-01T23:00:00.000Z', 'globex-key', 1],
      ['2026-10-01T23:00:00.000Z', null, 0],
      ['2026-10-02T00:00:00.000Z', 'globex-key', 1],
      ['2026-10-02T23:00:00.000Z', 'globex-key', 1],
    ]);

    // the model x key breakdown reads whole months from usage_monthly and the edge days from
    // usage_daily; per-key days come from usage_daily_keys: each agrees with the totals above
    const sumOf = (lines: { requests: number; costMicros: string }[]) => [
      lines.reduce((n, l) => n + l.requests, 0),
      String(lines.reduce((n, l) => n + BigInt(l.costMicros), 0n)),
    ];
    for (const [from, to] of [
      ['2026-09-20', '2026-11-10'],
      ['2026-10-01', '2026-10-31'],
      ['2026-10-01', '2026-10-03'],
    ]) {
      const lines = await request(portal.url)
        .get(`/organizations/${org}/usage/breakdown`)
        .query({ from, to })
        .set(bearer(globex))
        .expect(200);
      expect(sumOf(lines.body)).toEqual([3, '1500250']);
    }
    const lateOctober = { from: '2026-10-02', to: '2026-11-30' };
    const [edgeLines, edgeReport] = await Promise.all(
      ['breakdown', ''].map((path) =>
        request(portal.url)
          .get(`/organizations/${org}/usage${path && `/${path}`}`)
          .query(lateOctober)
          .set(bearer(globex))
          .expect(200),
      ),
    );
    expect(sumOf(edgeLines.body)).toEqual(sumOf(edgeReport.body.points));
    expect(sumOf(edgeLines.body)[1]).toBe('250');
    const perKeyDays = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from: '2026-09-20', to: '2026-11-10', groupBy: 'key' })
      .set(bearer(globex))
      .expect(200);
    expect(sumOf(perKeyDays.body.points)).toEqual([3, '1500250']);

    // another organisation's key as a filter matches nothing; its organisation is not found
    const foreign = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from: '2026-10-01', to: '2026-10-03', apiKeyId: keys.ci })
      .set(bearer(globex))
      .expect(200);
    expect(foreign.body.points).toEqual([]);
    await request(portal.url)
      .get(`/organizations/${acme.organizationId}/usage`)
      .set(bearer(globex))
      .expect(404);
  });

  it('groups by team through the key, and exports CSV a spreadsheet cannot run', async () => {
    const org = acme.organizationId!;
    const to = isoDay(new Date());
    const from = isoDay(new Date(Date.now() - 3 * DAY));
    const teams = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from, to, groupBy: 'team' })
      .set(bearer(acme))
      .expect(200);
    const teamIds = new Set(teams.body.points.map((p: { groupId: string | null }) => p.groupId));
    expect(teamIds).toEqual(new Set(['11111111-1111-4111-8111-111111111111', null]));
    // the team's name is shown, not only its id (keys without a team have neither)
    const labels = new Set(
      teams.body.points.map((p: { groupLabel: string | null }) => p.groupLabel),
    );
    expect(labels).toEqual(new Set(['Platform', null]));
    const breakdown = await request(portal.url)
      .get(`/organizations/${org}/usage/breakdown`)
      .query({ from, to })
      .set(bearer(acme))
      .expect(200);
    const ciLine = breakdown.body.find((l: { apiKeyId: string }) => l.apiKeyId === keys.ci);
    expect(ciLine).toMatchObject({
      teamId: '11111111-1111-4111-8111-111111111111',
      teamName: 'Platform',
    });
    const oneTeam = await request(portal.url)
      .get(`/organizations/${org}/usage`)
      .query({ from, to, teamId: '11111111-1111-4111-8111-111111111111' })
      .set(bearer(acme))
      .expect(200);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM usage_records WHERE api_key_id = $1 AND occurred_at >= $2::date`,
      [keys.ci, from],
    );
    expect(oneTeam.body.totals[0].requests).toBe(n);

    const csv = await request(portal.url)
      .get(`/organizations/${org}/usage/csv`)
      .query({ from, to })
      .set(bearer(acme))
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^bucket,model,model_id,api_key,api_key_id,team,team_id,/);
    expect(lines.some((l) => l.includes(',Platform,11111111-1111-4111-8111-111111111111,'))).toBe(
      true,
    );
    const hostile = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(hostile).toContain(`"'=HYPERLINK(""http://evil"",""x""), ""quoted"""`);
    const csvRequests = lines
      .slice(1)
      .reduce((s, l) => s + Number(l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)[8]), 0);
    const [{ total }] = await db.query(
      `SELECT count(*)::int AS total FROM usage_records WHERE organization_id = $1 AND occurred_at >= $2::date`,
      [org, from],
    );
    expect(csvRequests).toBe(total);
  });

  it('gives every past commitment period its statement with the usage behind it, to its own organisation only', async () => {
    const [contract] = await db.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency,
                              status, requested_by, request_key)
       VALUES ($1, 'premium', 1000000, 3, '2019-01-01', '2019-12-31', 'USD', 'expired', $2, $3) RETURNING id`,
      [acme.organizationId, acme.userId, `usage-${randomUUID()}`],
    );
    const all = await request(portal.url)
      .get(`/organizations/${acme.organizationId}/statements`)
      .set(bearer(acme))
      .expect(200);
    const periods = all.body.find(
      (c: { contractId: string }) => c.contractId === contract.id,
    ).periods;
    expect(periods.map((p: { start: string; state: string }) => [p.start, p.state])).toEqual([
      ['2019-01-01', 'closed'],
      ['2019-04-01', 'closed'],
      ['2019-07-01', 'closed'],
      ['2019-10-01', 'closed'],
    ]);
    const first = await request(portal.url)
      .get(`/contracts/${contract.id}/statements/0`)
      .set(bearer(acme))
      .expect(200);
    expect(first.body.period).toMatchObject({
      start: '2019-01-01',
      end: '2019-04-01',
      spentMicros: '777',
      shortfallMicros: String(1_000_000 - 777),
    });
    expect(first.body.usage).toMatchObject([
      { modelSlug: 'velvet-lite-1', apiKeyName: 'ci', requests: 1, costMicros: '777' },
    ]);
    const second = await request(portal.url)
      .get(`/contracts/${contract.id}/statements/1`)
      .set(bearer(acme))
      .expect(200);
    expect(second.body.usage).toEqual([]);
    await request(portal.url)
      .get(`/contracts/${contract.id}/statements/4`)
      .set(bearer(acme))
      .expect(404);
    await request(portal.url)
      .get(`/contracts/${contract.id}/statements/0`)
      .set(bearer(globex))
      .expect(404);
  });

  it('stores one row per request id whatever its text, its repeats, its times or a batch in flight, probing the index instead of reading the table', async () => {
    const initech = await signUp(
      portal,
      'Initech',
      `admin@initech-${randomUUID().slice(0, 6)}.example`,
    );
    const org = initech.organizationId!;
    const key = await makeKey(initech, 'initech-key');
    const lite = models['velvet-lite-1'];
    const at = new Date(Date.UTC(2026, 10, 2, 12));
    const later = new Date(at.getTime() + 3_600_000);
    // characters an array literal quotes or escapes, the word NULL, a NUL-free unicode id
    const ids = ['a"b\\c,{d} e', 'NULL', '{}', ' ', 'zß→😀'];
    const entry = (id: string, when: Date, i: number) =>
      [`${i}-0`, ['u', usage({ org, key, model: lite, at: when, id, cost: 10n })]] as [
        string,
        string[],
      ];
    await ingestor().ingest([
      ...ids.map((id, i) => entry(id, at, i)),
      ...ids.map((id, i) => entry(id, later, 10 + i)), // the same ids again, an hour later
    ]);
    await ingestor().ingest(ids.map((id, i) => entry(id, later, 20 + i))); // and in a later batch
    const stored: { request_id: string; occurred_at: Date }[] = await db.query(
      `SELECT request_id, occurred_at FROM usage_records WHERE organization_id = $1 ORDER BY request_id`,
      [org],
    );
    expect(stored).toEqual(
      [...ids].sort((x, y) => (x < y ? -1 : 1)).map((id) => ({ request_id: id, occurred_at: at })),
    );

    // a batch that starts while another with the same ids (at other times: no unique-key conflict
    // between them) is not committed yet waits for it, then skips those ids
    const racing = Array.from({ length: 20 }, () => randomUUID());
    const first = db.createQueryRunner();
    await first.startTransaction();
    const firstAt = new Date(at.getTime() + 60_000);
    await first.query(
      `SELECT velvet_usage_ingest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[],
                                  $8::bigint[], $9::text[], $10::int[], $11::text[], $12::boolean[], $13::timestamptz[])`,
      [
        racing,
        ...[org, key, lite, 'standard', 1, 1, '10', 'USD', 5, 'succeeded', false].map((v) =>
          racing.map(() => v),
        ),
        racing.map(() => firstAt.toISOString()),
      ],
    );
    const second = ingestor().ingest(
      racing.map((id, i) => entry(id, new Date(at.getTime() + 120_000), 100 + i)),
    );
    await new Promise((r) => setTimeout(r, 300));
    await first.commitTransaction();
    await first.release();
    await second;
    const racedRows: { occurred_at: Date }[] = await db.query(
      `SELECT occurred_at FROM usage_records WHERE request_id = ANY($1)`,
      [racing],
    );
    expect(racedRows).toEqual(racing.map(() => ({ occurred_at: firstAt })));

    // 20,000 rows ingested and not yet analysed (a new deployment, a busy table): the check of ids
    // already stored must stay one index probe per row, not a scan of usage_records per batch
    await db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
                                  cost_micros, currency, latency_ms, status, streamed, occurred_at)
       SELECT 'plan-' || i, $1, $2, $3, 'standard', 1, 1, 1, 'USD', 1, 'succeeded', false, $4
         FROM generate_series(1, 20000) i`,
      [org, key, lite, at],
    );
    const batch = Array.from({ length: 50 }, () => ({ id: randomUUID() }));
    const column = <T>(value: T) => batch.map(() => value);
    const insert = usageIngestInsert((i, _, type) => `$${i + 1}::${type}[]`);
    const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (FORMAT JSON) ${insert}`, [
      batch.map((b) => b.id),
      column(org),
      column(key),
      column(lite),
      column('standard'),
      column(1),
      column(1),
      column('1'),
      column('USD'),
      column(1),
      column('succeeded'),
      column(false),
      column(at.toISOString()),
    ]);
    const scanned: string[] = [];
    const walk = (node: { 'Node Type': string; 'Relation Name'?: string; Plans?: unknown[] }) => {
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name']?.startsWith('usage_records'))
        scanned.push(node['Relation Name']);
      for (const child of node.Plans ?? []) walk(child as typeof node);
    };
    walk(plan[0].Plan);
    // (a partition of a page or two may be read whole: the 20,000 rows' partition must not be)
    const [{ partition }] = await db.query(
      `SELECT tableoid::regclass::text AS partition FROM usage_records WHERE request_id = 'plan-1'`,
    );
    expect(scanned).not.toContain(partition);
  });

  it('answers 400 (malformed) or 422 (a range it will not serve), never 500', async () => {
    const org = acme.organizationId!;
    for (const query of [
      { from: '2026-10-05', to: '2026-10-01' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2024-01-01', to: '2026-01-01' },
      { from: '2026-01-01', to: '2026-03-01', granularity: 'hour' },
      { granularity: 'minute' },
      { groupBy: 'user' },
      { apiKeyId: 'not-a-uuid' },
      { from: "2026-01-01'; DROP TABLE usage_daily; --" },
      { from: '2026-01-01\u0000' },
    ]) {
      const res = await request(portal.url)
        .get(`/organizations/${org}/usage`)
        .query(query)
        .set(bearer(acme));
      expect({ query, refused: [400, 422].includes(res.status) }).toEqual({ query, refused: true });
    }
  });
});
