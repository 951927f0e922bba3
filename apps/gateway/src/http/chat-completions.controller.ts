import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallAdmission } from '../chat/call-admission';
import { ChatCompletionsService } from '../chat/chat-completions.service';

@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(
    private readonly admission: CallAdmission,
    private readonly chat: ChatCompletionsService,
  ) {}

  @Post('completions')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const call = await this.admission.prepare(request);
    await (call.req.stream ? this.chat.stream(call, reply) : this.chat.complete(call, reply));
  }
}
