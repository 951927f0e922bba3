/** The benchmark's upstream: a fixed OpenAI chat completion, as cheap as node:http allows. */
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-upstream',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A velvet rope makes access feel earned.' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 },
});

/** `/embeddings`: one fixed 1536-dimension vector (as text-embedding-3-small), base64 as the SDKs ask by default. */
const embeddings = JSON.stringify({
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: Buffer.from(new Float32Array(1536).fill(0.025).buffer).toString('base64') }],
  model: 'bench-upstream',
  usage: { prompt_tokens: 14, total_tokens: 14 },
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const out = req.url?.endsWith('/embeddings') ? embeddings : body;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\n'));
