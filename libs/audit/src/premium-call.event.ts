/**
 * What the gateway hands the audit pipeline for every premium-model call, before it releases
 * the response. The audit library derives hashes and similarity fingerprints from the texts and
 * keeps the texts themselves only where the organisation's contract says so.
 */
export interface PremiumCallEvent {
  requestId: string;
  organizationId: string;
  apiKeyId: string;
  /** The user who created the key, if known. */
  userId: string | null;
  modelId: string;
  modelSlug: string;
  tier: string;
  occurredAt: Date;
  clientIp: string | null;
  userAgent: string | null;
  /** Request parameters that matter for distillation. */
  params: {
    temperature?: number | null;
    topP?: number | null;
    n?: number | null;
    maxTokens?: number | null;
    logprobs?: boolean | null;
    topLogprobs?: number | null;
    toolsCount?: number;
    stream?: boolean;
  };
  /** The prompt, flattened (role-tagged messages joined); used for hashes, fingerprints, optional retention. */
  promptText: string;
  completionText: string;
  /** SHA-256 (hex) of `promptText` when the caller already computed it (the gateway's started record does). */
  promptSha256?: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /**
   * What the client received: `succeeded` the whole response; `cancelled` the client left mid-stream
   * after part of the completion was sent (and charged); `interrupted` delivery was cut by the gateway's
   * side (upstream failure, Redis refusing the next record, the gateway killed) after text was sent
   * (charged for it). `failed` calls delivered nothing and leave no audit record.
   */
  status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  /** How the call ended: `stop`, `length`, ... (outputs cut at max_tokens are a distillation signal). */
  finishReason?: string | null;
  /**
   * What the call's usage record charges (decimal micro-units) and in which currency: in the leaf,
   * so a customer can recompute a statement's premium total from their own leaves (verifiable billing).
   */
  costMicros?: string;
  currency?: string;
}
