import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SteppedUpstream {
  baseUrl: string;
  /** Every request body, exactly as the gateway sent it. */
  requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  /** The pieces the next stream sends, one per `step()`; plain calls answer with all of them at once. */
  pieces: string[];
  /** Sends the current stream's next piece. */
  step(): void;
  /** Resolves when the gateway has hung up on the current stream. */
  hungUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible upstream that reports no usage and streams only when the test says so
 * (`step()`), so a test knows exactly what the gateway could have forwarded before the client left.
 */
export async function startSteppedUpstream(): Promise<SteppedUpstream> {
  let next: (() => void) | null = null;
  let hungUp: Promise<void> = Promise.resolve();
  const upstream: SteppedUpstream = {
    baseUrl: '',
    requests: [],
    pieces: ['alpha', ' beta'],
    step: () => next?.(),
    hungUp: () => hungUp,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      upstream.requests.push({ headers: req.headers, body });
      const base = { id: 'up-stepped', created: 1, model: String(body.model) };
      const pieces = [...upstream.pieces];
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: pieces.join('') },
                finish_reason: 'stop',
                logprobs: null,
              },
            ],
          }),
        );
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (delta: object, finish: string | null = null) =>
        res.write(
          `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
        );
      send({ role: 'assistant', content: '' });
      hungUp = new Promise((resolve) => res.on('close', () => resolve()));
      let i = 0;
      next = () => {
        if (res.destroyed) return;
        if (i < pieces.length) return void send({ content: pieces[i++] });
        send({}, 'stop');
        res.end('data: [DONE]\n\n');
      };
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  upstream.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return upstream;
}
