import {
  UpstreamError,
  type Completion,
  type StreamEvent,
  type Upstream,
  type UpstreamRequest,
} from '../upstream/upstream.types';
import { OpenAICompatibleUpstream } from '../upstream/openai-compatible.upstream';
import type { GatewayMetrics } from './gateway-metrics';

const codeOf = (error: unknown): string =>
  error instanceof UpstreamError
    ? error.code
    : (error as Error)?.name === 'AbortError'
      ? 'aborted'
      : 'error';

/**
 * Times an upstream from the outside: a completion until it resolves, a stream until its last
 * event. One wrapper per adapter (cached by the registry), one closure per call.
 */
export class InstrumentedUpstream implements Upstream {
  constructor(
    readonly inner: Upstream,
    private readonly kind: string,
    private readonly metrics: GatewayMetrics,
  ) {}

  complete(call: UpstreamRequest): Promise<Completion> {
    const started = performance.now();
    return this.inner.complete(call).then(
      (completion) => {
        this.done('complete', started, null);
        return completion;
      },
      (error: unknown) => {
        this.done('complete', started, error);
        throw error;
      },
    );
  }

  stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    const inner = this.inner.stream(call);
    return {
      [Symbol.asyncIterator]: () => {
        const it = inner[Symbol.asyncIterator]();
        const started = performance.now();
        let finished = false;
        const finish = (error: unknown) => {
          if (finished) return;
          finished = true;
          this.done('stream', started, error);
        };
        return {
          next: () =>
            it.next().then(
              (r) => {
                if (r.done) finish(null);
                return r;
              },
              (error: unknown) => {
                finish(error);
                throw error;
              },
            ),
          return: (value?: unknown) => {
            finish(null);
            return it.return
              ? it.return(value)
              : Promise.resolve({ done: true as const, value: undefined });
          },
          throw: (error?: unknown) => {
            finish(error);
            return it.throw ? it.throw(error) : Promise.reject(error);
          },
        };
      },
    };
  }

  private done(mode: string, started: number, error: unknown): void {
    const outcome = error === null ? 'ok' : 'error';
    this.metrics.upstreamDuration.observe(
      { upstream: this.kind, mode, outcome },
      (performance.now() - started) / 1000,
    );
    if (error !== null)
      this.metrics.upstreamErrors.inc({ upstream: this.kind, code: codeOf(error) });
  }
}

/**
 * The OpenAI-compatible adapter behind an upstream, or null (the simulator): for endpoints that
 * pass a request through as it is (embeddings, moderations, native Responses) instead of over chat.
 */
export function openAICompatible(upstream: Upstream): OpenAICompatibleUpstream | null {
  const base = upstream instanceof InstrumentedUpstream ? upstream.inner : upstream;
  return base instanceof OpenAICompatibleUpstream ? base : null;
}
