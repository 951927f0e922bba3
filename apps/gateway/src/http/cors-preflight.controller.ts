import { Controller, Headers, Options, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CorsOrigins } from '../cors/cors-origins';
import { preflightHeaders } from '../cors/cors';

/** CORS preflights for every /v1 route: answered from memory, without a key (a preflight carries none). */
@Controller('v1')
export class CorsPreflightController {
  constructor(private readonly origins: CorsOrigins) {}

  @Options('*')
  preflight(
    @Headers('origin') origin: string | undefined,
    @Headers('access-control-request-headers') requested: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    if (origin && this.origins.allowedByAny(origin))
      void reply.headers(preflightHeaders(origin, requested));
    void reply.status(204).send();
  }
}
