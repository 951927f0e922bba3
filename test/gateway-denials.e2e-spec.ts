import { CustomerLimit, LimitsService } from '@velvet/metering';
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream';
import {
  addKey,
  client,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

/**
 * A plain call may reach the upstream while its admission is in flight; a scope refused recently
 * waits for admission first, so a throttled customer cannot spend the provider's upstream capacity.
 * The scope is the one the refusal named: a team's refusal holds back every key of the team.
 */
describe('gateway: a recently refused scope does not reach the upstream', () => {
  let gw: RunningGateway;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, {
      slug: 'std-denials',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'echo',
        timeoutMs: 5000,
      },
    });
    await refreshCatalog(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const served = () => upstream.requests.filter((r) => r.body.model === 'echo').length;
  const call = (key: string) =>
    client(gw, key)
      .chat.completions.create({
        model: 'std-denials',
        messages: [{ role: 'user', content: 'hello' }],
      })
      .then(
        () => 'served',
        (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
      );

  it("holds back a team's other keys once the team's limit refused one of them", async () => {
    const org = await seedOrg(gw);
    const second = await addKey(gw, org.organizationId);
    const [team] = (await gw.db.query(
      `INSERT INTO teams (organization_id, name) VALUES ($1, 'Throttled team') RETURNING id`,
      [org.organizationId],
    )) as { id: string }[];
    await gw.db.query(`UPDATE api_keys SET team_id = $1 WHERE id = ANY($2::uuid[])`, [
      team.id,
      [org.apiKeyId, second.apiKeyId],
    ]);
    await gw.db.getRepository(CustomerLimit).save({
      organizationId: org.organizationId,
      teamId: team.id,
      apiKeyId: null,
      requestsPerMinute: 2,
      tokensPerMinute: null,
      spendCapMicros: null,
    });
    await gw.app.get(LimitsService).refresh();

    expect([await call(org.key), await call(org.key)]).toEqual(['served', 'served']);
    expect(await call(org.key)).toMatch(/^429 /);
    // The team's other key: refused too, and its request never left the gateway.
    const before = served();
    expect(await call(second.key)).toMatch(/^429 /);
    expect(served() - before).toBe(0);
  });
});
