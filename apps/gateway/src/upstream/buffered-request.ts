import { type Dispatcher, errors, util } from 'undici';
import type { Cancellation } from './upstream.types';

export interface BufferedResponse {
  statusCode: number;
  /** The response header named (lower case), if the upstream sent it. */
  header(name: string): string | undefined;
  /** The whole body, decoded as UTF-8 (a byte-order mark dropped, as undici's `body.json()` does). */
  text(): string;
}

/**
 * One upstream request whose whole answer is wanted at once (a plain completion, an embedding):
 * undici's `dispatch` with a handler that keeps the body's chunks. `pool.request()` wraps every
 * answer in a Readable stream (its events, ticks and buffering: ~10 % of a plain call's CPU in the
 * gateway's profile, docs/performance.md) only for `body.json()` to read it back. Same options and
 * errors as `request()`: timeouts and connection errors reject with undici's errors, and a
 * cancelled call rejects with its `RequestAbortedError`.
 */
export function bufferedRequest(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  cancellation: Cancellation,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (cancellation.aborted) return reject(new errors.RequestAbortedError());
    let abortRequest: ((reason: Error) => void) | null = null;
    let statusCode = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    let length = 0;
    const onCancel = () => abortRequest?.(new errors.RequestAbortedError());
    cancellation.once('abort', onCancel);
    const settle = () => cancellation.off('abort', onCancel);
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortRequest = abort;
        if (cancellation.aborted) abort(new errors.RequestAbortedError());
      },
      onHeaders(status, headers) {
        statusCode = status;
        rawHeaders = headers as Buffer[];
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        length += chunk.length;
        return true;
      },
      onComplete() {
        settle();
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
        resolve({
          statusCode,
          header: (name) => {
            const value = util.parseHeaders(rawHeaders)[name];
            return Array.isArray(value) ? value[0] : value;
          },
          text: () => {
            const s = body.toString('utf8');
            return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
          },
        });
      },
      onError(error) {
        settle();
        reject(error);
      },
    };
    dispatcher.dispatch(opts, handler);
  });
}
