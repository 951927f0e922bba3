import type { RefusalRecorder } from '@velvet/metering';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CodedRequest, ERROR_CODE } from './gateway-metrics';

/** Who a call was for, as far as admission resolved it before refusing (usage analytics' refusals). */
export const CALL_SCOPE = Symbol('velvetCallScope');
export interface CallScope {
  organizationId: string;
  apiKeyId: string;
  modelId?: string;
}
export type ScopedRequest = { [CALL_SCOPE]?: CallScope };

/**
 * A 403 or 429 answered to an authenticated caller is a refusal the organisation sees in its usage
 * analytics (one in-process counter increment; the recorder writes counts every few seconds).
 */
export function countRefusal(
  recorder: RefusalRecorder,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (reply.statusCode !== 403 && reply.statusCode !== 429) return;
  const scope = (request as unknown as ScopedRequest)[CALL_SCOPE];
  if (!scope) return;
  const code = (request as unknown as CodedRequest)[ERROR_CODE];
  recorder.refused({ ...scope, reason: code ?? `http_${reply.statusCode}` });
}
