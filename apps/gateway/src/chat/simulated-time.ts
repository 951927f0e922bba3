import type { FastifyRequest } from 'fastify';
import type { GatewayEnv } from '../env';
import { OpenAIError } from '../http/openai-error';

export const SIMULATED_TIME_HEADER = 'x-velvet-simulated-time';

/**
 * The detection evaluation (npm run eval:detection) replays a day of traffic in minutes; the
 * time each call "happened" reaches the audit record through this header. Honoured only when
 * GATEWAY_ALLOW_SIMULATED_TIME=true outside production; otherwise the header is ignored.
 */
export function simulatedTime(
  request: FastifyRequest,
  env: Pick<GatewayEnv, 'GATEWAY_ALLOW_SIMULATED_TIME' | 'NODE_ENV'>,
): Date | null {
  if (env.GATEWAY_ALLOW_SIMULATED_TIME !== 'true' || env.NODE_ENV === 'production') return null;
  const raw = request.headers[SIMULATED_TIME_HEADER];
  if (raw === undefined) return null;
  const at = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? new Date(raw) : null;
  if (!at || Number.isNaN(at.getTime())) {
    throw OpenAIError.badRequest(
      `${SIMULATED_TIME_HEADER} must be an ISO 8601 time.`,
      SIMULATED_TIME_HEADER,
      'invalid_value',
    );
  }
  return at;
}
