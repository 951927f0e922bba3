import type {
  Completion,
  StreamEvent,
  Upstream,
  UpstreamRequest,
} from '../upstream/upstream.types';
import type { ChatMessage } from './responses-request';
import {
  functionCallItem,
  functionItemId,
  itemsAsMessages,
  messageItem,
  messageItemId,
  outputItems,
  outputText,
  type ResponseDraft,
  responseObject,
  statusOf,
  usageOf,
} from './response-shape';

type Json = Record<string, unknown>;

/** Keeps a finished response for `previous_response_id` (or not, with `store: false`). */
export type SaveResponse = (response: Json, messages: ChatMessage[]) => Promise<void>;

interface ChunkDelta {
  content?: string | null;
  tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
}

/**
 * The Responses API over an upstream that speaks only chat completions: the call's chat
 * translation goes to the upstream, and its completion (or chunks) comes back as a Response
 * object (or the typed Responses events: `response.created` ... `response.completed`). Text and
 * tool-call events stream as they come; the closing events (`*.done`, `response.completed`) are
 * marked finishing, so the gateway sends them only once the call is recorded. One adapter per call.
 */
export class ResponsesOverChat implements Upstream {
  constructor(
    private readonly chat: Upstream,
    private readonly draft: ResponseDraft,
    /** The conversation sent upstream (previous responses' history included), without the instructions. */
    private readonly conversation: ChatMessage[],
    private readonly save: SaveResponse,
  ) {}

  async complete(call: UpstreamRequest): Promise<Completion> {
    const completion = await this.chat.complete(call);
    const choice = (
      completion.body.choices as { message?: Json; finish_reason?: string | null }[] | undefined
    )?.[0];
    const output = outputItems(this.draft.hex, choice?.message as never);
    const { status, incomplete } = statusOf(completion.finishReason);
    const body = responseObject(this.draft, status, output, usageOf(completion), incomplete);
    await this.save(body, [...this.conversation, ...(itemsAsMessages(output) as ChatMessage[])]);
    return { ...completion, body };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    const d = this.draft;
    let seq = 0;
    const ev = (
      type: string,
      fields: Json,
      text = '',
      finishReason: string | null = null,
    ): StreamEvent => ({
      kind: 'chunk',
      event: type,
      chunk: { type, sequence_number: seq++, ...fields },
      text,
      finishReason,
    });
    const inProgress = responseObject(d, 'in_progress', [], null);
    yield ev('response.created', { response: inProgress });
    yield ev('response.in_progress', { response: inProgress });

    // Output items in the order they were opened: the message (if any text), then tool calls.
    const items: {
      kind: 'message' | 'function';
      id: string;
      index: number;
      text: string;
      callId?: string;
      name?: string;
    }[] = [];
    let message: (typeof items)[number] | undefined;
    const calls = new Map<number, (typeof items)[number]>();
    let finishReason: string | null = null;
    let usage = { inputTokens: call.promptTokens, outputTokens: 0 };

    for await (const event of this.chat.stream(call)) {
      if (event.kind === 'usage') {
        usage = event.usage;
        continue;
      }
      finishReason ??= event.finishReason;
      const delta = (event.chunk.choices as { delta?: ChunkDelta }[] | undefined)?.[0]?.delta ?? {};
      if (delta.content) {
        if (!message) {
          message = { kind: 'message', id: messageItemId(d.hex), index: items.length, text: '' };
          items.push(message);
          yield ev('response.output_item.added', {
            output_index: message.index,
            item: messageItem(message.id, '', 'in_progress'),
          });
          yield ev('response.content_part.added', {
            item_id: message.id,
            output_index: message.index,
            content_index: 0,
            part: outputText(''),
          });
        }
        message.text += delta.content;
        yield ev(
          'response.output_text.delta',
          {
            item_id: message.id,
            output_index: message.index,
            content_index: 0,
            delta: delta.content,
            logprobs: [],
          },
          delta.content,
        );
      }
      for (const tc of delta.tool_calls ?? []) {
        const at = tc.index ?? 0;
        let fc = calls.get(at);
        if (!fc) {
          const name = tc.function?.name ?? '';
          fc = {
            kind: 'function',
            id: functionItemId(d.hex, calls.size),
            index: items.length,
            text: '',
            callId: tc.id ?? `call_${d.hex}_${at}`,
            name,
          };
          calls.set(at, fc);
          items.push(fc);
          yield ev(
            'response.output_item.added',
            {
              output_index: fc.index,
              item: functionCallItem(fc.id, fc.callId!, name, '', 'in_progress'),
            },
            name,
          );
        }
        const args = tc.function?.arguments;
        if (args) {
          fc.text += args;
          yield ev(
            'response.function_call_arguments.delta',
            { item_id: fc.id, output_index: fc.index, delta: args },
            args,
          );
        }
      }
    }

    // The end: held by the gateway until the call is recorded (finishReason set on each).
    const end = finishReason ?? 'stop';
    const output: Json[] = [];
    const closing: StreamEvent[] = [];
    for (const it of items) {
      if (it.kind === 'message') {
        const item = messageItem(it.id, it.text);
        output.push(item);
        closing.push(
          ev(
            'response.output_text.done',
            {
              item_id: it.id,
              output_index: it.index,
              content_index: 0,
              text: it.text,
              logprobs: [],
            },
            '',
            end,
          ),
        );
        closing.push(
          ev(
            'response.content_part.done',
            { item_id: it.id, output_index: it.index, content_index: 0, part: outputText(it.text) },
            '',
            end,
          ),
        );
        closing.push(ev('response.output_item.done', { output_index: it.index, item }, '', end));
      } else {
        const item = functionCallItem(it.id, it.callId!, it.name!, it.text);
        output.push(item);
        closing.push(
          ev(
            'response.function_call_arguments.done',
            { item_id: it.id, output_index: it.index, arguments: it.text },
            '',
            end,
          ),
        );
        closing.push(ev('response.output_item.done', { output_index: it.index, item }, '', end));
      }
    }
    const { status, incomplete } = statusOf(finishReason);
    const final = responseObject(d, status, output, usageOf(usage), incomplete);
    await this.save(final, [...this.conversation, ...(itemsAsMessages(output) as ChatMessage[])]);
    yield* closing;
    yield ev(
      status === 'completed' ? 'response.completed' : 'response.incomplete',
      { response: final },
      '',
      end,
    );
    yield { kind: 'usage', chunk: {}, usage };
  }
}
