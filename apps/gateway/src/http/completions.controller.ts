import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { CallAdmission } from '../chat/call-admission';
import { ChatCompletionsService } from '../chat/chat-completions.service';
import {
  CompletionsOverChat,
  completionsAsChat,
  parseCompletionsRequest,
} from '../completions/legacy-completions';
import { prepareAsChat } from '../endpoints/prepare-as-chat';
import { UpstreamRegistry } from '../upstream/upstream.registry';

/** The legacy `POST /v1/completions` (one prompt), served over the model's chat upstream through the chat gate. */
@Controller('v1')
export class CompletionsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly admission: CallAdmission,
    private readonly chat: ChatCompletionsService,
    private readonly upstreams: UpstreamRegistry,
  ) {}

  @Post('completions')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The key first, as chat completions do: an unauthenticated body costs no validation.
    await this.auth.authenticate(request.headers.authorization);
    const req = parseCompletionsRequest(request.body);
    const call = await prepareAsChat(this.admission, request, {
      endpoint: 'completions',
      chatBody: completionsAsChat(req),
      idPrefix: 'cmpl-',
      params: { messages: 'prompt' },
    });
    const upstream = new CompletionsOverChat(this.upstreams.for(call.entry.model));
    await (req.stream
      ? this.chat.stream(call, reply, upstream)
      : this.chat.complete(call, reply, upstream));
  }
}
