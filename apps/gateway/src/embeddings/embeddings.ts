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
 * Each input as text (token arrays as their ids, for the audit) with its token count. An input's
 * count stops past the model's context window (it is refused then, see assertInputsFit).
 */
export function embeddingInputs(
  req: EmbeddingsRequest,
  model: Pick<Model, 'tokenizer' | 'contextWindow'>,
): { text: string; tokens: number }[] {
  const input = req.input;
  if (typeof input === 'string')
    return [{ text: input, tokens: countTextTokens(input, model.tokenizer, model.contextWindow) }];
  if (input.length && typeof input[0] === 'number')
    return [{ text: (input as number[]).join(' '), tokens: input.length }];
  if (typeof input[0] === 'string')
    return (input as string[]).map((t) => ({
      text: t,
      tokens: countTextTokens(t, model.tokenizer, model.contextWindow),
    }));
  return (input as number[][]).map((t) => ({ text: t.join(' '), tokens: t.length }));
}

/** Checks each input against the model's context window (OpenAI refuses an input longer than the model takes). */
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
