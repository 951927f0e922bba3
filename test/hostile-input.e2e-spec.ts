/**
 * Every operation of the OpenAPI document, as every role and anonymously, with generated hostile
 * values (NUL, lone surrogates, numbers beyond 2^63, years -271821 and 0, nulls, deep nesting,
 * wrong content types, oversize bodies) in one place at a time: a path parameter, a query
 * parameter, a body property, or the body as a whole. Every answer is a 4xx, a 400 names the
 * field, and the database is unchanged. The operations come from the document, so routes added
 * later are walked too.
 */
import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { fileContract, newOrganization, type ContractsFixture } from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { databaseFingerprint } from './support/db-fingerprint';
import {
  hostileJsonValue,
  hostileUrlValue,
  operationsOf,
  plausible,
  toJson,
  type OpenApiDocument,
  type Operation,
} from './support/hostile-requests';
import { addMember, bearer, type Session } from './support/http';
import type { RunningPortal } from './support/portal';

/** Samples per operation and role: enough to meet every kind of target over the run, not all combinations. */
const RUNS_PER_ROLE = 3;

interface Hostile {
  target: string;
  what: string;
  url: string;
  contentType?: string;
  body?: string;
}

describe('hostile input on every operation of the OpenAPI document', () => {
  let suite: ContractsSuite | undefined;
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let db: DataSource;
  let operations: Operation[];
  const sessions = new Map<string, Session | null>();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('hostile'));
    db = portal.app.get(DataSource);
    const admin = await newOrganization(portal, fx, 'Hostile');
    const key = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: 'k' })
      .expect(201);
    const contract = await fileContract(portal, admin);
    Object.assign(ids, {
      orgId: admin.organizationId!,
      userId: admin.userId,
      keyId: key.body.id,
      contractId: contract.id,
      id: contract.id,
      modelId: fx.models['velvet-pro-1'],
      tier: 'premium',
      seq: '1',
      jobId: randomUUID(),
    });
    sessions.set('anonymous', null);
    sessions.set(Role.OrgAdmin, admin);
    sessions.set(Role.OrgMember, await addMember(portal, admin, 'member@hostile-input.example'));
    sessions.set(Role.AccountManager, fx.am1);
    sessions.set(Role.SecurityReviewer, fx.security);
    sessions.set(Role.PlatformAdmin, fx.platformAdmin);
    const doc = (await request(portal.url).get('/docs/openapi.json').expect(200))
      .body as OpenApiDocument;
    operations = operationsOf(doc);
  });
  afterAll(() => suite?.close());

  const pathWith = (op: Operation, hostile?: { name: string; value: string }) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      hostile?.name === name ? hostile.value : encodeURIComponent(ids[name] ?? randomUUID()),
    );

  function plausibleBody(op: Operation): Record<string, unknown> {
    const props = op.body?.properties ?? {};
    return Object.fromEntries(
      (op.body?.required ?? []).map((name) => [name, plausible(props[name] ?? {}, ids, name)]),
    );
  }

  /** One hostile request for `op`: which part it targets is drawn too. */
  function hostileRequest(op: Operation): fc.Arbitrary<Hostile> {
    // every operation: NUL in a query parameter it does not declare (refused before any guard)
    const kinds: fc.Arbitrary<Hostile>[] = [
      fc.constant({ target: 'stray', what: 'NUL', url: `${pathWith(op)}?stray=a%00b` }),
    ];
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      kinds.push(
        hostileUrlValue(p.schema).map(({ value, what }) => ({
          target: p.name,
          what,
          url: pathWith(op, { name: p.name, value }),
        })),
      );
    }
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      kinds.push(
        hostileUrlValue(p.schema).map(({ value, what }) => ({
          target: p.name,
          what,
          url: `${pathWith(op)}?${p.name}=${value}`,
        })),
      );
    }
    const props = Object.entries(op.body?.properties ?? {});
    if (props.length) {
      kinds.push(
        fc.constantFrom(...props).chain(([name, schema]) =>
          hostileJsonValue(schema).map(({ value, what }) => ({
            target: name,
            what,
            url: pathWith(op),
            contentType: 'application/json',
            body: toJson({ ...plausibleBody(op), [name]: value }),
          })),
        ),
      );
    }
    if (op.method !== 'get') {
      const whole: [string, string, string][] = [
        ['wrong content type', 'text/plain', toJson(plausibleBody(op))],
        ['form instead of JSON', 'application/x-www-form-urlencoded', 'name=x&email=a%40b.example'],
        [
          'deep nesting',
          'application/json',
          '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
        ],
        [
          'oversize body',
          'application/json',
          toJson({ ...plausibleBody(op), padding: 'x'.repeat(300_000) }),
        ],
        ['JSON null body', 'application/json', 'null'],
      ];
      kinds.push(
        fc.constantFrom(...whole).map(([what, contentType, body]) => ({
          target: 'body',
          what,
          url: pathWith(op),
          contentType,
          body,
        })),
      );
    }
    return fc.oneof(...kinds);
  }

  async function send(op: Operation, session: Session | null, h: Hostile) {
    let req = request(portal.url)[op.method as 'get'](h.url);
    if (session) req = req.set(bearer(session));
    if (h.contentType) req = req.set('Content-Type', h.contentType).send(h.body);
    return req;
  }

  it('answers 4xx naming the field, and changes nothing, for every operation and role', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const before = await databaseFingerprint(db);
      for (const [role, session] of sessions) {
        const samples = fc.sample(hostileRequest(op), RUNS_PER_ROLE);
        if (!samples.length) continue;
        for (const h of samples) {
          const res = await send(op, session, h);
          sent += 1;
          const where = `${op.method.toUpperCase()} ${op.path} as ${role}, ${h.what} in ${h.target}`;
          const message = JSON.stringify(res.body?.message ?? '');
          if (res.status < 400 || res.status >= 500)
            failures.push(`${where}: ${res.status} ${message}`);
          else if ((res.status === 400 || res.status === 422) && !namesField(message, h.target, op))
            failures.push(`${where}: ${res.status} names no field: ${message}`);
        }
      }
      if ((await databaseFingerprint(db)) !== before)
        failures.push(`${op.method.toUpperCase()} ${op.path}: database changed`);
    }
    expect(sent).toBeGreaterThan(operations.length * 3);
    expect(failures).toEqual([]);
  });
});

/**
 * A 400 names the field: the hostile one, or (when the body's other, merely plausible values
 * were refused first) another of the operation's fields; path ids may be named by their format.
 */
function namesField(message: string, target: string, op: Operation): boolean {
  if (target === 'body')
    return /body|content-type|json|nested|large|should not be empty|must be/i.test(message);
  if (message.includes(target)) return true;
  // Express refuses an undecodable path segment before any route parameter has a name
  if (
    op.parameters.some((p) => p.name === target && p.in === 'path') &&
    /path parameter/.test(message)
  )
    return true;
  const fields = [...Object.keys(op.body?.properties ?? {}), ...op.parameters.map((p) => p.name)];
  // or a field the document does not declare, named the way validation names fields
  return fields.some((f) => message.includes(f)) || /"[\w.[\]]+ (must|should|is) /.test(message);
}
