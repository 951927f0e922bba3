import type { EntityManager } from 'typeorm';
import { premiumCallsWithSeenBands, recordPremiumBandSightings } from './premium-horizon.query';

describe('premium horizon port', () => {
  const statements: string[] = [];
  const em = {
    query: async (sql: string) => {
      statements.push(sql);
      return [];
    },
  } as unknown as EntityManager;
  const span = { from: new Date(0), to: new Date(1) };

  it("splices the caller's sightings relation into the one statement", async () => {
    await premiumCallsWithSeenBands(em, {
      ...span,
      organizationIds: [],
      limit: 10,
      bandsKept: 8,
      sightings: 'detection_prompt_bands',
    });
    expect(statements.pop()).toMatch(/JOIN detection_prompt_bands b ON .* LIMIT 10\) h$/s);
  });

  it('refuses a relation that is not a plain identifier, and a count that is not one', async () => {
    await expect(
      recordPremiumBandSightings(em, {
        ...span,
        into: 'bands; DROP TABLE audit_log',
        bandsKept: 8,
        refreshHours: 24,
      }),
    ).rejects.toThrow('not a relation name');
    await expect(
      recordPremiumBandSightings(em, { ...span, into: 'bands', bandsKept: 1.5, refreshHours: 24 }),
    ).rejects.toThrow('not a count');
  });
});
