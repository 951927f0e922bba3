import { AuditLogWriter, premiumCallEntry, TreeHeadSigner, TreeHeadStore } from '@velvet/audit';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OrgFixture } from './access-matrix.table';
import type { RunningPortal } from './portal';

/** One audit record per organisation and a signed tree head, written directly (no worker needed). */
export async function prepareAuditFixtures(portal: RunningPortal, orgs: OrgFixture[]): Promise<void> {
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
    const [row] = await dataSource.query(`SELECT seq FROM audit_log WHERE event_id = $1`, [entry.eventId]);
    org.auditSeq = Number(row.seq);
  }
  await new TreeHeadStore(dataSource, TreeHeadSigner.ephemeral()).publish();
}
