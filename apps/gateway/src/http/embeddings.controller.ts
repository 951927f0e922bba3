import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { CallAdmission } from '../chat/call-admission';
import { ChatCompletionsService } from '../chat/chat-completions.service';
import {
  assertInputsFit,
  embeddingInputs,
  EmbeddingsUpstream,
  parseEmbeddingsRequest,
} from '../embeddings/embeddings';
import { prepareAsChat } from '../endpoints/prepare-as-chat';
import { UpstreamRegistry } from '../upstream/upstream.registry';

/** `POST /v1/embeddings` through the chat gate: metered as input tokens, audited (premium) with the inputs as prompt. */
@Controller('v1')
export class EmbeddingsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly admission: CallAdmission,
    private readonly chat: ChatCompletionsService,
    private readonly upstreams: UpstreamRegistry,
  ) {}

  @Post('embeddings')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The key first, as chat completions do: an unauthenticated body costs no validation.
    await this.auth.authenticate(request.headers.authorization);
    const req = parseEmbeddingsRequest(request.body);
    let inputs: ReturnType<typeof embeddingInputs> = [];
    const call = await prepareAsChat(this.admission, request, {
      endpoint: 'embeddings',
      // Admission checks key, model and entitlement on this stand-in; the prompt figures are the inputs' own.
      chatBody: { model: req.model, messages: [{ role: 'user', content: '' }] },
      idPrefix: 'emb-',
      prompt: (model) => {
        inputs = embeddingInputs(req, model);
        assertInputsFit(inputs, model);
        return {
          text: inputs.map((i) => i.text).join('\n'),
          tokens: inputs.reduce((n, i) => n + i.tokens, 0),
          maxTokens: 0,
        };
      },
    });
    await this.chat.complete(
      call,
      reply,
      new EmbeddingsUpstream(this.upstreams.for(call.entry.model), req, inputs),
    );
  }
}
