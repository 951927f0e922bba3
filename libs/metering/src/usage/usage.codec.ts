import type { UsageRecord, UsageStatus } from '../entities/usage-record.entity';

type Usage = Omit<UsageRecord, 'id'>;

/** Compact JSON for the usage stream; money as a decimal string, time as epoch ms. */
export function encodeUsage(u: Usage): string {
  return JSON.stringify([
    u.requestId,
    u.organizationId,
    u.apiKeyId,
    u.modelId,
    u.tier,
    u.inputTokens,
    u.outputTokens,
    u.costMicros.toString(),
    u.currency,
    u.latencyMs,
    u.status,
    u.streamed,
    u.occurredAt.getTime(),
  ]);
}

export function decodeUsage(raw: string): Usage {
  const a = JSON.parse(raw) as [
    string,
    string,
    string,
    string,
    string,
    number,
    number,
    string,
    string,
    number,
    string,
    boolean,
    number,
  ];
  return {
    requestId: a[0],
    organizationId: a[1],
    apiKeyId: a[2],
    modelId: a[3],
    tier: a[4],
    inputTokens: a[5],
    outputTokens: a[6],
    costMicros: BigInt(a[7]),
    currency: a[8],
    latencyMs: a[9],
    status: a[10] as UsageStatus,
    streamed: a[11],
    occurredAt: new Date(a[12]),
  };
}
