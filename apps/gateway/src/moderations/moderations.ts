import type { Model } from '@velvet/catalog';
import { z } from 'zod';
import { assertInputsFit, countWithin } from '../embeddings/embeddings';
import { bodyObject, invalid } from '../endpoints/prepare-as-chat';
import { OpenAIError } from '../http/openai-error';
import { openAICompatible } from '../metrics/instrumented-upstream';
import { simulatedModeration } from '../upstream/simulator/moderation';
import {
  type Completion,
  type StreamEvent,
  type Upstream,
  type UpstreamRequest,
  UpstreamError,
} from '../upstream/upstream.types';

const textPart = z.looseObject({ type: z.string() });

/** The default model when a request names none, as OpenAI's API does. */
export const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';

export const moderationsRequestSchema = z.looseObject({
  model: z.string().min(1).max(128).nullish(),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(1024),
    z.array(textPart).min(1).max(1024),
  ]),
});
export type ModerationsRequest = z.infer<typeof moderationsRequestSchema>;

export function parseModerationsRequest(body: unknown): ModerationsRequest & { model: string } {
  const r = moderationsRequestSchema.safeParse(bodyObject(body));
  if (!r.success) throw invalid(r.error.issues);
  return { ...r.data, model: r.data.model ?? DEFAULT_MODERATION_MODEL };
}

/** The texts to classify: strings, or the `text` parts of a multimodal input (images are refused). */
export function moderationTexts(req: ModerationsRequest): string[] {
  if (typeof req.input === 'string') return [req.input];
  return (req.input as (string | { type: string; text?: unknown })[]).map((p, i) => {
    if (typeof p === 'string') return p;
    if (p.type === 'text' && typeof p.text === 'string') return p.text;
    throw OpenAIError.badRequest(
      `Input part type \`${p.type}\` is not supported by this model; only text is.`,
      `input.${i}.type`,
      'unsupported_value',
    );
  });
}

/**
 * The texts' tokens, counted and refused as embeddings inputs are (each within the model's context
 * window, all within `MAX_REQUEST_TOKENS`), so a body of megabytes is not counted to its end.
 */
export function moderationTokens(
  texts: string[],
  model: Pick<Model, 'tokenizer' | 'contextWindow' | 'slug'>,
): number {
  const inputs = countWithin(texts, model);
  assertInputsFit(inputs, model);
  return inputs.reduce((n, i) => n + i.tokens, 0);
}

/** Moderation for one call: the simulator's keyword classifier, or an OpenAI-compatible upstream's `/moderations`. */
export class ModerationsUpstream implements Upstream {
  constructor(
    private readonly upstream: Upstream,
    private readonly req: ModerationsRequest,
    private readonly texts: string[],
  ) {}

  async complete(call: UpstreamRequest): Promise<Completion> {
    const direct = openAICompatible(this.upstream);
    if (direct) {
      const body = await direct.post('moderations', this.req, call);
      body.model = call.model.slug;
      return {
        body,
        text: '',
        finishReason: 'stop',
        inputTokens: call.promptTokens,
        outputTokens: 0,
      };
    }
    const body = {
      id: call.completionId,
      model: call.model.slug,
      results: this.texts.map(simulatedModeration),
    };
    return {
      body,
      text: '',
      finishReason: 'stop',
      inputTokens: call.promptTokens,
      outputTokens: 0,
    };
  }

  stream(): AsyncIterable<StreamEvent> {
    throw new UpstreamError(400, 'invalid_value', 'Moderations are not streamed.');
  }
}
