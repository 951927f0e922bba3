/**
 * The stack's floor: the least a proxy built from the gateway's own parts (Fastify, undici, ioredis,
 * JSON in and out) can cost, to split the gateway's CPU per call into what the stack costs anyway and
 * what the gateway's own work adds. It checks a bearer key against a Map, parses the body, forwards it
 * re-serialised through an undici Pool, parses the upstream's JSON and sends it back serialised. With
 * a Redis URL it also runs one small Lua script per call (a spend counter and an XADD of the call's
 * record): the one round trip a billed, audited call needs at least. `FLOOR_SERVER=node` serves with
 * node:http instead of Fastify (what Fastify itself costs).
 *
 * A streamed request (`"stream": true`) is piped as it comes, except that with Redis its first piece
 * of text is written ahead by the same script before any byte is sent, and the call is settled by it
 * again before the stream's end: the least a gateway costs whose client never holds text that is in
 * no record (docs/billing.md), so its time to the first chunk is that design's floor on this machine.
 *
 * node stack-floor-proxy.js <port> <upstreamPort> [redisUrl] [keyPrefix]
 */
import { createServer, type ServerResponse } from 'node:http';
import Fastify from 'fastify';
import IORedis from 'ioredis';
import { Pool } from 'undici';
import { useLeanAsyncResourceBind } from '../../apps/gateway/src/runtime/lean-async-bind';

// As the gateway's own process does (docs/performance.md, "Garbage collection"): without it every
// Fastify request's objects are promoted, and the floor would be a worse Fastify than the gateway's.
useLeanAsyncResourceBind();

const [port, upstreamPort] = process.argv.slice(2, 4).map(Number);
const [redisUrl, keyPrefix = 'bench-floor'] = process.argv.slice(4);
const upstream = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 64 });
const redis = redisUrl ? new IORedis(redisUrl, { enableAutoPipelining: false }) : null;
// EVALSHA as the gateway's scripts (ioredis's defineCommand).
redis?.defineCommand('settle', {
  numberOfKeys: 2,
  lua: `redis.call('INCRBY', KEYS[1], ARGV[1])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'r', ARGV[2])`,
});
type Settle = (...args: (string | number)[]) => Promise<unknown>;
const keys = new Map([['Bearer bench-floor-key', 'org-1']]);

interface Completion {
  id: string;
  usage?: { total_tokens: number };
}

/** The one script of a call (with Redis only): the organisation's counter, and the call's record. */
const settle = (org: string, amount: number, record: object): Promise<unknown> =>
  (redis as unknown as { settle: Settle }).settle(
    `${keyPrefix}:spend:${org}`,
    `${keyPrefix}:records`,
    amount,
    JSON.stringify({ org, ...record }),
  );

/** The client's body, re-serialised, to the upstream. */
const forward = (body: unknown) =>
  upstream.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The call itself, whatever serves it: status and body to send back. */
async function call(authorization: string | undefined, body: unknown): Promise<[number, unknown]> {
  const org = keys.get(authorization ?? '');
  if (!org) return [401, { error: { message: 'bad key' } }];
  const res = await forward(body);
  const completion = (await res.body.json()) as Completion;
  if (redis)
    await settle(org, completion.usage?.total_tokens ?? 0, {
      id: completion.id,
      usage: completion.usage,
    });
  return [res.statusCode, completion];
}

/** A streamed call: the upstream's bytes as they come, the first and the end each after a write-ahead. */
async function stream(
  authorization: string | undefined,
  body: unknown,
  res: ServerResponse,
): Promise<void> {
  const org = keys.get(authorization ?? '');
  if (!org) return void res.writeHead(401).end();
  const upstreamRes = await forward(body);
  let started = false;
  for await (const piece of upstreamRes.body) {
    if (!started) {
      const text = (piece as Buffer).toString();
      if (redis) await settle(org, text.length, { text });
      res.writeHead(upstreamRes.statusCode, { 'content-type': 'text/event-stream' });
      started = true;
    }
    res.write(piece);
  }
  if (redis) await settle(org, 0, { text: '' });
  res.end();
}

const isStream = (body: unknown) => (body as { stream?: unknown } | null)?.stream === true;
const ready = () => process.stdout.write('ready\n');
if (process.env.FLOOR_SERVER === 'node') {
  createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(parts).toString());
      } catch {
        return void res.writeHead(400).end();
      }
      if (isStream(body))
        return void stream(req.headers.authorization, body, res).catch(() => res.destroy());
      call(req.headers.authorization, body).then(
        ([status, reply]) => {
          const text = JSON.stringify(reply);
          res.writeHead(status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
          });
          res.end(text);
        },
        () => res.writeHead(502).end(),
      );
    });
  }).listen(port, '127.0.0.1', ready);
} else {
  const app = Fastify({ logger: false });
  app.post('/v1/chat/completions', async (request, reply) => {
    if (isStream(request.body)) {
      reply.hijack();
      return stream(request.headers.authorization, request.body, reply.raw).catch(() =>
        reply.raw.destroy(),
      );
    }
    const [status, body] = await call(request.headers.authorization, request.body);
    return reply.code(status).send(body);
  });
  void app.listen({ port, host: '127.0.0.1' }).then(ready);
}
// Exit by itself on SIGTERM, so that a `--cpu-prof` run writes its profile.
process.once('SIGTERM', () => process.exit(0));
