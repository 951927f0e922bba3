import { z } from 'zod';
import { baseEnvSchema, InvalidEnvironmentError, parseEnv, secretSchema } from './env';

describe('parseEnv', () => {
  const schema = baseEnvSchema.extend({ JWT_SECRET: secretSchema });

  it('names every bad variable and never echoes a secret', () => {
    let error: unknown;
    try {
      parseEnv(schema, { DATABASE_URL: 'mysql://x', JWT_SECRET: 'short-secret-value' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('JWT_SECRET');
    expect(message).not.toContain('short-secret-value');
  });

  it('applies defaults', () => {
    const env = parseEnv(schema, { JWT_SECRET: 'x'.repeat(32) });
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(parseEnv(z.object({ N: z.coerce.number().default(3) }), {}).N).toBe(3);
  });
});
