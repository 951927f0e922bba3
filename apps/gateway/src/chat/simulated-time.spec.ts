import type { FastifyRequest } from 'fastify';
import { OpenAIError } from '../http/openai-error';
import { SIMULATED_TIME_HEADER, simulatedTime } from './simulated-time';

const req = (value?: string) =>
  ({
    headers: value === undefined ? {} : { [SIMULATED_TIME_HEADER]: value },
  }) as unknown as FastifyRequest;
const on = { GATEWAY_ALLOW_SIMULATED_TIME: 'true' as const, NODE_ENV: 'development' as const };

describe('simulatedTime', () => {
  it('uses the header only when the flag is on', () => {
    expect(simulatedTime(req('2026-03-02T10:00:00.000Z'), on)?.toISOString()).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    expect(
      simulatedTime(req('2026-03-02T10:00:00.000Z'), {
        ...on,
        GATEWAY_ALLOW_SIMULATED_TIME: 'false',
      }),
    ).toBeNull();
    expect(simulatedTime(req(), on)).toBeNull();
  });
  it('is ignored in production even with the flag on', () => {
    expect(
      simulatedTime(req('2026-03-02T10:00:00.000Z'), { ...on, NODE_ENV: 'production' }),
    ).toBeNull();
  });
  it('refuses a malformed time with a 400', () => {
    expect(() => simulatedTime(req('yesterday'), on)).toThrow(OpenAIError);
    expect(() => simulatedTime(req('2026-13-45T99:00:00Z'), on)).toThrow(OpenAIError);
  });
});
