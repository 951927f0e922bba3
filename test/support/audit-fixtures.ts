import {
  type PremiumCallEvent,
  AuditLogWriter,
  MemoryTrustedHeadKeeper,
  premiumCallEntry,
  TreeHeadPublisher,
  TreeHeadSigner,
  TreeHeadStore,
} from '@velvet/audit';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OrgFixture } from './access-matrix.table';
import type { RunningPortal } from './portal';

/** One audit record per organisation and a signed tree head, written directly (no worker needed). */
export async function prepareAuditFixtures(
  portal: RunningPortal,
  orgs: OrgFixture[],
): Promise<void> {
  const dataSource = portal.app.get(DataSource);
  const writer = new AuditLogWriter(dataSource);
  for (const org of orgs) {
    const entry = premiumCallEntry({
      requestId: `matrix-${randomUUID()}`,
      organizationId: org.orgId,
      apiKeyId: org.apiKeyId,
      userId: null,
      modelId: randomUUID(),
      modelSlug: 'matrix-model',
      tier: 'premium',
      occurredAt: new Date(),
      clientIp: null,
      userAgent: null,
      params: {},
      promptText: 'matrix prompt',
      completionText: 'matrix completion',
      inputTokens: 2,
      outputTokens: 2,
      latencyMs: 1,
      status: 'succeeded',
    });
    await writer.append([entry]);
    const [row] = await dataSource.query(`SELECT seq FROM audit_log WHERE event_id = $1`, [
      entry.eventId,
    ]);
    org.auditSeq = Number(row.seq);
  }
  await new TreeHeadPublisher(
    dataSource,
    new TreeHeadStore(dataSource),
    TreeHeadSigner.ephemeral(),
    new MemoryTrustedHeadKeeper(),
  ).publish();
}

/** A premium call as the gateway reports it, for tests that drive the audit producer directly. */
export function premiumCall(
  organizationId: string,
  apiKeyId: string,
  overrides: Partial<PremiumCallEvent> = {},
): PremiumCallEvent {
  return {
    requestId: `req-${randomUUID()}`,
    organizationId,
    apiKeyId,
    userId: null,
    modelId: randomUUID(),
    modelSlug: 'aurum-1',
    tier: 'premium',
    occurredAt: new Date(),
    clientIp: '203.0.113.7',
    userAgent: 'openai-python/1.0',
    params: { temperature: 0.7, n: 1, maxTokens: 256 },
    promptText: 'user: explain the quarterly revenue report in two sentences',
    completionText: 'Revenue grew in every region. Enterprise contracts drove most of the growth.',
    inputTokens: 12,
    outputTokens: 18,
    latencyMs: 420,
    status: 'succeeded',
    finishReason: 'stop',
    ...overrides,
  };
}
