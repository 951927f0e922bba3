import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson, newCallId } from '@velvet/audit';
import { costOfTokens, sha256Hex } from '@velvet/common';
import {
  type AdmitFinishResult,
  QuotaService,
  type Denial,
  type IdempotencyClaim,
  type LimitScope,
  type RateLimitState,
} from '@velvet/metering';
import type { FastifyRequest } from 'fastify';
import { ModelAccess } from '../access/model-access';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { ModelCatalog } from '../catalog/model-catalog';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';
import {
  type CallContext,
  type CallOutcome,
  PHASES,
  type PhasedRequest,
  type PreparedCall,
  type Replay,
} from './call-context';
import { CallRecorder } from './call-recorder';
import {
  parseChatRequest,
  promptText,
  promptTokensOf,
  requestedMaxTokens,
} from './chat-request.schema';
import { CALL_SCOPE, type CallScope, type ScopedRequest } from '../metrics/refusal-scope';
import { RecentDenials } from './recent-denials';
import { simulatedTime } from './simulated-time';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Authenticates, validates, resolves the model and checks the entitlement (all in process), then
 * begins the call in one Redis round trip: the Idempotency-Key claim (or a stored response to
 * replay), the limits, and the call's started record (its audit record's first half).
 */
@Injectable()
export class CallAdmission {
  private readonly denials = new RecentDenials();

  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly catalog: ModelCatalog,
    private readonly access: ModelAccess,
    private readonly quota: QuotaService,
    private readonly recorder: CallRecorder,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  /** Everything before the limits: refusals here cost no Redis round trip and no upstream call. */
  async prepare(request: FastifyRequest): Promise<PreparedCall> {
    return this.measure(await this.screen(request));
  }

  /**
   * `prepare` but for the prompt's measurement (`measure`): key, body, model, entitlement and
   * output budget, which must all pass before an upstream hears of the call.
   */
  async screen(request: FastifyRequest): Promise<PreparedCall> {
    const startedAt = performance.now();
    const principal = await this.auth.authenticate(request.headers.authorization);
    const scope: CallScope = {
      organizationId: principal.organizationId,
      apiKeyId: principal.apiKeyId,
    };
    (request as ScopedRequest)[CALL_SCOPE] = scope;
    const req = parseChatRequest(request.body);
    const entry = this.catalog.get(req.model);
    if (!entry) throw OpenAIError.modelNotFound(req.model);
    scope.modelId = entry.model.id;
    await this.access.assertInvokable(principal, entry);

    const { model } = entry;
    const requested = requestedMaxTokens(req);
    if (requested !== null && requested > model.maxOutputTokens) {
      const param = req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
      throw OpenAIError.badRequest(
        `\`${param}\` is too large: ${model.slug} produces at most ${model.maxOutputTokens} tokens.`,
        param,
        'invalid_value',
      );
    }
    const maxTokens = requested ?? model.maxOutputTokens;
    const idempotency = this.idempotency(request, principal.organizationId);
    const requestId = typeof request.id === 'string' ? request.id : newCallId();
    const phases = {};
    (request as PhasedRequest)[PHASES] = phases;
    return {
      phases,
      requestId,
      completionId: `chatcmpl-${requestId.replace(/-/g, '')}`,
      idempotency,
      principal,
      entry,
      req,
      promptText: '',
      promptTokens: 0,
      measured: false,
      maxTokens,
      estimate: {
        organizationId: principal.organizationId,
        apiKeyId: principal.apiKeyId,
        teamId: principal.teamId ?? null,
        requestId,
        estimatedTokens: 0,
        estimatedCostMicros: 0n,
      },
      // the detection evaluation's simulated time (test-only flag, see simulated-time.ts)
      occurredAt: simulatedTime(request, this.env) ?? new Date(),
      startedAt,
      clientIp: request.ip ?? null,
      userAgent:
        typeof request.headers['user-agent'] === 'string'
          ? request.headers['user-agent'].slice(0, 256)
          : null,
      log: request.log,
    };
  }

  /**
   * The prompt's text (as audited) and tokens (the model's tokenizer), the context-window check and
   * the call's estimate (prompt + worst-case output, its cost): once per call, before its admission.
   * Tokenising a long prompt takes milliseconds (tiktoken: ~0.5 ms for 2,000 characters), so a
   * stream that may call its upstream first measures while the upstream works.
   */
  measure(call: PreparedCall): PreparedCall {
    if (call.measured) return call;
    const { req, entry } = call;
    const { model } = entry;
    const text = promptText(req);
    const promptTokens = promptTokensOf(req, model);
    if (promptTokens > model.contextWindow) {
      throw OpenAIError.badRequest(
        `The prompt exceeds ${model.slug}'s context window of ${model.contextWindow} tokens.`,
        'messages',
        'context_length_exceeded',
      );
    }
    const worstOutput = call.maxTokens * (req.n ?? 1);
    call.promptText = text;
    call.promptTokens = promptTokens;
    call.estimate.estimatedTokens = promptTokens + worstOutput;
    call.estimate.estimatedCostMicros =
      costOfTokens(promptTokens, model.inputPriceMicrosPerMTok) +
      costOfTokens(worstOutput, model.outputPriceMicrosPerMTok);
    call.measured = true;
    return call;
  }

  /**
   * Begins the call: admitted (with its started record durably accepted), a replay of the stored
   * response, or a thrown 409/429/503. Without Redis nothing is served (limits and the audit
   * record cannot be kept).
   */
  async begin(
    call: PreparedCall,
    delivered?: string,
    record = this.recorder.startedRecord(call),
  ): Promise<CallContext | Replay> {
    const ids = scopeIds(call);
    const result = await this.quota
      // Limits run on real time, never the detection evaluation's simulated time.
      .begin({
        ...call.estimate,
        idempotency: call.idempotency,
        record,
        delivered,
      })
      .catch((error: Error) =>
        this.refusedByRedis(call, error, 'call not begun: Redis refused it'),
      );
    switch (result.kind) {
      case 'admitted':
        this.denials.clear(ids);
        call.phases.admit = round(performance.now() - call.startedAt);
        return { ...call, admission: result.admission, limits: result.limits };
      case 'replay':
        return { replay: JSON.parse(result.stored) as Replay['replay'] };
      case 'in_use':
        throw new OpenAIError(
          409,
          'invalid_request_error',
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed; retry shortly to receive its response.',
          'Idempotency-Key',
          { 'retry-after': '1', 'x-should-retry': 'true' },
        );
      case 'reused':
        throw new OpenAIError(
          409,
          'invalid_request_error',
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
          'Idempotency-Key',
          { 'x-should-retry': 'false' },
        );
      case 'denied': {
        const d = result.denial;
        // A hard stop lasts at least a minute (until an operator or the month changes it).
        this.denials.note([deniedScopeId(call, d.scope)], d.hard ? 60 : d.retryAfterMs / 1000);
        throw limitError(d);
      }
    }
  }

  /**
   * Whether a plain (non-streamed) call may run its upstream call first and then be admitted and
   * finished in one round trip (`admitAndFinish`): it may overlap the upstream (no Idempotency-Key,
   * not refused recently) and what the last answers said about its organisation and key leaves it
   * clearly within its limits (QuotaService.clearlyWithin, a per-process guess; the script decides).
   */
  mayFinishInOne(call: PreparedCall): boolean {
    return this.mayOverlapUpstream(call) && this.quota.clearlyWithin(call.estimate);
  }

  /**
   * Admits and finishes a plain call whose upstream answered, in one atomic Redis step (limits,
   * spend, usage record, audit entry), retried briefly while the client waits. Returns the figures
   * for the x-ratelimit-* headers; throws the 429 of a refusal (nothing recorded, the answer is
   * discarded) or a 503 when Redis does not take it (not recorded, so not served).
   */
  async admitAndFinish(call: PreparedCall, outcome: CallOutcome): Promise<RateLimitState> {
    const f = this.recorder.finishInOne(call, outcome, 'succeeded');
    const finishing = this.quota
      .admitAndFinishWithin(call.estimate, f)
      .catch((error: Error) =>
        this.refusedByRedis(call, error, 'call not recorded: Redis refused it'),
      );
    // signed while the script is in flight; kept only once the script recorded the call
    const receipt = this.recorder.signReceipt(call, f);
    const limits = this.admittedInOne(call, await finishing);
    await this.recorder.keepReceipt(call, receipt);
    return limits;
  }

  /**
   * A call whose upstream failed before it was begun: recorded as failed (no charge) in one step,
   * off the response path. Nothing was delivered, so a record Redis refuses is only logged.
   */
  recordFailure(call: PreparedCall, streamed: boolean): void {
    const f = this.recorder.finishInOne(
      call,
      { inputTokens: 0, outputTokens: 0, text: '', finishReason: null, streamed },
      'failed',
    );
    this.quota.admitAndFinish(call.estimate, f).then(
      (r) =>
        r.kind === 'denied' &&
        this.denials.note([call.principal.organizationId, call.principal.apiKeyId], 1),
      (error: Error) =>
        call.log.warn(
          { err: error, meteringId: call.requestId },
          'failed call not recorded: Redis refused it',
        ),
    );
  }

  private admittedInOne(call: PreparedCall, result: AdmitFinishResult): RateLimitState {
    if (result.kind === 'denied') {
      const d = result.denial;
      this.denials.note([deniedScopeId(call, d.scope)], d.hard ? 60 : d.retryAfterMs / 1000);
      throw limitError(d);
    }
    this.denials.clear(scopeIds(call));
    // 'already': an earlier attempt was applied and its reply lost; its figures are gone with it.
    return result.kind === 'finished' ? result.limits : { requests: null, tokens: null };
  }

  private refusedByRedis(call: PreparedCall, error: Error, message: string): never {
    this.denials.note([call.principal.organizationId, call.principal.apiKeyId], 1);
    call.log.error({ err: error, meteringId: call.requestId }, message);
    throw call.entry.gated
      ? OpenAIError.unavailable(
          'The call could not be recorded in the audit log, so it was not served; retry shortly.',
          'audit_unavailable',
        )
      : OpenAIError.unavailable('The gateway cannot enforce limits right now; retry shortly.');
  }

  /**
   * Whether the upstream call may start while admission is in flight, which takes the limits'
   * Redis round trip off the latency path. Nothing is sent to the client or charged before the
   * call is admitted; a refused call's upstream result is discarded. Organisations and keys that
   * were refused recently wait for admission first, so throttling does not cost upstream capacity;
   * so do calls with an Idempotency-Key, whose duplicates must not reach the upstream at all.
   */
  mayOverlapUpstream(call: PreparedCall): boolean {
    return !call.idempotency && !this.denials.has(scopeIds(call));
  }

  /**
   * A client's Idempotency-Key, scoped to its organisation, with a hash of the body (canonical
   * JSON, so key order does not matter). X-Request-Id is never used here: it is only echoed and logged.
   */
  private idempotency(request: FastifyRequest, organizationId: string): IdempotencyClaim | null {
    const idem = request.headers['idempotency-key'];
    if (idem === undefined) return null;
    if (typeof idem !== 'string' || !IDEMPOTENCY_KEY.test(idem)) {
      throw OpenAIError.badRequest(
        'Idempotency-Key must be 1-128 characters of [A-Za-z0-9._:-].',
        'Idempotency-Key',
        'invalid_idempotency_key',
      );
    }
    return { key: `${organizationId}:${idem}`, bodyHash: sha256Hex(canonicalJson(request.body)) };
  }
}

export const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Hard stops (a spent cap, a call larger than the limit, a limit of zero) say `x-should-retry:
 * false`, so SDKs give up at once instead of sleeping; transient refusals carry the exact wait.
 */
function limitError(d: Denial): OpenAIError {
  const who = { organization: 'organisation', team: 'team', api_key: 'API key' }[d.scope];
  const wait = {
    'retry-after': String(Math.max(1, Math.ceil(d.retryAfterMs / 1000))),
    'retry-after-ms': String(d.retryAfterMs),
    'x-should-retry': 'true',
  };
  const stop = { 'x-should-retry': 'false' };
  switch (d.kind) {
    case 'spend':
      return new OpenAIError(
        429,
        'insufficient_quota',
        'insufficient_quota',
        `The ${who}'s monthly spend cap (${d.limit} micro-units) is reached, or what is left of it cannot cover this call's worst-case cost (lower max_tokens); calls resume next month or when the cap is raised.`,
        null,
        stop,
      );
    case 'spend_held':
      return new OpenAIError(
        429,
        'requests',
        'spend_cap_held',
        `The ${who}'s monthly spend cap (${d.limit} micro-units) is nearly reached: calls in flight hold the rest. Retry shortly, or lower max_tokens.`,
        null,
        wait,
      );
    case 'too_large':
      return new OpenAIError(
        429,
        'tokens',
        'request_too_large',
        `This request needs more tokens than the ${who}'s limit of ${d.limit} tokens per minute allows; lower max_tokens or the prompt.`,
        null,
        stop,
      );
    case 'blocked':
      return new OpenAIError(
        429,
        'requests',
        'rate_limit_blocked',
        `The ${who}'s rate limit is set to zero; calls are blocked until it is raised.`,
        null,
        stop,
      );
    default: {
      const unit = d.kind === 'requests' ? 'requests' : 'tokens';
      return new OpenAIError(
        429,
        unit,
        'rate_limit_exceeded',
        `Rate limit reached for the ${who}: ${d.limit} ${unit} per minute.`,
        null,
        wait,
      );
    }
  }
}

/** OpenAI's x-ratelimit-* headers (reset as "1s", "6m0s", "20ms"). */
export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [name, v] of [
    ['requests', s.requests],
    ['tokens', s.tokens],
  ] as const) {
    if (!v) continue;
    h[`x-ratelimit-limit-${name}`] = String(v.limit);
    h[`x-ratelimit-remaining-${name}`] = String(Math.max(0, v.remaining));
    h[`x-ratelimit-reset-${name}`] = duration(v.resetMs);
  }
  return h;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.round(ms / 10) / 100;
  const m = Math.floor(s / 60);
  const rest = Math.round((s - m * 60) * 100) / 100;
  return m ? `${m}m${rest}s` : `${rest}s`;
}

/** The ids of a call's limit scopes (organisation, team when its key has one, key): RecentDenials' keys. */
function scopeIds(call: PreparedCall): string[] {
  const { organizationId, teamId, apiKeyId } = call.estimate;
  return teamId ? [organizationId, teamId, apiKeyId] : [organizationId, apiKeyId];
}

/** The id of the scope a refusal named: a team's refusal holds back every key of the team. */
function deniedScopeId(call: PreparedCall, scope: LimitScope): string {
  const { organizationId, teamId, apiKeyId } = call.estimate;
  return scope === 'organization' ? organizationId : scope === 'team' && teamId ? teamId : apiKeyId;
}
