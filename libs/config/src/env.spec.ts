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

describe('Redis Cluster settings', () => {
  it('takes host:port lists and refuses anything else', () => {
    const env = parseEnv(baseEnvSchema, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b:7001' });
    expect(env.REDIS_CLUSTER_NODES).toBe('10.0.0.1:7000,redis-b:7001');
    expect(env.REDIS_SHARDS).toBe(16);
    for (const bad of ['10.0.0.1', '10.0.0.1:7000,', 'a:1, b:2', 'a:x'])
      expect(() => parseEnv(baseEnvSchema, { REDIS_CLUSTER_NODES: bad })).toThrow(
        InvalidEnvironmentError,
      );
  });
});
