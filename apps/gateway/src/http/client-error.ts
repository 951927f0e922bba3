import type { Socket } from 'node:net';
import { OpenAIError } from './openai-error';

/**
 * Requests Node's HTTP parser refuses before any route runs (a NUL or control character in a
 * header value, an oversized header block, a malformed request line) are answered in OpenAI's error
 * format too, so an SDK raises its typed error with a message instead of Fastify's own shape.
 */
export function openAIClientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, error] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [
          408,
          'Request Timeout',
          OpenAIError.badRequest('The request was not received in time.', null, 'request_timeout'),
        ]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            OpenAIError.badRequest('The request headers are too large.', null, 'headers_too_large'),
          ]
        : [
            400,
            'Bad Request',
            OpenAIError.badRequest(
              'The request is not valid HTTP (a header may hold a NUL or control character).',
              null,
              'malformed_request',
            ),
          ];
  const body = JSON.stringify(error.body());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
