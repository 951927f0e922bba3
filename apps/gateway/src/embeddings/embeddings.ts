import { countTextTokens, type Model } from '@velvet/catalog';
import { z } from 'zod';
import { bodyObject, invalid } from '../endpoints/prepare-as-chat';
import { OpenAIError } from '../http/openai-error';
import { openAICompatible } from '../metrics/instrumented-upstream';
import {
  embeddingBase64,
  nativeDimensions,
  simulatedEmbedding,
} from '../upstream/simulator/embedding';
import {
  type Completion,
  type StreamEvent,
  type Upstream,
  type UpstreamRequest,
  UpstreamError,
} from '../upstream/upstream.types';

type Json = Record<string, unknown>;
const tokens = z.array(z.int().min(0)).min(1);

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1).max(128),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    tokens,
    z.array(tokens).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.int().min(1).nullish(),
  user: z.string().max(256).nullish(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const r = embeddingsRequestSchema.safeParse(bodyObject(body));
  if (!r.success) throw invalid(r.error.issues);
  return r.data;
}

/**
 * Most tokens the inputs of one request may total: OpenAI's limit for an embeddings request. It
 * also bounds what counting costs (one 4 MB body of 2,048 short texts was counted to its end).
 */
export const MAX_REQUEST_TOKENS = 300_000;

/**
 * Each input as text (token arrays as their ids, for the audit) with its token count. Counting
 * stops past the model's context window for one input, and past `MAX_REQUEST_TOKENS` for all of
 * them (later inputs then count 0): either is refused, see assertInputsFit.
 */
export function embeddingInputs(
  req: EmbeddingsRequest,
  model: Pick<Model, 'tokenizer' | 'contextWindow'>,
): { text: string; tokens: number }[] {
  const input = req.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (texts.length && typeof texts[0] === 'number')
    return [{ text: (texts as number[]).join(' '), tokens: texts.length }];
  return countWithin(texts as (string | number[])[], model);
}

/** Token counts of texts (or token arrays) within the window each and the request's total. */
export function countWithin<T extends string | number[]>(
  texts: T[],
  model: Pick<Model, 'tokenizer' | 'contextWindow'>,
): { text: string; tokens: number }[] {
  let left = MAX_REQUEST_TOKENS;
  return texts.map((t) => {
    const text = typeof t === 'string' ? t : t.join(' ');
    const limit = Math.min(model.contextWindow, left + 1);
    const tokens =
      left < 0 ? 0 : typeof t === 'string' ? countTextTokens(t, model.tokenizer, limit) : t.length;
    left -= tokens;
    return { text, tokens };
  });
}

/**
 * Checks each input against the model's context window (OpenAI refuses an input longer than the
 * model takes), then their total against `MAX_REQUEST_TOKENS`.
 */
export function assertInputsFit(
  inputs: { tokens: number }[],
  model: Pick<Model, 'contextWindow' | 'slug'>,
): void {
  const at = inputs.findIndex((i) => i.tokens > model.contextWindow);
  if (at >= 0) {
    throw OpenAIError.badRequest(
      `Input ${at} exceeds ${model.slug}'s context window of ${model.contextWindow} tokens.`,
      'input',
      'context_length_exceeded',
    );
  }
  if (inputs.reduce((n, i) => n + i.tokens, 0) > MAX_REQUEST_TOKENS)
    throw OpenAIError.badRequest(
      `The inputs of one request may total at most ${MAX_REQUEST_TOKENS} tokens; send them in several requests.`,
      'input',
      'max_tokens_per_request',
    );
}

/**
 * Embeddings for one call: the simulator's deterministic vectors (of the model's dimension, or the
 * requested `dimensions`), or the body passed to an OpenAI-compatible upstream's `/embeddings`.
 * Metered as input tokens only; the audited "completion" is empty.
 */
export class EmbeddingsUpstream implements Upstream {
  constructor(
    private readonly upstream: Upstream,
    private readonly req: EmbeddingsRequest,
    private readonly inputs: { text: string; tokens: number }[],
  ) {}

  async complete(call: UpstreamRequest): Promise<Completion> {
    const direct = openAICompatible(this.upstream);
    if (direct) {
      const body = await direct.post('embeddings', this.req, call);
      body.model = call.model.slug;
      const usage = body.usage as { prompt_tokens?: number } | undefined;
      return {
        body,
        text: '',
        finishReason: 'stop',
        inputTokens: usage?.prompt_tokens ?? call.promptTokens,
        outputTokens: 0,
      };
    }
    const native = nativeDimensions(call.model.slug);
    const dims = this.req.dimensions ?? native;
    if (dims > native)
      throw new UpstreamError(
        400,
        'invalid_value',
        `\`dimensions\` must be at most ${native} for ${call.model.slug}.`,
      );
    const base64 = this.req.encoding_format === 'base64';
    const data = this.inputs.map((input, index) => {
      const v = simulatedEmbedding(input.text, dims);
      return { object: 'embedding', index, embedding: base64 ? embeddingBase64(v) : Array.from(v) };
    });
    const usage = { prompt_tokens: call.promptTokens, total_tokens: call.promptTokens };
    const body: Json = { object: 'list', data, model: call.model.slug, usage };
    return {
      body,
      text: '',
      finishReason: 'stop',
      inputTokens: call.promptTokens,
      outputTokens: 0,
    };
  }

  stream(): AsyncIterable<StreamEvent> {
    throw new UpstreamError(400, 'invalid_value', 'Embeddings are not streamed.');
  }
}
