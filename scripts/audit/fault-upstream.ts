/**
 * The fault test's upstream: an OpenAI-compatible completion whose text depends on the prompt
 * (every call's text differs), plain or streamed (8 chunks, 25 ms apart, usage last), so streams
 * are in flight whenever a fault strikes.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const CHUNKS = 8;

const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const body = JSON.parse(raw) as { stream?: boolean; messages: { content: string }[] };
    const seed = createHash('sha256').update(JSON.stringify(body.messages)).digest('hex');
    const words = Array.from(
      { length: CHUNKS },
      (_, i) => `${i ? ' ' : ''}w${seed.slice(i * 4, i * 4 + 4)}`,
    );
    const base = { id: `up-${seed.slice(0, 8)}`, created: 1, model: 'fault-upstream' };
    const usage = {
      prompt_tokens: 20,
      completion_tokens: CHUNKS * 2,
      total_tokens: 20 + CHUNKS * 2,
    };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          usage,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: words.join('') },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
        }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, finish: string | null = null) => ({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    send(chunk({ role: 'assistant', content: '' }));
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return void clearInterval(timer);
      if (i < CHUNKS) return void send(chunk({ content: words[i++] }));
      clearInterval(timer);
      send(chunk({}, 'stop'));
      send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
      res.end('data: [DONE]\n\n');
    }, 25);
    res.on('close', () => clearInterval(timer));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\n'));
