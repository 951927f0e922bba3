import type { FastifyInstance } from 'fastify';
import type { CallAdmission } from '../chat/call-admission';
import type { ChatCompletionsService } from '../chat/chat-completions.service';
import { sendError } from './openai-error.filter';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

/**
 * `POST /v1/chat/completions` as a plain Fastify route, not a Nest controller: the gateway's hot
 * path skips Nest's router (its per-request handler wrapper, parameter factories and exception
 * zone) and still runs every global Fastify hook (CORS, request ids, metrics, the log line) and
 * the same services. Errors take the same path as the Nest routes' (`OpenAIErrorFilter`):
 * `sendError`, including those Fastify raises before the handler (malformed or oversized JSON),
 * since the route brings its own error handler rather than relying on the one Nest installs.
 */
export function registerChatCompletionsRoute(
  fastify: FastifyInstance,
  admission: CallAdmission,
  chat: ChatCompletionsService,
): void {
  fastify.route({
    method: 'POST',
    url: CHAT_COMPLETIONS_PATH,
    errorHandler: (error, _request, reply) => sendError(reply, error),
    handler: async (request, reply) => {
      try {
        // A stream measures its prompt (tokens, context window) while its upstream works.
        const call = await admission.screen(request);
        await (call.req.stream
          ? chat.stream(call, reply)
          : chat.complete(admission.measure(call), reply));
      } catch (error) {
        sendError(reply, error);
      }
      return reply;
    },
  });
}
