import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { CallAdmission } from '../chat/call-admission';
import { ChatCompletionsService } from '../chat/chat-completions.service';
import { prepareAsChat } from '../endpoints/prepare-as-chat';
import { OpenAIError } from '../http/openai-error';
import { openAICompatible } from '../metrics/instrumented-upstream';
import { UpstreamRegistry } from '../upstream/upstream.registry';
import { ResponsesPassthrough } from './responses-passthrough.upstream';
import { ResponseStore } from './response-store';
import {
  type ChatMessage,
  chatParameters,
  inputToMessages,
  parseResponsesRequest,
} from './responses-request';
import { ResponsesOverChat, type SaveResponse } from './responses-over-chat.upstream';

export const notFound = (id: string, param: string | null = null) =>
  new OpenAIError(404, 'invalid_request_error', null, `Response with id '${id}' not found.`, param);

/**
 * `POST /v1/responses` through the chat gate: the input (with the conversation behind
 * `previous_response_id` and any `item_reference`, looked up in the caller's organisation) is
 * translated to a chat request, admitted, metered and audited as chat is, and the upstream's
 * answer is shaped as a Response (or typed Responses events) by `ResponsesOverChat`.
 */
@Injectable()
export class ResponsesService {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly admission: CallAdmission,
    private readonly chat: ChatCompletionsService,
    private readonly upstreams: UpstreamRegistry,
    private readonly store: ResponseStore,
  ) {}

  async create(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { organizationId } = await this.auth.authenticate(request.headers.authorization);
    const req = parseResponsesRequest(request.body);
    let history: ChatMessage[] = [];
    if (req.previous_response_id) {
      const previous = await this.store.get(organizationId, req.previous_response_id);
      if (!previous) throw notFound(req.previous_response_id, 'previous_response_id');
      history = previous.messages;
    }
    const conversation = [
      ...history,
      ...(await inputToMessages(
        req.input,
        (id) => this.store.item(organizationId, id),
        this.store.referenceLimits,
      )),
    ];
    // Instructions apply to this response only (OpenAI does not carry them over a previous_response_id).
    const messages = req.instructions
      ? [{ role: 'system', content: req.instructions }, ...conversation]
      : conversation;
    const call = await prepareAsChat(this.admission, request, {
      endpoint: 'responses',
      chatBody: { model: req.model, messages, stream: req.stream ?? false, ...chatParameters(req) },
      idPrefix: 'resp_',
      params: {
        messages: 'input',
        max_completion_tokens: 'max_output_tokens',
        response_format: 'text.format',
        tools: 'tools',
        tool_choice: 'tool_choice',
      },
    });
    const hex = call.requestId.replace(/-/g, '');
    const draft = {
      id: call.completionId,
      hex,
      createdAt: Math.floor(Date.now() / 1000),
      model: call.entry.model.slug,
      req,
    };
    const save: SaveResponse =
      req.store === false
        ? async () => undefined
        : (response, msgs) => this.store.save(organizationId, { response, messages: msgs });
    const target = this.upstreams.for(call.entry.model);
    const direct = openAICompatible(target);
    const upstream = direct?.speaksResponses
      ? new ResponsesPassthrough(
          direct,
          draft,
          request.body as Record<string, unknown>,
          conversation,
          save,
        )
      : new ResponsesOverChat(target, draft, conversation, save);
    await (req.stream
      ? this.chat.stream(call, reply, upstream, '')
      : this.chat.complete(call, reply, upstream));
  }

  async get(authorization: string | undefined, id: string): Promise<Record<string, unknown>> {
    const { organizationId } = await this.auth.authenticate(authorization);
    const stored = await this.store.get(organizationId, id);
    if (!stored) throw notFound(id);
    return stored.response;
  }

  async delete(authorization: string | undefined, id: string): Promise<Record<string, unknown>> {
    const { organizationId } = await this.auth.authenticate(authorization);
    if (!(await this.store.delete(organizationId, id))) throw notFound(id);
    return { id, object: 'response', deleted: true };
  }

  /** `GET /v1/responses/{id}/input_items`: the items the response was given, as chat messages turned back into items. */
  async inputItems(
    authorization: string | undefined,
    id: string,
  ): Promise<Record<string, unknown>> {
    const { organizationId } = await this.auth.authenticate(authorization);
    const stored = await this.store.get(organizationId, id);
    if (!stored) throw notFound(id);
    const data = stored.messages
      .filter((m) => m.role !== 'assistant' && m.role !== 'tool')
      .map((m, i) => ({
        id: `msg_in_${i}`,
        type: 'message',
        role: m.role,
        status: 'completed',
        content: [{ type: 'input_text', text: typeof m.content === 'string' ? m.content : '' }],
      }));
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: false,
    };
  }
}
