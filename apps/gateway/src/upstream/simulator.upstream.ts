import { setTimeout as sleep } from 'node:timers/promises';
import { fnv1a } from './simulator/random';
import { type PlannedChoice, planChoices } from './simulator/plan';
import { checkSimulatorRequest } from './simulator/request-check';
import { joinPieces, type Piece } from './simulator/token-pieces';
import type { Completion, StreamEvent, Upstream, UpstreamRequest } from './upstream.types';

type Json = Record<string, unknown>;

/** Changes only when the simulator's behaviour does: what `seed` promises determinism against. */
const SYSTEM_FINGERPRINT = 'fp_velvet_sim_2';

/** The text a client receives for a choice: content, or tool names and arguments (what is counted and audited). */
const deliveredText = (c: PlannedChoice): string =>
  c.content
    ? joinPieces(c.content)
    : c.toolCalls.map((t) => t.name + joinPieces(t.arguments)).join('');

/** OpenAI's logprobs entries for pieces: deterministic log probabilities and alternatives. */
function logprobsOf(pieces: readonly Piece[], top: number): Json[] {
  const out: Json[] = [];
  for (const piece of pieces) {
    for (const token of piece.tokens) {
      const h = fnv1a(token, out.length);
      const logprob = -((h % 2000) / 1000 + 0.001);
      const entry = (t: string, lp: number) => ({
        token: t,
        logprob: lp,
        bytes: [...Buffer.from(t, 'utf8')],
      });
      const alternatives = Array.from({ length: Math.max(0, top - 1) }, (_, k) =>
        entry(`${token}${'_'.repeat(k + 1)}`, logprob - 1 - k),
      );
      out.push({
        ...entry(token, logprob),
        top_logprobs: top > 0 ? [entry(token, logprob), ...alternatives] : [],
      });
    }
  }
  return out;
}

/**
 * The built-in upstream: a deterministic OpenAI-compatible model with no network. It honours
 * `tools`/`tool_choice` (well-formed tool calls, streamed too), `response_format` (json_object,
 * json_schema: valid JSON matching the schema), `logprobs`/`top_logprobs`, `stop`, `n`, `seed`
 * and max tokens (in the model's own tokenizer), and refuses with a 400 what it cannot honour.
 * The demo, the tests and the benchmarks run offline on it.
 */
export class SimulatorUpstream implements Upstream {
  constructor(private readonly tokenDelayMs = 0) {}

  async complete(call: UpstreamRequest): Promise<Completion> {
    const choices = planChoices(call, checkSimulatorRequest(call.req));
    const outputTokens = choices.reduce((s, c) => s + c.outputTokens, 0);
    const top = call.req.top_logprobs ?? 0;
    return {
      inputTokens: call.promptTokens,
      outputTokens,
      text: choices.map(deliveredText).join('\n'),
      finishReason: choices[0].finishReason,
      body: {
        id: call.completionId,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: call.model.slug,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: choices.map((c, index) => ({
          index,
          message: {
            role: 'assistant',
            content: c.content ? joinPieces(c.content) : null,
            refusal: null,
            ...(c.toolCalls.length
              ? {
                  tool_calls: c.toolCalls.map((t) => ({
                    id: t.id,
                    type: 'function',
                    function: { name: t.name, arguments: joinPieces(t.arguments) },
                  })),
                }
              : {}),
          },
          logprobs: call.req.logprobs
            ? { content: c.content ? logprobsOf(c.content, top) : null, refusal: null }
            : null,
          finish_reason: c.finishReason,
        })),
        usage: {
          prompt_tokens: call.promptTokens,
          completion_tokens: outputTokens,
          total_tokens: call.promptTokens + outputTokens,
        },
      },
    };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    // Checked before the first event, so a refusal is a proper HTTP 400.
    const choices = planChoices(call, checkSimulatorRequest(call.req));
    const created = Math.floor(Date.now() / 1000);
    const base = {
      id: call.completionId,
      object: 'chat.completion.chunk',
      created,
      model: call.model.slug,
      system_fingerprint: SYSTEM_FINGERPRINT,
    };
    const top = call.req.top_logprobs ?? 0;
    const withLogprobs = call.req.logprobs === true;
    let outputTokens = 0;
    // Only a paced stream (the demo's) waits, so only it needs a signal for the timers.
    const signal = this.tokenDelayMs > 0 ? call.cancellation.toAbortSignal() : undefined;
    const chunk = (
      index: number,
      delta: Json,
      extra: Json = {},
      finishReason: string | null = null,
    ) => ({
      ...base,
      choices: [{ index, delta, ...extra, finish_reason: finishReason }],
    });
    for (let index = 0; index < choices.length; index++) {
      const c = choices[index];
      yield {
        kind: 'chunk',
        text: '',
        finishReason: null,
        chunk: chunk(index, { role: 'assistant', content: c.content ? '' : null, refusal: null }),
      };
      for (const piece of c.content ?? []) {
        if (signal) await sleep(this.tokenDelayMs, undefined, { signal });
        const extra = withLogprobs
          ? { logprobs: { content: logprobsOf([piece], top), refusal: null } }
          : {};
        yield {
          kind: 'chunk',
          text: piece.text,
          finishReason: null,
          chunk: chunk(index, { content: piece.text }, extra),
        };
      }
      for (const [i, tool] of c.toolCalls.entries()) {
        yield {
          kind: 'chunk',
          text: tool.name,
          finishReason: null,
          chunk: chunk(index, {
            tool_calls: [
              {
                index: i,
                id: tool.id,
                type: 'function',
                function: { name: tool.name, arguments: '' },
              },
            ],
          }),
        };
        for (const piece of tool.arguments) {
          if (signal) await sleep(this.tokenDelayMs, undefined, { signal });
          yield {
            kind: 'chunk',
            text: piece.text,
            finishReason: null,
            chunk: chunk(index, {
              tool_calls: [{ index: i, function: { arguments: piece.text } }],
            }),
          };
        }
      }
      outputTokens += c.outputTokens;
      yield {
        kind: 'chunk',
        text: '',
        finishReason: c.finishReason,
        chunk: chunk(index, {}, withLogprobs ? { logprobs: null } : {}, c.finishReason),
      };
    }
    const usage = {
      prompt_tokens: call.promptTokens,
      completion_tokens: outputTokens,
      total_tokens: call.promptTokens + outputTokens,
    };
    yield {
      kind: 'usage',
      usage: { inputTokens: call.promptTokens, outputTokens },
      chunk: { ...base, choices: [], usage },
    };
  }
}
