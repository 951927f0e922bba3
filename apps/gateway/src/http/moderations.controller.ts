import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { CallAdmission } from '../chat/call-admission';
import { ChatCompletionsService } from '../chat/chat-completions.service';
import { prepareAsChat } from '../endpoints/prepare-as-chat';
import {
  moderationTexts,
  moderationTokens,
  ModerationsUpstream,
  parseModerationsRequest,
} from '../moderations/moderations';
import { UpstreamRegistry } from '../upstream/upstream.registry';

/** `POST /v1/moderations` through the chat gate (the model must be in the catalog, `omni-moderation-latest` by default). */
@Controller('v1')
export class ModerationsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly admission: CallAdmission,
    private readonly chat: ChatCompletionsService,
    private readonly upstreams: UpstreamRegistry,
  ) {}

  @Post('moderations')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The key first, as chat completions do: an unauthenticated body costs no validation.
    await this.auth.authenticate(request.headers.authorization);
    const req = parseModerationsRequest(request.body);
    const texts = moderationTexts(req);
    const call = await prepareAsChat(this.admission, request, {
      endpoint: 'moderations',
      chatBody: { model: req.model, messages: [{ role: 'user', content: '' }] },
      idPrefix: 'modr-',
      prompt: (model) => ({
        text: texts.join('\n'),
        tokens: moderationTokens(texts, model),
        maxTokens: 0,
      }),
    });
    await this.chat.complete(
      call,
      reply,
      new ModerationsUpstream(this.upstreams.for(call.entry.model), req, texts),
    );
  }
}
