import fc from 'fast-check';
import { standingFor } from './entitlement-facts';
import {
  evaluateTier,
  type ContractStanding,
  type RuleTerms,
  type TierFacts,
} from './unlock-evaluation';

const micros = fc.bigInt({ min: 0n, max: 10n ** 13n });
const rule: fc.Arbitrary<RuleTerms> = fc.record({
  tier: fc.constant('premium'),
  requiresContract: fc.boolean(),
  minQualifyingSpendMicros: micros,
  spendWindowDays: fc.integer({ min: 1, max: 365 }),
  currency: fc.constant('USD'),
  requiresVerified: fc.boolean(),
  requiresNotSuspended: fc.boolean(),
  minAccountAgeDays: fc.integer({ min: 0, max: 400 }),
});
const standing: fc.Arbitrary<ContractStanding> = fc.oneof(
  fc.constant({ state: 'none' } as const),
  fc.constant({ state: 'active', contractId: 'c', tier: 'premium', endsOn: '2027-01-01' } as const),
  fc.constant({
    state: 'approved',
    contractId: 'c',
    tier: 'premium',
    startsOn: '2027-01-01',
  } as const),
  fc
    .constantFrom('submitted', 'changes_requested', 'draft')
    .map((state) => ({ state, contractId: 'c', tier: 'premium' }) as ContractStanding),
);
const NOW = new Date('2026-11-25T12:00:00Z');
const facts: fc.Arbitrary<TierFacts> = fc.record({
  now: fc.constant(NOW),
  organizationActive: fc.boolean(),
  verified: fc.boolean(),
  organizationCreatedAt: fc
    .integer({ min: 0, max: 500 })
    .map((d) => new Date(NOW.getTime() - d * 86_400_000)),
  suspended: fc.boolean(),
  qualifyingSpendMicros: micros,
  contract: standing,
});

/** The rule, restated independently of the implementation. */
function oracle(r: RuleTerms, f: TierFacts): boolean {
  const ageDays = Math.floor((f.now.getTime() - f.organizationCreatedAt.getTime()) / 86_400_000);
  return (
    f.organizationActive &&
    (!r.requiresContract || f.contract.state === 'active') &&
    f.qualifyingSpendMicros >= r.minQualifyingSpendMicros &&
    (!r.requiresVerified || f.verified) &&
    (!r.requiresNotSuspended || !f.suspended) &&
    ageDays >= r.minAccountAgeDays
  );
}

describe('evaluateTier', () => {
  it('unlocks exactly when every condition the rule switches on holds', () => {
    fc.assert(
      fc.property(rule, facts, (r, f) => evaluateTier(r, f).unlocked === oracle(r, f)),
      { numRuns: 2000 },
    );
  });

  it('is unlocked iff every reported condition holds', () => {
    fc.assert(
      fc.property(rule, facts, (r, f) => {
        const e = evaluateTier(r, f);
        return e.unlocked === e.conditions.every((c) => c.holds);
      }),
    );
  });

  it('never locks because of more spend', () => {
    fc.assert(
      fc.property(rule, facts, micros, (r, f, extra) => {
        const more = { ...f, qualifyingSpendMicros: f.qualifyingSpendMicros + extra };
        return !evaluateTier(r, f).unlocked || evaluateTier(r, more).unlocked;
      }),
    );
  });

  it('never locks because a condition is switched off', () => {
    fc.assert(
      fc.property(
        rule,
        facts,
        fc.constantFrom('requiresContract', 'requiresVerified', 'requiresNotSuspended'),
        (r, f, key) => {
          const looser = { ...r, [key]: false };
          return !evaluateTier(r, f).unlocked || evaluateTier(looser, f).unlocked;
        },
      ),
    );
  });

  it('reports the spend gap exactly, and the threshold itself is enough', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 13n }), micros, (threshold, spent) => {
        const r = {
          tier: 'premium',
          requiresContract: false,
          minQualifyingSpendMicros: threshold,
          spendWindowDays: 90,
          currency: 'USD',
          requiresVerified: false,
          requiresNotSuspended: false,
          minAccountAgeDays: 0,
        };
        const f = {
          now: NOW,
          organizationActive: true,
          verified: true,
          organizationCreatedAt: NOW,
          suspended: false,
          qualifyingSpendMicros: spent,
          contract: { state: 'none' } as const,
        };
        const c = evaluateTier(r, f).conditions.find((x) => x.key === 'qualifying_spend')!;
        const remaining = c.details!.remainingMicros as bigint;
        return (
          c.holds === spent >= threshold &&
          (c.holds ? remaining === 0n : spent + remaining === threshold)
        );
      }),
    );
  });

  it('explains with the numbers', () => {
    const r = {
      tier: 'premium',
      requiresContract: true,
      minQualifyingSpendMicros: 50_000_000_000n,
      spendWindowDays: 90,
      currency: 'USD',
      requiresVerified: true,
      requiresNotSuspended: true,
      minAccountAgeDays: 0,
    };
    const e = evaluateTier(r, {
      now: NOW,
      organizationActive: true,
      verified: true,
      organizationCreatedAt: NOW,
      suspended: false,
      qualifyingSpendMicros: 41_200_000_000n,
      contract: { state: 'submitted', contractId: 'c', tier: 'premium' },
    });
    expect(e.unlocked).toBe(false);
    expect(e.conditions.map((c) => [c.key, c.holds, c.message])).toEqual([
      ['organization_active', true, 'organisation active'],
      ['contract', false, 'contract pending approval'],
      [
        'qualifying_spend',
        false,
        'spent 41,200.00 of 50,000.00 USD in the last 90 days; 8,800.00 USD to go',
      ],
      ['verified', true, 'organisation verified'],
      ['not_suspended', true, 'not suspended'],
    ]);
    expect(e.refusal).toEqual({ code: 'contract_pending', message: 'contract pending approval' });
  });

  const open: RuleTerms = {
    tier: 'premium',
    requiresContract: true,
    minQualifyingSpendMicros: 1_000_000n,
    spendWindowDays: 90,
    currency: 'USD',
    requiresVerified: true,
    requiresNotSuspended: true,
    minAccountAgeDays: 0,
  };
  const fine: TierFacts = {
    now: NOW,
    organizationActive: true,
    verified: true,
    organizationCreatedAt: NOW,
    suspended: false,
    qualifyingSpendMicros: 1_000_000n,
    contract: { state: 'active', contractId: 'c', tier: 'premium', endsOn: '2027-01-01' },
  };

  it('never reads as met while locked: 8 micro-units short shows the exact amounts', () => {
    const e = evaluateTier(open, { ...fine, qualifyingSpendMicros: 999_992n });
    expect(e.unlocked).toBe(false);
    expect(e.refusal).toEqual({
      code: 'spend_short',
      message: 'spent 0.999992 of 1.00 USD in the last 90 days; 0.000008 USD to go',
    });
  });

  it('counts zero approvals as a count: "0 of 2 approvals"', () => {
    const e = evaluateTier(open, {
      ...fine,
      contract: {
        state: 'submitted',
        contractId: 'c',
        tier: 'premium',
        approvals: 0,
        requiredApprovals: 2,
      },
    });
    expect(e.refusal?.message).toBe('contract pending approval (0 of 2 approvals)');
  });

  it('names the most fundamental reason first', () => {
    const cases: [Partial<TierFacts>, string][] = [
      [{ organizationActive: false, suspended: true, verified: false }, 'organization_disabled'],
      [{ suspended: true, verified: false, qualifyingSpendMicros: 0n }, 'organization_suspended'],
      [
        {
          contract: {
            state: 'none',
            ended: { contractId: 'c', tier: 'premium', status: 'terminated', on: '2026-11-20' },
          },
          verified: false,
        },
        'contract_ended',
      ],
      [{ contract: { state: 'none' } }, 'contract_missing'],
      [{ verified: false, qualifyingSpendMicros: 0n }, 'verification_missing'],
      [{ qualifyingSpendMicros: 0n }, 'spend_short'],
    ];
    for (const [f, code] of cases)
      expect(evaluateTier(open, { ...fine, ...f }).refusal?.code).toBe(code);
    expect(evaluateTier(open, fine).refusal).toBeNull();
    const ended = evaluateTier(open, { ...fine, ...cases[2][0] }).refusal!;
    expect(ended.message).toBe('the premium contract was terminated on 2026-11-20');
  });

  it('lapses at the end of the contract term, and grandfathering waives only tightened thresholds', () => {
    expect(evaluateTier(open, fine).validUntil).toEqual(new Date('2027-01-02T00:00:00Z'));
    const kept = {
      ...fine,
      qualifyingSpendMicros: 0n,
      verified: false,
      grandfatheredUntil: '2026-12-31',
    };
    const e = evaluateTier(open, kept);
    expect(e.unlocked).toBe(true);
    expect(e.validUntil).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(e.conditions.at(-1)).toMatchObject({ key: 'grandfathered', holds: true });
    expect(evaluateTier(open, { ...kept, suspended: true }).unlocked).toBe(false);
    expect(evaluateTier(open, { ...kept, organizationActive: false }).unlocked).toBe(false);
    expect(evaluateTier(open, { ...kept, contract: { state: 'none' } }).unlocked).toBe(false);
  });

  it('property: a refusal exists exactly when the tier is locked, and names a failing condition', () => {
    fc.assert(
      fc.property(rule, facts, (r, f) => {
        const e = evaluateTier(r, f);
        if (e.unlocked) return e.refusal === null;
        return (
          e.refusal !== null &&
          e.conditions.some((c) => !c.holds && c.message === e.refusal!.message)
        );
      }),
    );
  });
});

describe('standingFor', () => {
  const row = (status: string, rank: number, term_end = '2027-01-01') => ({
    id: status,
    tier: `t${rank}`,
    rank,
    status,
    term_start: '2026-01-01',
    term_end,
  });
  it('prefers an active covering contract, ignores lower tiers and lapsed ones', () => {
    expect(standingFor([row('submitted', 20), row('active', 30)], 20, '2026-06-01').state).toBe(
      'active',
    );
    expect(standingFor([row('active', 10)], 20, '2026-06-01').state).toBe('none');
    expect(standingFor([row('approved', 20, '2026-05-31')], 20, '2026-06-01')).toMatchObject({
      state: 'none',
      ended: { status: 'expired', on: '2026-05-31' },
    });
    expect(
      standingFor([{ ...row('terminated', 20), ended_on: '2026-03-02' }], 20, '2026-06-01'),
    ).toMatchObject({ state: 'none', ended: { status: 'terminated', on: '2026-03-02' } });
    expect(standingFor([row('active', 20, '2026-05-31')], 20, '2026-06-01').state).toBe('none');
    expect(standingFor([row('active', 20, '2026-06-01')], 20, '2026-06-01').state).toBe('active');
    expect(
      standingFor([row('changes_requested', 20), row('approved', 20)], 20, '2026-06-01').state,
    ).toBe('approved');
    expect(standingFor([row('active', 20)], 30, '2026-06-01')).toEqual({
      state: 'none',
      activeLowerTier: 't20',
    });
    const pending = { ...row('submitted', 20), approvals: 1, required_approvals: 2 };
    expect(standingFor([pending], 20, '2026-06-01')).toMatchObject({
      state: 'submitted',
      approvals: 1,
      requiredApprovals: 2,
    });
  });
});
