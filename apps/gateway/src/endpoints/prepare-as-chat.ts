import { canonicalJson } from '@velvet/audit';
import { costOfTokens, sha256Hex } from '@velvet/common';
import type { Model } from '@velvet/catalog';
import type { FastifyRequest } from 'fastify';
import { CallAdmission } from '../chat/call-admission';
import { MAX_BODY_DEPTH, tooDeep } from '../chat/chat-request.schema';
import { PHASES, type PhasedRequest, type PreparedCall } from '../chat/call-context';
import { OpenAIError } from '../http/openai-error';

/** How an endpoint's request is put through the chat gate. */
export interface ChatTranslation {
  /** Which endpoint: part of the Idempotency-Key body hash, so one key cannot replay across endpoints. */
  endpoint: string;
  /** A chat-completions body the admission validates and meters (model, messages, max tokens, n...). */
  chatBody: Record<string, unknown>;
  /** The id prefix of the response (`resp_`, `cmpl-`, `modr-`...), followed by the call id's hex. */
  idPrefix: string;
  /** The chat parameter names an error may name, and what the client called them (`messages` -> `input`). */
  params?: Record<string, string>;
  /**
   * Exact figures for endpoints that are not chat (embeddings, moderations): their prompt and output
   * budget, counted with the model's tokenizer once admission has resolved (and unlocked) the model.
   */
  prompt?: (model: Model) => { text: string; tokens: number; maxTokens: number };
}

/**
 * Puts another endpoint's request through the very gate chat completions use (`CallAdmission.prepare`:
 * key, model, entitlement, context window; then `begin`: limits, idempotency, started record), by
 * handing it the request's chat translation. The Idempotency-Key hash is of the body the client
 * sent, not of the translation; endpoints that are not chat carry their exact prompt and a zero
 * output budget, so the spend hold and the token reservation are theirs.
 */
export async function prepareAsChat(
  admission: CallAdmission,
  request: FastifyRequest,
  t: ChatTranslation,
): Promise<PreparedCall> {
  const translated = Object.create(request, {
    body: { value: t.chatBody, enumerable: true },
  }) as FastifyRequest;
  let call: PreparedCall;
  try {
    call = await admission.prepare(translated);
  } catch (error) {
    throw renamed(error, t.params);
  }
  (request as PhasedRequest)[PHASES] = call.phases;
  const hex = call.requestId.replace(/-/g, '');
  call.completionId = `${t.idPrefix}${hex}`;
  if (call.idempotency)
    call.idempotency = {
      key: call.idempotency.key,
      bodyHash: sha256Hex(canonicalJson({ endpoint: t.endpoint, body: request.body })),
    };
  if (t.prompt) {
    const m = call.entry.model;
    const p = t.prompt(m);
    call.promptText = p.text;
    call.promptTokens = p.tokens;
    call.maxTokens = p.maxTokens;
    call.estimate = {
      ...call.estimate,
      estimatedTokens: p.tokens + p.maxTokens,
      estimatedCostMicros:
        costOfTokens(p.tokens, m.inputPriceMicrosPerMTok) +
        costOfTokens(p.maxTokens, m.outputPriceMicrosPerMTok),
    };
  }
  return call;
}

function renamed(error: unknown, params: Record<string, string> | undefined): unknown {
  if (!(error instanceof OpenAIError) || !params || !error.param) return error;
  const head = error.param.split('.')[0];
  const to = params[head];
  if (!to) return error;
  const message = error.message.split(`\`${head}`).join(`\`${to}`);
  return new OpenAIError(error.status, error.type, error.code, message, to, error.headers);
}

/** The body must be a JSON object (Fastify leaves it undefined without one). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw OpenAIError.badRequest('The request body must be a JSON object.');
  }
  const deep = tooDeep(body);
  if (deep !== null) {
    const param = deep.split('.')[0];
    throw OpenAIError.badRequest(
      `Invalid value for \`${param}\`: the body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
      param,
      'invalid_value',
    );
  }
  return body as Record<string, unknown>;
}

/** A zod failure as OpenAI's 400 naming the parameter. */
export function invalid(issues: readonly { path: PropertyKey[]; message: string }[]): OpenAIError {
  const issue = issues[0];
  const param = issue.path.map(String).join('.') || null;
  return OpenAIError.badRequest(
    `Invalid value for \`${param ?? 'body'}\`: ${issue.message}`,
    param,
    'invalid_value',
  );
}
