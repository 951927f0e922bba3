import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { naturalCompletionTokens, promptTokens } from './completion-length';

const WORDS = (
  'the a model answer because therefore result system process value data function example first second next finally ' +
  'however important structure theory method analysis history economy culture region people energy change pattern ' +
  'evidence source effect cause level rate growth form type part point case fact idea reason step proof claim'
).split(' ');

function words(seed: string, count: number): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    out[i] = WORDS[h % WORDS.length];
  }
  return out.join(' ');
}

/**
 * The model behind the gateway in the evaluation: an OpenAI-compatible server answering each
 * prompt with as many tokens as `lengthOf` says for its last message (the scenario's label-blind
 * naturalCompletionTokens, registered per text), cut at max_tokens with finish_reason "length".
 * It never sees who sends the prompt. One word per token.
 */
export async function startFakeUpstream(
  lengthOf: (lastMessage: string) => number | undefined = () => undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as {
        messages?: { content: string }[];
        max_tokens?: number;
        max_completion_tokens?: number;
        n?: number;
        model?: string;
      };
      const prompt = (body.messages ?? []).map((m) => m.content).join('\n');
      const max = body.max_completion_tokens ?? body.max_tokens ?? 4096;
      const last = body.messages?.[body.messages.length - 1]?.content ?? '';
      const natural = lengthOf(last) ?? naturalCompletionTokens(null, last);
      const count = Math.max(1, Math.min(natural, max));
      const choices = Array.from({ length: body.n ?? 1 }, (_, index) => ({
        index,
        message: { role: 'assistant', content: words(`${index}:${prompt}`, count) },
        logprobs: null,
        finish_reason: natural > max ? 'length' : 'stop',
      }));
      const payload = JSON.stringify({
        id: `chatcmpl-eval-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices,
        usage: {
          prompt_tokens: promptTokens(prompt),
          completion_tokens: count * choices.length,
          total_tokens: promptTokens(prompt) + count * choices.length,
        },
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
