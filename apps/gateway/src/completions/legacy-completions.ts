import { z } from 'zod';
import { bodyObject, invalid } from '../endpoints/prepare-as-chat';
import { OpenAIError } from '../http/openai-error';
import type {
  Completion,
  StreamEvent,
  Upstream,
  UpstreamRequest,
} from '../upstream/upstream.types';

type Json = Record<string, unknown>;

/** The legacy `/v1/completions` body (one prompt; no echo, suffix, best_of or logprobs). */
export const completionsRequestSchema = z.looseObject({
  model: z.string().min(1).max(128),
  prompt: z.union([z.string(), z.array(z.string()).length(1)]),
  max_tokens: z.int().min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  echo: z.literal(false).nullish(),
  suffix: z.null().optional(),
  best_of: z.literal(1).nullish(),
  logprobs: z.null().optional(),
});
export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;

const PASSED = [
  'temperature',
  'top_p',
  'n',
  'stop',
  'seed',
  'user',
  'presence_penalty',
  'frequency_penalty',
  'stream',
  'stream_options',
] as const;

export function parseCompletionsRequest(body: unknown): CompletionsRequest {
  const r = completionsRequestSchema.safeParse(bodyObject(body));
  if (!r.success) {
    const param = r.error.issues[0].path[0];
    if (param === 'prompt' && Array.isArray((body as Json).prompt))
      throw OpenAIError.badRequest(
        'Batched prompts are not supported: send one prompt per request.',
        'prompt',
        'unsupported_value',
      );
    if (['echo', 'suffix', 'best_of', 'logprobs'].includes(String(param)))
      throw OpenAIError.badRequest(
        `\`${String(param)}\` is not supported by this gateway.`,
        String(param),
        'unsupported_parameter',
      );
    throw invalid(r.error.issues);
  }
  return r.data;
}

/** The prompt as a chat request (one user message), with OpenAI's legacy default of 16 tokens. */
export function completionsAsChat(req: CompletionsRequest): Json {
  const body = req as Json; // validated once (parseCompletionsRequest); unknown keys kept
  const out: Json = {
    model: req.model,
    messages: [
      { role: 'user', content: typeof req.prompt === 'string' ? req.prompt : req.prompt[0] },
    ],
    max_tokens: req.max_tokens ?? 16,
  };
  for (const k of PASSED) if (body[k] != null) out[k] = body[k];
  return out;
}

const choicesOf = (choices: Json[] | undefined, text: (c: Json) => string): Json[] =>
  (choices ?? []).map((c, i) => ({
    text: text(c),
    index: c.index ?? i,
    logprobs: null,
    finish_reason: c.finish_reason ?? null,
  }));

/** Legacy completions over a chat upstream: `text_completion` objects and chunks, ids `cmpl-...`. */
export class CompletionsOverChat implements Upstream {
  constructor(private readonly chat: Upstream) {}

  private shape(call: UpstreamRequest, body: Json, choices: Json[]): Json {
    return {
      id: call.completionId,
      object: 'text_completion',
      created: body.created ?? Math.floor(Date.now() / 1000),
      model: call.model.slug,
      system_fingerprint: body.system_fingerprint ?? null,
      choices,
    };
  }

  async complete(call: UpstreamRequest): Promise<Completion> {
    const c = await this.chat.complete(call);
    const choices = choicesOf(c.body.choices as Json[], (ch) =>
      String((ch.message as Json | undefined)?.content ?? ''),
    );
    return { ...c, body: { ...this.shape(call, c.body, choices), usage: c.body.usage } };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    for await (const e of this.chat.stream(call)) {
      if (e.kind === 'usage') {
        yield { ...e, chunk: { ...this.shape(call, e.chunk, []), usage: e.chunk.usage } };
        continue;
      }
      const raw = e.chunk.choices as Json[] | undefined;
      if (!e.text && !e.finishReason) continue;
      yield {
        ...e,
        chunk: this.shape(
          call,
          e.chunk,
          choicesOf(raw, (ch) => String((ch.delta as Json | undefined)?.content ?? '')),
        ),
      };
    }
  }
}
