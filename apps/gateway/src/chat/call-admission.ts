import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { costOfTokens } from '@velvet/common';
import { QuotaService, type Denial } from '@velvet/metering';
import type { FastifyRequest } from 'fastify';
import { ModelAccess } from '../access/model-access';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { ModelCatalog } from '../catalog/model-catalog';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';
import { type CallContext, PHASES, type PhasedRequest, type PreparedCall } from './call-context';
import { parseChatRequest, promptText, promptTokensOf, requestedMaxTokens } from './chat-request.schema';
import { RecentDenials } from './recent-denials';
import { simulatedTime } from './simulated-time';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Authenticates, validates, resolves the model and checks the entitlement (all in process), then
 * admits the call against the limits (one Redis round trip).
 */
@Injectable()
export class CallAdmission {
  private readonly denials = new RecentDenials();

  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly catalog: ModelCatalog,
    private readonly access: ModelAccess,
    private readonly quota: QuotaService,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  /** Everything before the limits: refusals here cost no Redis round trip and no upstream call. */
  async prepare(request: FastifyRequest): Promise<PreparedCall> {
    const startedAt = performance.now();
    const principal = await this.auth.authenticate(request.headers.authorization);
    const req = parseChatRequest(request.body);
    const entry = this.catalog.get(req.model);
    if (!entry) throw OpenAIError.modelNotFound(req.model);
    await this.access.assertInvokable(principal, entry);

    const { model } = entry;
    const requested = requestedMaxTokens(req);
    if (requested !== null && requested > model.maxOutputTokens) {
      const param = req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
      throw OpenAIError.badRequest(`\`${param}\` is too large: ${model.slug} produces at most ${model.maxOutputTokens} tokens.`, param, 'invalid_value');
    }
    const text = promptText(req);
    const promptTokens = promptTokensOf(req, model);
    if (promptTokens > model.contextWindow) {
      throw OpenAIError.badRequest(`The prompt (~${promptTokens} tokens) exceeds ${model.slug}'s context window of ${model.contextWindow}.`, 'messages', 'context_length_exceeded');
    }
    const maxTokens = requested ?? model.maxOutputTokens;
    const worstOutput = maxTokens * (req.n ?? 1);
    const requestId = this.requestId(request, principal.organizationId);
    const phases = {};
    (request as PhasedRequest)[PHASES] = phases;
    return {
      phases,
      requestId,
      completionId: `chatcmpl-${String(request.id).replace(/-/g, '')}`,
      principal,
      entry,
      req,
      promptText: text,
      promptTokens,
      maxTokens,
      estimate: {
        organizationId: principal.organizationId,
        apiKeyId: principal.apiKeyId,
        requestId,
        estimatedTokens: promptTokens + worstOutput,
        estimatedCostMicros: costOfTokens(promptTokens, model.inputPriceMicrosPerMTok) + costOfTokens(worstOutput, model.outputPriceMicrosPerMTok),
      },
      // the detection evaluation's simulated time (test-only flag, see simulated-time.ts)
      occurredAt: simulatedTime(request, this.env) ?? new Date(),
      startedAt,
      clientIp: request.ip ?? null,
      userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'].slice(0, 256) : null,
      log: request.log,
    };
  }

  /** Admits the call against the organisation's and the key's limits, or throws the 429 (503 without Redis). */
  async admit(call: PreparedCall): Promise<CallContext> {
    const ids = [call.principal.organizationId, call.principal.apiKeyId];
    const result = await this.quota.admit(call.estimate).catch(() => {
      this.denials.note(ids, 1);
      // Limits cannot be enforced without Redis: refuse rather than serve unmetered.
      throw OpenAIError.unavailable('The gateway cannot enforce limits right now; retry shortly.');
    });
    if (!result.admitted) {
      this.denials.note([result.denial.scope === 'organization' ? ids[0] : ids[1]], result.denial.retryAfterSeconds);
      throw limitError(result.denial);
    }
    this.denials.clear(ids);
    call.phases.admit = round(performance.now() - call.startedAt);
    return { ...call, admission: result.admission };
  }

  /**
   * Whether the upstream call may start while admission is in flight, which takes the limits'
   * Redis round trip off the latency path. Nothing is sent to the client or charged before the
   * call is admitted; a refused call's upstream result is discarded. Organisations and keys that
   * were refused recently wait for admission first, so throttling does not cost upstream capacity.
   */
  mayOverlapUpstream(call: PreparedCall): boolean {
    return !this.denials.has([call.principal.organizationId, call.principal.apiKeyId]);
  }

  /**
   * A client's Idempotency-Key (or X-Request-Id) makes a retried call land on the same usage
   * record. Scoped by organisation, so two tenants choosing the same key never collide.
   */
  private requestId(request: FastifyRequest, organizationId: string): string {
    const idem = request.headers['idempotency-key'];
    if (idem !== undefined) {
      if (typeof idem !== 'string' || !IDEMPOTENCY_KEY.test(idem)) {
        throw OpenAIError.badRequest('Idempotency-Key must be 1-128 characters of [A-Za-z0-9._:-].', 'Idempotency-Key', 'invalid_idempotency_key');
      }
      return `${organizationId}:${idem}`;
    }
    const given = request.headers['x-request-id'];
    if (typeof given === 'string' && IDEMPOTENCY_KEY.test(given)) return `${organizationId}:${given}`;
    return typeof request.id === 'string' ? request.id : randomUUID();
  }
}

export const round = (ms: number) => Math.round(ms * 100) / 100;

function limitError(d: Denial): OpenAIError {
  const who = d.scope === 'organization' ? 'organisation' : 'API key';
  const headers = { 'retry-after': String(d.retryAfterSeconds) };
  if (d.kind === 'spend') {
    const message = d.exhausted
      ? `The ${who}'s monthly spend cap (${d.limit} micro-units) is reached.`
      : `The ${who}'s monthly spend cap (${d.limit} micro-units) is nearly reached: calls in flight hold the rest. Retry shortly, or lower max_tokens.`;
    return new OpenAIError(429, 'insufficient_quota', 'spend_cap_reached', message, null, headers);
  }
  const unit = d.kind === 'requests' ? 'requests' : 'tokens';
  return new OpenAIError(429, unit, 'rate_limit_exceeded', `Rate limit reached for the ${who}: ${d.limit} ${unit} per minute.`, null, headers);
}
