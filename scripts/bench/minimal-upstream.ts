/** The benchmark's upstream: a fixed OpenAI chat completion (or a fixed stream), as cheap as node:http allows. */
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-upstream',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'A velvet rope makes access feel earned.' },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 },
});

/** `/embeddings`: one fixed 1536-dimension vector (as text-embedding-3-small), base64 as the SDKs ask by default. */
const embeddings = JSON.stringify({
  object: 'list',
  data: [
    {
      object: 'embedding',
      index: 0,
      embedding: Buffer.from(new Float32Array(1536).fill(0.025).buffer).toString('base64'),
    },
  ],
  model: 'bench-upstream',
  usage: { prompt_tokens: 14, total_tokens: 14 },
});
const chunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-upstream', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const words = ['A velvet', ' rope makes', ' access', ' feel', ' earned.'];
// A longer stream, like a model's: BENCH_STREAM_CHUNKS text chunks after the first (default 4),
// BENCH_STREAM_GAP_MS apart (default 2).
const extraChunks = Number(process.env.BENCH_STREAM_CHUNKS ?? words.length - 1);
const gapMs = Number(process.env.BENCH_STREAM_GAP_MS ?? 2);
/** A stream: the first chunk carries text at once (what the bench's first-chunk probe times), then the rest `gapMs` apart. */
const first = chunk({ role: 'assistant', content: words[0] }, null);
const rest = [
  ...Array.from({ length: extraChunks }, (_, i) =>
    chunk({ content: words[1 + (i % (words.length - 1))] }, null),
  ),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-upstream', choices: [], usage: { prompt_tokens: 24, completion_tokens: 1 + 2 * extraChunks, total_tokens: 25 + 2 * extraChunks } })}\n\n`,
  'data: [DONE]\n\n',
];

const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (d: Buffer) => (raw.length < 4096 ? (raw += d) : undefined));
  req.on('end', () => {
    if (req.url?.endsWith('/embeddings')) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(embeddings),
      });
      return void res.end(embeddings);
    }
    if (!raw.includes('"stream":true')) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      return void res.end(body);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(first);
    let i = 0;
    const next = () =>
      i < rest.length - 1 ? (res.write(rest[i++]), setTimeout(next, gapMs)) : res.end(rest[i]);
    setTimeout(next, gapMs);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\n'));
