import type { ApiKeyPrincipal } from '@velvet/access';
import type { Admission, AdmissionRequest } from '@velvet/metering';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogEntry } from '../catalog/model-catalog';
import type { ChatRequest } from './chat-request.schema';

/** Everything known about one call before the limits admit it. */
export interface PreparedCall {
  /** The metering and audit id: the organisation-scoped idempotency key, or the request id. */
  requestId: string;
  completionId: string;
  principal: ApiKeyPrincipal;
  entry: CatalogEntry;
  req: ChatRequest;
  promptText: string;
  promptTokens: number;
  maxTokens: number;
  /** What the limits are asked to admit: the prompt estimate and the worst-case output and cost. */
  estimate: AdmissionRequest;
  occurredAt: Date;
  startedAt: number;
  /** Milliseconds spent in each step, for the request's log line: admission, upstream, audit. */
  phases: { admit?: number; upstream?: number; audit?: number };
  clientIp: string | null;
  userAgent: string | null;
  log: FastifyBaseLogger;
}

/** An admitted call, from admission to settlement. */
export interface CallContext extends PreparedCall {
  admission: Admission;
}

export interface CallOutcome {
  succeeded: boolean;
  inputTokens: number;
  outputTokens: number;
  text: string;
  finishReason: string | null;
  streamed: boolean;
}

/** The request carries its phase timings to the log line written when the response completes. */
export const PHASES = Symbol('phases');
export type PhasedRequest = { [PHASES]?: CallContext['phases'] };
