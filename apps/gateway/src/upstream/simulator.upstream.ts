import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion, StreamEvent, Upstream, UpstreamRequest } from './upstream.types';

const WORDS = (
  'the velvet rope opens for those who wait model answer token gateway premium signal quiet ' +
  'contract spend window audit ledger merkle river stone light north field glass orbit amber ' +
  'harbor cedar lantern meadow summit echo thread canvas copper willow ember atlas signal prism'
).split(' ');

/** FNV-1a: a fast, stable hash, so the same prompt always gets the same answer. */
function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface SimChoice {
  words: string[];
  finishReason: 'stop' | 'length';
}

/**
 * The built-in upstream: deterministic answers derived from the prompt, one word per token, no
 * network. The demo, the tests and the benchmarks run offline on it.
 */
export class SimulatorUpstream implements Upstream {
  constructor(private readonly tokenDelayMs = 0) {}

  private choices(call: UpstreamRequest): SimChoice[] {
    const n = call.req.n ?? 1;
    const seed = call.req.seed ?? 0;
    return Array.from({ length: n }, (_, i) => {
      let h = fnv1a(call.promptText, seed + i);
      const wanted = 8 + (h % 40);
      const count = Math.min(wanted, call.maxTokens);
      const words: string[] = [];
      for (let w = 0; w < count; w++) {
        h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
        words.push(WORDS[h % WORDS.length]);
      }
      return { words, finishReason: wanted > call.maxTokens ? 'length' : 'stop' };
    });
  }

  async complete(call: UpstreamRequest): Promise<Completion> {
    const choices = this.choices(call);
    const outputTokens = choices.reduce((s, c) => s + c.words.length, 0);
    const texts = choices.map((c) => c.words.join(' '));
    return {
      inputTokens: call.promptTokens,
      outputTokens,
      text: texts.join('\n'),
      finishReason: choices[0].finishReason,
      body: {
        id: call.completionId,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: call.model.slug,
        choices: choices.map((c, index) => ({
          index,
          message: { role: 'assistant', content: texts[index], refusal: null },
          logprobs: null,
          finish_reason: c.finishReason,
        })),
        usage: { prompt_tokens: call.promptTokens, completion_tokens: outputTokens, total_tokens: call.promptTokens + outputTokens },
      },
    };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    const created = Math.floor(Date.now() / 1000);
    const base = { id: call.completionId, object: 'chat.completion.chunk', created, model: call.model.slug };
    const choices = this.choices(call);
    let outputTokens = 0;
    // Only a paced stream (the demo's) waits, so only it needs a signal for the timers.
    const signal = this.tokenDelayMs > 0 ? call.cancellation.toAbortSignal() : undefined;
    for (let index = 0; index < choices.length; index++) {
      const { words, finishReason } = choices[index];
      yield { kind: 'chunk', text: '', finishReason: null, chunk: { ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] } };
      for (let w = 0; w < words.length; w++) {
        if (signal) await sleep(this.tokenDelayMs, undefined, { signal });
        const text = w === 0 ? words[w] : ` ${words[w]}`;
        outputTokens++;
        yield { kind: 'chunk', text, finishReason: null, chunk: { ...base, choices: [{ index, delta: { content: text }, finish_reason: null }] } };
      }
      yield { kind: 'chunk', text: '', finishReason, chunk: { ...base, choices: [{ index, delta: {}, finish_reason: finishReason }] } };
    }
    const usage = { prompt_tokens: call.promptTokens, completion_tokens: outputTokens, total_tokens: call.promptTokens + outputTokens };
    yield { kind: 'usage', usage: { inputTokens: call.promptTokens, outputTokens }, chunk: { ...base, choices: [], usage } };
  }
}

