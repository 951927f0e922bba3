import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResponsesService } from '../responses/responses.service';

/** OpenAI's Responses API: create (plain or streamed), retrieve, delete. */
@Controller('v1/responses')
export class ResponsesController {
  constructor(private readonly responses: ResponsesService) {}

  @Post()
  @HttpCode(200)
  create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.responses.create(request, reply);
  }

  @Get(':id')
  get(@Headers('authorization') authorization: string | undefined, @Param('id') id: string) {
    return this.responses.get(authorization, id);
  }

  @Get(':id/input_items')
  inputItems(@Headers('authorization') authorization: string | undefined, @Param('id') id: string) {
    return this.responses.inputItems(authorization, id);
  }

  @Delete(':id')
  delete(@Headers('authorization') authorization: string | undefined, @Param('id') id: string) {
    return this.responses.delete(authorization, id);
  }
}
