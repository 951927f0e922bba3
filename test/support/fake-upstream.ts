import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  baseUrl: string;
  requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  /** Streams the gateway closed before their end. */
  aborted: string[];
  close(): Promise<void>;
}

const WORDS = ['alpha', ' beta', ' gamma'];

/**
 * A tiny OpenAI-compatible server on loopback. The upstream model name picks a behaviour:
 * `echo` answers, `slow` never answers in time, `broken` fails with 500, `picky` rejects with 400,
 * `dribble` streams for two seconds, `rapid` streams 50 chunks 2 ms apart.
 */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = [];
  const aborted: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      const model = String(body.model);
      if (model === 'slow')
        return void setTimeout(() => res.destroyed || res.end('{}'), 3000).unref();
      if (model === 'broken') return void res.writeHead(500).end('{"error":{"message":"boom"}}');
      if (model === 'picky') {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(
            '{"error":{"message":"logit_bias is not supported","type":"invalid_request_error"}}',
          );
      }
      const base = { id: 'up-1', created: 1, model };
      /** One SSE event: a chunk of one choice, or (`choices: []`) the usage chunk. */
      const event = (o: object) =>
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...o })}\n\n`;
      const chunk = (delta: object, finish: string | null = null) =>
        event({ choices: [{ index: 0, delta, finish_reason: finish }] });
      if (model === 'dribble') {
        // A long stream, one chunk every 50 ms; notes whether the gateway hung up before the end.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const timer = setInterval(() => {
          if (i++ === 40) return void (clearInterval(timer), res.end('data: [DONE]\n\n'));
          res.write(chunk({ content: 'x ' }));
        }, 50);
        res.on('close', () => {
          clearInterval(timer);
          if (i <= 40) aborted.push(model);
        });
        return;
      }
      if (model === 'rapid') {
        // A fast model: a chunk every 2 ms, then the finish and the usage.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const timer = setInterval(() => {
          if (i++ < 50) return void res.write(chunk({ content: 'y ' }));
          clearInterval(timer);
          res.write(chunk({}, 'stop'));
          const usage = { prompt_tokens: 11, completion_tokens: 50, total_tokens: 61 };
          res.end(`${event({ choices: [], usage })}data: [DONE]\n\n`);
        }, 2);
        res.on('close', () => clearInterval(timer));
        return;
      }
      const usage = { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 };
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
                message: { role: 'assistant', content: WORDS.join('') },
                finish_reason: 'stop',
                logprobs: null,
              },
            ],
          }),
        );
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const w of WORDS) res.write(chunk({ content: w }));
      res.write(chunk({}, 'stop'));
      if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
        res.write(event({ choices: [], usage }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    aborted,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
