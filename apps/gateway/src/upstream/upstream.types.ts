import { EventEmitter } from 'node:events';
import type { Model } from '@velvet/catalog';
import type { ChatRequest } from '../chat/chat-request.schema';

export interface UpstreamRequest {
  model: Model;
  req: ChatRequest;
  /** The id the response carries (`chatcmpl-...`). */
  completionId: string;
  promptText: string;
  promptTokens: number;
  maxTokens: number;
  cancellation: Cancellation;
}

/**
 * Cancels an upstream call: the client left, or admission refused the call. An EventEmitter with
 * an 'abort' event, which undici accepts as a request signal, rather than an AbortController:
 * Node 20 builds every AbortSignal in a way that makes V8's young-generation GC keep it and all
 * it reaches, and the gateway made one per call (docs/performance.md, "Garbage collection").
 */
export class Cancellation extends EventEmitter {
  aborted = false;
  private controller?: AbortController;

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }

  /** For the APIs that need an AbortSignal (timers, `events.once`): made only when one is asked for. */
  toAbortSignal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      if (this.aborted) controller.abort();
      else this.once('abort', () => controller.abort());
    }
    return this.controller.signal;
  }
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface Completion extends TokenUsage {
  /** The OpenAI `chat.completion` object, already naming the catalog model. */
  body: Record<string, unknown>;
  text: string;
  finishReason: string | null;
}

/** One streamed event: a `chat.completion.chunk`, or the final usage (sent only if the client asked). */
export type StreamEvent =
  | {
      kind: 'chunk';
      chunk: Record<string, unknown>;
      text: string;
      finishReason: string | null;
      /** The SSE `event:` name (Responses API streams type their events); chat chunks have none. */
      event?: string;
    }
  | { kind: 'usage'; chunk: Record<string, unknown>; usage: TokenUsage };

export interface Upstream {
  complete(call: UpstreamRequest): Promise<Completion>;
  stream(call: UpstreamRequest): AsyncIterable<StreamEvent>;
}

/** An upstream that failed or timed out; mapped to an OpenAI-style error and never charged. */
export class UpstreamError extends Error {
  constructor(
    /** The status to answer with: the upstream's own for client errors, 502/504 otherwise. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}
