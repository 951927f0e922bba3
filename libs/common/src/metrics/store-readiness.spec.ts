import { storeReadiness } from './store-readiness';

describe('storeReadiness', () => {
  const ok = { query: async () => [{}], ping: async () => 'PONG' };
  const failing = async () => {
    throw new Error('connection refused');
  };

  it('is ready when both stores answer', async () => {
    await expect(storeReadiness({ database: ok, redis: ok })).resolves.toEqual({
      ready: true,
      database: 'up',
      redis: 'up',
    });
  });

  it('names the store that does not answer, without throwing', async () => {
    await expect(storeReadiness({ database: { query: failing }, redis: ok })).resolves.toEqual({
      ready: false,
      database: 'down',
      redis: 'up',
    });
    await expect(storeReadiness({ database: ok, redis: { ping: failing } })).resolves.toEqual({
      ready: false,
      database: 'up',
      redis: 'down',
    });
  });
});
