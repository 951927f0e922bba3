import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { bufferedRequest } from './buffered-request';
import { Cancellation } from './upstream.types';

/** Against a real loopback server: what `request()` + `body.json()` gave, without the stream. */
describe('bufferedRequest', () => {
  let server: Server;
  let pool: Pool;
  const opts = (path: string) => ({
    path,
    method: 'POST' as const,
    body: '{}',
    headersTimeout: 500,
    bodyTimeout: 500,
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/chunks') {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.write('\uFEFF{"error":{"message":"sl');
        setTimeout(() => res.end('ow down ✓"}}'), 5);
      } else if (req.url === '/silent') {
        // never answers: the headers timeout, or the caller's cancellation, ends it
      } else res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await pool.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('joins a body sent in pieces, decodes UTF-8 without its byte-order mark, and reads headers', async () => {
    const res = await bufferedRequest(pool, opts('/chunks'), new Cancellation());
    expect(res.statusCode).toBe(429);
    expect(res.header('retry-after')).toBe('7');
    expect(res.header('x-absent')).toBeUndefined();
    expect(JSON.parse(res.text())).toEqual({ error: { message: 'slow down ✓' } });
  });

  it('rejects with undici’s abort error when the call is cancelled, before or during the request', async () => {
    const before = new Cancellation();
    before.cancel();
    await expect(bufferedRequest(pool, opts('/ok'), before)).rejects.toMatchObject({
      code: 'UND_ERR_ABORTED',
    });
    const during = new Cancellation();
    const pending = bufferedRequest(pool, opts('/silent'), during);
    setTimeout(() => during.cancel(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(during.listenerCount('abort')).toBe(0);
  });

  it('rejects with the headers timeout of an upstream that never answers', async () => {
    await expect(
      bufferedRequest(pool, { ...opts('/silent'), headersTimeout: 50 }, new Cancellation()),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });
});
